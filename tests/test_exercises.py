"""Every exercise check passes on its reference solution and fails on wrong answers."""

import numpy as np

from course_lib.exercises import nb01, run_check
from course_lib.solutions import nb01 as sol01


def test_run_check_verdicts(capsys):
    def ok(fn):
        assert fn() == 1

    assert run_check("t", lambda: 1, ok) is True
    assert run_check("t", lambda: 2, ok) is False

    def todo():
        raise NotImplementedError

    assert run_check("t", todo, ok) is False
    assert run_check("t", lambda: 1 / 0, ok) is False
    out = capsys.readouterr().out
    assert "correct" in out and "not attempted" in out and "ZeroDivisionError" in out


def test_nb01_solutions_pass():
    assert nb01.check_truncated_last_state(sol01.truncated_last_state)
    assert nb01.check_linear_jacobian_norms(sol01.linear_jacobian_norms)
    assert nb01.check_sample_with_temperature(sol01.sample_with_temperature)


def test_nb01_checks_catch_wrong_answers():
    def no_carry(layer, x, chunk):  # forgets to pass the state on
        h = None
        for start in range(0, x.shape[1], chunk):
            h = layer(x[:, start : start + chunk])
        return h

    def no_stop(layer, x, chunk):  # carries the state but lets the gradient through: full BPTT
        h = None
        for start in range(0, x.shape[1], chunk):
            h = layer(x[:, start : start + chunk], initial_state=h)
        return h

    def cut_every_step(layer, x, chunk):  # ignores chunk and stops the gradient at every step
        return sol01.truncated_last_state(layer, x, 1)

    def in_numpy(layer, x, chunk):  # right value, but no gradient can flow through NumPy
        return np.asarray(sol01.truncated_last_state(layer, x, chunk))

    for wrong in (no_carry, no_stop, cut_every_step, in_numpy):
        assert not nb01.check_truncated_last_state(wrong), wrong.__name__

    def wrong_power(kernel, recurrent, max_lag):  # off by one power
        return sol01.linear_jacobian_norms(kernel @ recurrent, recurrent, max_lag)

    assert not nb01.check_linear_jacobian_norms(wrong_power)

    def no_temperature(logits, temperature, rng):  # ignores the temperature
        return sol01.sample_with_temperature(logits, 1.0 if temperature else 0.0, rng)

    assert not nb01.check_sample_with_temperature(no_temperature)
