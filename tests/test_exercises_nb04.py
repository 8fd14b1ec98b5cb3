"""The notebook 04 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb04
from solutions import nb04 as sol


def test_solutions_pass():
    assert nb04.check_gru_step(sol.gru_step)
    assert nb04.check_reset_before_step(sol.reset_before_step)
    assert nb04.check_count_params(sol.count_params)


def test_unattempted_exercises_do_not_pass(capsys):
    def todo(*args, **kwargs):
        raise NotImplementedError

    assert not nb04.check_gru_step(todo)
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
    # forgetting the GRU's second bias vector, or counting LSTM-style blocks
    assert not nb04.check_count_params(
        lambda c, f, u, reset_after=True: sol.count_params(c, f, u, False)
    )
    assert not nb04.check_count_params(
        lambda c, f, u, reset_after=True: (
            4 * u * (f + u + 1) if c != "simple_rnn" else u * (f + u + 1)
        )
    )
