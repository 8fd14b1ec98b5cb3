"""Solutions to the exercises of notebook 03 (LSTM gates)."""

from __future__ import annotations

import numpy as np


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """Exercise 1: one LSTM step in Keras' layout (columns i, f, g, o)."""
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_g, z_o = np.split(z, 4, axis=-1)
    sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    c = sigmoid(z_f) * c_prev + sigmoid(z_i) * np.tanh(z_g)
    h = sigmoid(z_o) * np.tanh(c)
    return h, c


def half_life(f):
    """Exercise 2: steps until f**k = 1/2."""
    return np.log(0.5) / np.log(np.asarray(f, dtype=np.float64))


def adding_problem(n, length, seed):
    """Exercise 3: the adding problem of Hochreiter and Schmidhuber (1997)."""
    rng = np.random.default_rng(seed)
    values = rng.random((n, length)).astype(np.float32)
    marks = np.zeros((n, length), dtype=np.float32)
    half = length // 2
    rows = np.arange(n)
    marks[rows, rng.integers(0, half, n)] = 1.0
    marks[rows, rng.integers(half, length, n)] = 1.0
    x = np.stack([values, marks], axis=-1)
    y = (values * marks).sum(axis=1, keepdims=True)
    return x, y
