"""The notebook 03 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb03
from course_lib.solutions import nb03 as sol


def test_solutions_pass():
    assert nb03.check_lstm_step(sol.lstm_step)
    assert nb03.check_half_life(sol.half_life)
    assert nb03.check_adding_problem(sol.adding_problem)


def test_wrong_answers_fail():
    def swapped_gates(x_t, h, c, k, r, b):  # reads the columns in the order f, i, g, o
        n = k.shape[1] // 4
        perm = np.r_[n : 2 * n, 0:n, 2 * n : 4 * n]
        return sol.lstm_step(x_t, h, c, k[:, perm], r[:, perm], b[perm])

    assert not nb03.check_lstm_step(swapped_gates)
    assert not nb03.check_half_life(lambda f: 1.0 / (1.0 - np.asarray(f)))

    def one_half_only(n, length, seed):
        x, y = sol.adding_problem(n, length, seed)
        x[:, length // 2 :, 1] = 0.0
        x[:, 0, 1] = 1.0
        return x, y

    assert not nb03.check_adding_problem(one_half_only)
