"""The notebook 05 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb05
from solutions import nb05 as sol


def test_solutions_pass():
    assert nb05.check_merge_directions(sol.merge_directions)
    assert nb05.check_bidirectional_params(sol.bidirectional_params)
    assert nb05.check_future_influence(sol.future_influence)


def test_unfinished_exercises_do_not_raise():
    def todo(*args, **kwargs):
        raise NotImplementedError

    assert not nb05.check_merge_directions(todo)
    assert not nb05.check_bidirectional_params(todo)
    assert not nb05.check_future_influence(todo)


def test_wrong_answers_fail():
    def not_flipped(forward, backward, mode):  # forgets that the backward pass ran in reverse
        return sol.merge_directions(forward, np.asarray(backward)[:, ::-1], mode)

    assert not nb05.check_merge_directions(not_flipped)

    def shared_weights(cell, features, units):  # the notes' claim: one set of weights
        return sol.bidirectional_params(cell, features, units) // 2

    assert not nb05.check_bidirectional_params(shared_weights)

    def gru_one_bias(cell, features, units):
        if cell == "gru":
            return 2 * 3 * units * (features + units + 1)
        return sol.bidirectional_params(cell, features, units)

    assert not nb05.check_bidirectional_params(gru_one_bias)

    def every_step(predict, x, t, seed=0):  # compares the future outputs too
        x = np.asarray(x, "float32")
        noisy = x.copy()
        noisy[:, t + 1 :] = np.random.default_rng(seed).normal(size=noisy[:, t + 1 :].shape)
        return float(np.abs(np.asarray(predict(noisy)) - np.asarray(predict(x))).max())

    assert not nb05.check_future_influence(every_step)

    def changes_from_t(predict, x, t, seed=0):  # off by one: replaces step t as well
        return sol.future_influence(predict, x, t - 1 if t > 0 else t, seed)

    assert not nb05.check_future_influence(changes_from_t)
