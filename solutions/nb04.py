"""Solutions to the exercises of notebook 04 (GRU)."""

from __future__ import annotations

import numpy as np


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Exercise 1: one Keras GRU step, reset_after=True (columns z, r, h; bias (2, 3 * units))."""
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)
    z, r = _sigmoid(x_z + h_z), _sigmoid(x_r + h_r)
    candidate = np.tanh(x_h + r * h_h)
    return z * h_prev + (1.0 - z) * candidate


def reset_before_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Exercise 2: one GRU step as in Cho et al. (2014), reset_after=False (bias (3 * units,))."""
    units = h_prev.shape[-1]
    x_z, x_r, x_h = np.split(x_t @ kernel + bias, 3, axis=-1)
    h_z, h_r = np.split(h_prev @ recurrent_kernel[:, : 2 * units], 2, axis=-1)
    z, r = _sigmoid(x_z + h_z), _sigmoid(x_r + h_r)
    candidate = np.tanh(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * units :])
    return z * h_prev + (1.0 - z) * candidate


def count_params(cell, features, units, reset_after=True):
    """Exercise 3: weights of one Keras recurrent layer."""
    blocks = {"simple_rnn": 1, "lstm": 4, "gru": 3}[cell]
    biases = 2 if cell == "gru" and reset_after else 1
    return blocks * units * (features + units + biases)
