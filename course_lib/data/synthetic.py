"""Synthetic sequence tasks, each named for what it tests. Deterministic for a given seed."""

from __future__ import annotations

import numpy as np


def marked_recall(
    n: int,
    lag: int,
    n_symbols: int = 4,
    prefix: int = 4,
    noise_channels: int = 0,
    seed: int = 0,
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

    Returns:
        ``x`` float32 ``(n, prefix + lag + 1, n_symbols + 1 + noise_channels)``: the symbols
        one-hot, then the marker channel, then the noise; and ``y`` int32 ``(n,)``, the marked
        symbol.

    Raises:
        ValueError: for a non-positive ``n``, a negative lag, prefix or noise channel count, or
            fewer than 2 symbols.
    """
    checks = (
        ("n", n, 1),
        ("lag", lag, 0),
        ("n_symbols", n_symbols, 2),
        ("prefix", prefix, 0),
        ("noise_channels", noise_channels, 0),
    )
    for label, value, low in checks:
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ValueError(f"{label} must be an integer >= {low}; got {value!r}.")
    rng = np.random.default_rng(seed)
    length = prefix + lag + 1
    symbols = rng.integers(0, n_symbols, size=(n, length))
    x = np.zeros((n, length, n_symbols + 1 + noise_channels), dtype=np.float32)
    np.put_along_axis(x, symbols[..., None], 1.0, axis=-1)
    x[:, prefix, n_symbols] = 1.0
    x[..., n_symbols + 1 :] = rng.standard_normal((n, length, noise_channels))
    return x, symbols[:, prefix].astype(np.int32)
