"""Batches of similar lengths for teacher forcing (course_lib.data.batching)."""

import numpy as np
import pytest

from course_lib.data.batching import length_batches


def test_length_batches_trim_group_and_reshuffle():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 12, 300)
    source = np.zeros((300, 12), "int32")
    for i, n in enumerate(lengths):
        source[i, :n] = 5
    prev = np.where(source > 0, 6, 0).astype("int32")
    dataset = length_batches(source, prev, prev, batch_size=32, seed=1, window=4)
    first = [(s.numpy(), t.numpy()) for (s, _), t in dataset]
    second = [(s.numpy(), t.numpy()) for (s, _), t in dataset]
    assert len(first) == 10 and sum(len(s) for s, _ in first) == 300
    for s, t in first:  # trimmed to the longest row, similar lengths together
        assert (s[:, -1] != 0).any() and (t[:, -1] != 0).any()
    assert np.mean([s.shape[1] for s, _ in first]) < 11
    assert any(a[0].shape != b[0].shape for a, b in zip(first, second))  # reshuffled each epoch
    again = [
        (s.numpy(), t.numpy())
        for (s, _), t in length_batches(source, prev, prev, 32, seed=1, window=4)
    ]
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(first, again))


def test_length_batches_bad_arguments():
    rows = np.ones((4, 3), "int32")
    with pytest.raises(ValueError, match="same number of rows"):
        length_batches(rows, rows[:3], rows)
    with pytest.raises(ValueError, match="batch_size"):
        length_batches(rows, rows, rows, batch_size=0)
    with pytest.raises(ValueError, match="window"):
        length_batches(rows, rows, rows, window=0)
