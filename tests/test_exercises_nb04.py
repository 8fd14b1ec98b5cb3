"""The notebook 04 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb04
from course_lib.solutions import nb04 as sol


def test_solutions_pass():
    assert nb04.check_minimal_gated_unit(sol.minimal_gated_unit)
    assert nb04.check_reset_before_step(sol.reset_before_step)
    assert nb04.check_update_gate_memory(sol.update_bias_for, sol.steps_to_fade)


def test_unattempted_exercises_do_not_pass(capsys):
    def todo(*args, **kwargs):
        raise NotImplementedError

    assert not nb04.check_minimal_gated_unit(todo)
    assert "not attempted" in capsys.readouterr().out
    assert not nb04.check_update_gate_memory(sol.update_bias_for, todo)
    assert "not attempted" in capsys.readouterr().out


def test_wrong_answers_fail(capsys):
    def minimal(x, k, r, b, *, reset=True, keep_old=False):
        units = r.shape[0]
        h, states = np.zeros((x.shape[0], units)), []
        for t in range(x.shape[1]):
            f = 1 / (1 + np.exp(-(x[:, t] @ k[:, :units] + h @ r[:, :units] + b[:units])))
            read = f * h if reset else h
            candidate = np.tanh(x[:, t] @ k[:, units:] + read @ r[:, units:] + b[units:])
            h = f * h + (1 - f) * candidate if keep_old else (1 - f) * h + f * candidate
            states.append(h)
        return np.stack(states, 1)

    assert nb04.check_minimal_gated_unit(minimal)  # the helper itself is right
    for wrong in (
        lambda x, k, r, b: minimal(x, k, r, b, reset=False),  # forgets the reset job
        lambda x, k, r, b: minimal(x, k, r, b, keep_old=True),  # Keras' GRU convention for f
    ):
        assert not nb04.check_minimal_gated_unit(wrong)
    # the reset-after step is wrong for the reset-before exercise
    assert not nb04.check_reset_before_step(
        lambda x, h, k, r, b: sol.gru_step(x, h, k, r, np.stack([b, np.zeros_like(b)]))
    )
    # exercise 3: the gate's value instead of its bias, the bias of 1 - keep, and an off-by-one
    # count (the last n with keep**n >= fraction)
    fade = sol.steps_to_fade
    assert not nb04.check_update_gate_memory(lambda keep: keep, fade)
    assert not nb04.check_update_gate_memory(lambda keep: -sol.update_bias_for(keep), fade)
    assert "logit" in capsys.readouterr().out
    assert not nb04.check_update_gate_memory(
        sol.update_bias_for, lambda keep, fraction: fade(keep, fraction) - 1
    )
    assert not nb04.check_update_gate_memory(  # the half-life, whatever the fraction
        sol.update_bias_for, lambda keep, fraction: fade(keep, 0.5)
    )


def test_steps_to_fade_counts_by_repeated_multiplication():
    rng = np.random.default_rng(0)
    for keep, fraction in zip(rng.uniform(0.05, 0.99, 50), 10 ** rng.uniform(-6, -0.1, 50)):
        n, left = 0, 1.0
        while left >= fraction:
            left, n = left * keep, n + 1
        assert sol.steps_to_fade(keep, fraction) == n
