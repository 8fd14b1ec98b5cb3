"""The notebook 04 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb04
from course_lib.solutions import nb04 as sol


def test_solutions_pass():
    assert nb04.check_gru_step(sol.gru_step)
    assert nb04.check_reset_before_step(sol.reset_before_step)
    assert nb04.check_update_gate_memory(sol.update_bias_for, sol.steps_to_fade)


def test_unattempted_exercises_do_not_pass(capsys):
    def todo(*args, **kwargs):
        raise NotImplementedError

    assert not nb04.check_gru_step(todo)
    assert "not attempted" in capsys.readouterr().out
    assert not nb04.check_update_gate_memory(sol.update_bias_for, todo)
    assert "not attempted" in capsys.readouterr().out


def test_wrong_answers_fail(capsys):
    def swapped_update(x_t, h, k, r, b):  # h = (1 - z) h_prev + z candidate, as in some papers
        z = 1 / (
            1
            + np.exp(
                -(x_t @ k[:, : h.shape[1]] + b[0, : h.shape[1]])
                - (h @ r[:, : h.shape[1]] + b[1, : h.shape[1]])
            )
        )
        new = sol.gru_step(x_t, h, k, r, b)
        candidate = (new - z * h) / (1 - z)
        return (1 - z) * h + z * candidate

    assert not nb04.check_gru_step(swapped_update)
    assert "swapped" in capsys.readouterr().out
    # each form is wrong for the other's exercise (the bias shapes differ, so adapt them)
    assert not nb04.check_gru_step(
        lambda x, h, k, r, b: sol.reset_before_step(x, h, k, r, b[0] + b[1])
    )
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
