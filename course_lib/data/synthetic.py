"""Synthetic sequence tasks, each named for what it tests. Deterministic for a given seed."""

from __future__ import annotations

import numpy as np

from course_lib._args import flag, positive_int, probability


def marked_recall(
    n: int,
    lag: int,
    n_symbols: int = 4,
    prefix: int = 4,
    noise_channels: int = 0,
    seed: int = 0,
    random_position: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Remember one marked symbol across ``lag`` distracting steps (a one-symbol copy task).

    Every step shows a random symbol (one-hot). Exactly one step, ``lag`` steps before the end,
    also carries a marker; the target is the symbol seen at that step. Every other symbol is a
    distraction, so a model must store the marked one when it appears and keep it, untouched,
    until the sequence ends. Chance accuracy is ``1 / n_symbols``. Optional noise channels add
    standard-normal values at every step: input that a model must learn to ignore.

    Args:
        n: number of sequences.
        lag: steps between the marked step and the last step (>= 0).
        n_symbols: alphabet size (>= 2).
        prefix: steps before the marked one, so the mark is not always the first input (>= 0).
        noise_channels: extra channels of Gaussian noise (>= 0).
        seed: seed of the random symbols and noise.
        random_position: put each sequence's mark on a random step among the first
            ``prefix + 1`` instead of always on step ``prefix``; the distance from the mark to the
            last step then ranges from ``lag`` to ``lag + prefix``. A model can then no longer
            find the mark by counting steps, and an analysis of its gates can tell a response to
            the marker from a response to the position. The symbols and noise are the same as
            with the fixed position (same seed).

    Returns:
        ``x`` float32 ``(n, prefix + lag + 1, n_symbols + 1 + noise_channels)``: the symbols
        one-hot, then the marker channel, then the noise; and ``y`` int32 ``(n,)``, the marked
        symbol.

    Raises:
        ValueError: for a non-positive ``n``, a negative lag, prefix or noise channel count, or
            fewer than 2 symbols, or a ``random_position`` that is not a bool.
    """
    checks = (
        ("n", n, 1),
        ("lag", lag, 0),
        ("n_symbols", n_symbols, 2),
        ("prefix", prefix, 0),
        ("noise_channels", noise_channels, 0),
    )
    for label, value, low in checks:
        positive_int(value, label, low)
    flag(random_position, "random_position")
    rng = np.random.default_rng(seed)
    length = prefix + lag + 1
    symbols = rng.integers(0, n_symbols, size=(n, length))
    x = np.zeros((n, length, n_symbols + 1 + noise_channels), dtype=np.float32)
    np.put_along_axis(x, symbols[..., None], 1.0, axis=-1)
    x[..., n_symbols + 1 :] = rng.standard_normal((n, length, noise_channels))
    if random_position:
        positions = rng.integers(0, prefix + 1, size=n)
    else:
        positions = np.full(n, prefix)
    rows = np.arange(n)
    x[rows, positions, n_symbols] = 1.0
    return x, symbols[rows, positions].astype(np.int32)


def echo_tags(
    n: int,
    length: int,
    n_symbols: int = 4,
    gap: int = 2,
    flip: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tag every step 1 when its symbol repeats the one ``gap`` steps back: a task with no future.

    The symbols are independent and uniform, so the tag at step ``t`` depends only on steps
    ``t - gap`` and ``t``, and nothing after step ``t`` says anything about it: a model that
    reads ahead gains information only about noise. With ``flip > 0`` each tag is inverted
    independently with that probability (label noise): a model that reproduces the inverted tags
    of its training data has memorised them, which makes overfitting directly measurable.

    Args:
        n: number of sequences.
        length: steps per sequence (> ``gap``).
        n_symbols: alphabet size (>= 2); the ids are ``1 .. n_symbols`` (0 stays free for padding).
        gap: how far back the compared symbol is (>= 1).
        flip: probability of inverting each tag (0 <= flip < 0.5).
        seed: seed of the symbols and of the flips.

    Returns:
        ``x`` int32 ``(n, length)``, the ids; ``y`` int32 ``(n, length)``, the tags, flipped where
        ``flipped`` is True; ``flipped`` bool ``(n, length)``. The first ``gap`` steps have no
        partner and are tagged 0 before flipping.

    Raises:
        ValueError: for sizes out of range or a flip probability outside ``[0, 0.5)``.
    """
    n = positive_int(n, "n")
    gap = positive_int(gap, "gap")
    length = positive_int(length, "length", gap + 1)
    n_symbols = positive_int(n_symbols, "n_symbols", 2)
    flip = probability(flip, "flip")
    if flip >= 0.5:
        raise ValueError(f"flip must be below 0.5 (at 0.5 the tags are pure noise); got {flip}.")
    rng = np.random.default_rng(seed)
    x = rng.integers(1, n_symbols + 1, size=(n, length)).astype(np.int32)
    y = np.zeros((n, length), dtype=np.int32)
    y[:, gap:] = x[:, gap:] == x[:, :-gap]
    flipped = rng.random((n, length)) < flip
    return x, np.where(flipped, 1 - y, y).astype(np.int32), flipped
