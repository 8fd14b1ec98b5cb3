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
    assert nb01.check_run_in_chunks(sol01.run_in_chunks)
    assert nb01.check_linear_jacobian_norms(sol01.linear_jacobian_norms)
    assert nb01.check_sample_with_temperature(sol01.sample_with_temperature)


def test_nb01_checks_catch_wrong_answers():
    def no_carry(cell, x, chunk):  # forgets to pass the state on
        return np.concatenate([cell(x[:, s : s + chunk]) for s in range(0, x.shape[1], chunk)], 1)

    assert not nb01.check_run_in_chunks(no_carry)

    def wrong_power(kernel, recurrent, max_lag):  # off by one power
        return sol01.linear_jacobian_norms(kernel @ recurrent, recurrent, max_lag)

    assert not nb01.check_linear_jacobian_norms(wrong_power)

    def no_temperature(logits, temperature, rng):  # ignores the temperature
        return sol01.sample_with_temperature(logits, 1.0 if temperature else 0.0, rng)

    assert not nb01.check_sample_with_temperature(no_temperature)
