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


def bidirectional_params(cell, features, units):
    """Exercise 2: two directions, each with its own input matrix, recurrent matrix and biases."""
    if cell == "simple_rnn":
        one = units * (features + units + 1)
    elif cell == "lstm":
        one = 4 * units * (features + units + 1)
    elif cell == "gru":  # reset_after=True: separate input and recurrent biases
        one = 3 * units * (features + units + 2)
    else:
        raise ValueError(f"unknown cell {cell!r}")
    return 2 * one


def future_influence(predict, x, t, seed=0):
    """Exercise 3: change the future, measure how much the present and past outputs move."""
    x = np.asarray(x, dtype="float32")
    noisy = x.copy()
    rng = np.random.default_rng(seed)
    noisy[:, t + 1 :] = rng.normal(size=noisy[:, t + 1 :].shape)
    before = np.asarray(predict(x))[:, : t + 1]
    after = np.asarray(predict(noisy))[:, : t + 1]
    return float(np.abs(after - before).max())
