"""The notebook 05 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb05
from course_lib.solutions import nb05 as sol


def test_solutions_pass():
    assert nb05.check_merge_directions(sol.merge_directions)
    assert nb05.check_reverse_valid(sol.reverse_valid)
    assert nb05.check_future_influence(sol.future_influence)


def test_unfinished_exercises_do_not_raise():
    def todo(*args, **kwargs):
        raise NotImplementedError

    assert not nb05.check_merge_directions(todo)
    assert not nb05.check_reverse_valid(todo)
    assert not nb05.check_future_influence(todo)


def test_wrong_answers_fail(capsys):
    def not_flipped(forward, backward, mode):  # forgets that the backward pass ran in reverse
        return sol.merge_directions(forward, np.asarray(backward)[:, ::-1], mode)

    assert not nb05.check_merge_directions(not_flipped)

    def whole_reverse(x, lengths):  # what a backward layer without a mask reads
        return np.asarray(x)[:, ::-1]

    assert not nb05.check_reverse_valid(whole_reverse)
    assert "starts with padding" in capsys.readouterr().out

    def padding_first(x, lengths):  # the real steps reversed, but moved behind the padding
        return np.stack([np.roll(row, len(row) - n, axis=0) for row, n in zip(x[:, ::-1], lengths)])

    assert not nb05.check_reverse_valid(padding_first)

    def in_place(x, lengths):
        for i, n in enumerate(lengths):
            x[i, :n] = x[i, :n][::-1].copy()
        return x

    assert not nb05.check_reverse_valid(in_place)

    def every_step(predict, x, t, seed=0):  # compares the future outputs too
        x = np.asarray(x, "float32")
        noisy = x.copy()
        noisy[:, t + 1 :] = np.random.default_rng(seed).normal(size=noisy[:, t + 1 :].shape)
        return float(np.abs(np.asarray(predict(noisy)) - np.asarray(predict(x))).max())

    assert not nb05.check_future_influence(every_step)

    def changes_from_t(predict, x, t, seed=0):  # off by one: replaces step t as well
        return sol.future_influence(predict, x, t - 1 if t > 0 else t, seed)

    assert not nb05.check_future_influence(changes_from_t)


def test_reverse_valid_matches_tensorflow_and_keras_masking():
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 9, 3)).astype("float32")
    lengths = np.array([9, 4, 0, 1, 7])
    want = tf.reverse_sequence(x, lengths, seq_axis=1, batch_axis=0)
    np.testing.assert_array_equal(sol.reverse_valid(x, lengths), np.asarray(want))
    # a forward RNN over the real steps reversed gives, at each real step, what a masked backward
    # RNN gives there (once its outputs are put back in time order)
    x[np.arange(9)[None, :] >= lengths[:, None]] = 0.0  # padding
    keras.utils.set_random_seed(2)
    backward = keras.layers.SimpleRNN(4, return_sequences=True, go_backwards=True)
    forward = keras.layers.SimpleRNN(4, return_sequences=True)
    mask = np.arange(9)[None, :] < lengths[:, None]
    got_backward = np.asarray(backward(x, mask=mask))[:, ::-1]
    forward.build(x.shape)
    forward.set_weights(backward.get_weights())
    got_forward = sol.reverse_valid(np.asarray(forward(sol.reverse_valid(x, lengths))), lengths)
    np.testing.assert_allclose(got_backward[mask], got_forward[mask], atol=1e-5)
