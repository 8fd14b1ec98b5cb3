"""Solutions to the exercises of notebook 05 (bidirectional RNNs)."""

from __future__ import annotations

import numpy as np


def merge_directions(forward, backward_as_computed, merge_mode):
    """Exercise 1: realign the backward outputs in time, then merge them step by step."""
    backward = np.asarray(backward_as_computed)[:, ::-1]
    forward = np.asarray(forward)
    if merge_mode == "concat":
        return np.concatenate([forward, backward], axis=-1)
    if merge_mode == "sum":
        return forward + backward
    if merge_mode == "ave":
        return (forward + backward) / 2
    if merge_mode == "mul":
        return forward * backward
    raise ValueError(f"unknown merge_mode {merge_mode!r}")


def reverse_valid(x, lengths):
    """Exercise 2: reverse each sequence's real steps in place of themselves; padding stays."""
    out = np.array(x, copy=True)
    for i, n in enumerate(lengths):
        out[i, :n] = out[i, :n][::-1]
    return out


# The question of exercise 2. Reading forwards, an end-padded sequence meets its real steps first:
# the outputs at real steps are computed before any padding is read, so padding can only change
# outputs at padded steps (which the mask hides) and, without a mask, the final state. Reversed
# whole, the backward chain reads the padding first, and every one of its outputs at a real step
# has passed through it. The mask lets Keras skip those steps (the state stays at its initial value
# through them), which gives the same outputs as reversing only the real steps.


def future_influence(predict, x, t, seed=0):
    """Exercise 3: change the future, measure how much the present and past outputs move."""
    x = np.asarray(x, dtype="float32")
    noisy = x.copy()
    rng = np.random.default_rng(seed)
    noisy[:, t + 1 :] = rng.normal(size=noisy[:, t + 1 :].shape)
    before = np.asarray(predict(x))[:, : t + 1]
    after = np.asarray(predict(noisy))[:, : t + 1]
    return float(np.abs(after - before).max())
