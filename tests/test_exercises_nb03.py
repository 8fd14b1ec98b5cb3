"""The notebook 03 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb03
from course_lib.solutions import nb03 as sol


def test_solutions_pass():
    assert nb03.check_cifg_forward(sol.cifg_forward)
    assert nb03.check_kept_fraction(sol.kept_fraction)
    assert nb03.check_adding_problem(sol.adding_problem)


def test_wrong_answers_fail():
    def input_gate_equals_forget(x, k, r, b):  # i_t = f_t instead of 1 - f_t
        def forward(x, k, r, b):
            units = r.shape[0]
            h, c = np.zeros((x.shape[0], units)), np.zeros((x.shape[0], units))
            hs, cs = [], []
            for t in range(x.shape[1]):
                z_f, z_g, z_o = np.split(x[:, t] @ k + h @ r + b, 3, axis=-1)
                f = 1 / (1 + np.exp(-z_f))
                c = f * c + f * np.tanh(z_g)
                h = 1 / (1 + np.exp(-z_o)) * np.tanh(c)
                hs.append(h)
                cs.append(c)
            return np.stack(hs, 1), np.stack(cs, 1)

        return forward(x, k, r, b)

    def blocks_swapped(x, k, r, b):  # reads the columns in the order g, f, o
        n = r.shape[0]
        perm = np.r_[n : 2 * n, 0:n, 2 * n : 3 * n]
        return sol.cifg_forward(x, k[:, perm], r[:, perm], b[perm])

    for wrong in (input_gate_equals_forget, blocks_swapped):
        assert not nb03.check_cifg_forward(wrong), wrong.__name__

    def from_the_mark(f, marks):  # includes the marked step's own forget gate
        return np.stack([f[b, m:].prod(axis=0) for b, m in enumerate(marks)])

    def every_step(f, marks):  # ignores the mark
        return f.prod(axis=1)

    def to_the_last_but_one(f, marks):  # stops one step early
        return np.stack([f[b, m + 1 : -1].prod(axis=0) for b, m in enumerate(marks)])

    for wrong in (from_the_mark, every_step, to_the_last_but_one):
        assert not nb03.check_kept_fraction(wrong), wrong.__name__

    def one_half_only(n, length, seed):
        x, y = sol.adding_problem(n, length, seed)
        x[:, length // 2 :, 1] = 0.0
        x[:, 0, 1] = 1.0
        return x, y

    assert not nb03.check_adding_problem(one_half_only)
