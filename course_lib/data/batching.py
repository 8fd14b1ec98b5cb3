"""Batches of similar lengths, for training an encoder-decoder with teacher forcing (any source).

``length_batches`` groups rows of similar source length and trims each batch to its longest
row, so a recurrent layer does not run every batch for the longest sequence of the data set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from course_lib._args import positive_int

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["length_batches"]


def length_batches(
    source: np.ndarray,
    previous: np.ndarray,
    target: np.ndarray,
    batch_size: int = 64,
    seed: int = 0,
    window: int = 20,
) -> tf.data.Dataset:
    """Teacher-forcing batches of similar lengths, each trimmed to its longest row.

    Padding a whole data set to its longest sequence makes a recurrent layer run every batch for
    that many steps. Here each epoch shuffles the rows, sorts them by source length within
    windows of ``window`` batches, cuts batches, trims each to its own longest source and target,
    and shuffles the order of the batches: same data, far fewer wasted steps. Same seed, same
    batches (epoch ``e`` shuffles with ``seed + e``).

    Args:
        source: ``(n, Ts)`` padded source ids.
        previous: ``(n, Tt)`` decoder inputs from ``models.teacher_forcing_arrays``.
        target: ``(n, Tt)`` targets from ``models.teacher_forcing_arrays``.
        batch_size: rows per batch.
        seed: seeds the shuffles.
        window: batches per sorting window.

    Returns:
        A ``tf.data.Dataset`` of ``((source, previous), target)`` int32 batches whose time
        lengths vary, for ``model.fit`` (one pass = one epoch).

    Raises:
        ValueError: for arrays with different numbers of rows or a bad size.
    """
    import tensorflow as tf

    if not len(source) == len(previous) == len(target):
        raise ValueError("source, previous and target must have the same number of rows.")
    batch_size = positive_int(batch_size, "batch_size")
    window = positive_int(window, "window")
    source_len = (np.asarray(source) != 0).sum(axis=1)
    target_len = (np.asarray(target) != 0).sum(axis=1)
    epoch = [0]

    def generate():
        rng = np.random.default_rng(int(seed) + epoch[0])
        epoch[0] += 1
        order = rng.permutation(len(source))
        chunk = batch_size * window
        batches = []
        for lo in range(0, len(order), chunk):
            part = order[lo : lo + chunk]
            part = part[np.argsort(source_len[part], kind="stable")]
            batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
        for b in rng.permutation(len(batches)):
            rows = batches[b]
            ts, tt = source_len[rows].max(), target_len[rows].max()
            yield (source[rows, :ts], previous[rows, :tt]), target[rows, :tt]

    n_batches = sum(
        -(-min(batch_size * window, len(source) - lo) // batch_size)
        for lo in range(0, len(source), batch_size * window)
    )
    spec = tf.TensorSpec((None, None), tf.int32)
    dataset = tf.data.Dataset.from_generator(generate, output_signature=((spec, spec), spec))
    return dataset.apply(tf.data.experimental.assert_cardinality(n_batches)).prefetch(2)
