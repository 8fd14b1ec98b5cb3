"""Solutions to the exercises of notebook 03 (LSTM gates)."""

from __future__ import annotations

import numpy as np


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def cifg_forward(x, kernel, recurrent_kernel, bias):
    """Exercise 1: an LSTM with coupled gates, i_t = 1 - f_t; columns f, g, o."""
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    h, c = np.zeros((batch, units)), np.zeros((batch, units))
    hs, cs = [], []
    for t in range(steps):
        z_f, z_g, z_o = np.split(x[:, t] @ kernel + h @ recurrent_kernel + bias, 3, axis=-1)
        f = _sigmoid(z_f)
        c = f * c + (1.0 - f) * np.tanh(z_g)  # what is forgotten is what is written
        h = _sigmoid(z_o) * np.tanh(c)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def kept_fraction(f, marks):
    """Exercise 2: the product of the forget gates after each sequence's mark, to the end."""
    f = np.asarray(f, dtype=np.float64)
    return np.stack([f[b, m + 1 :].prod(axis=0) for b, m in enumerate(np.asarray(marks))])


def adding_problem(n, length, seed):
    """Exercise 3: the adding problem as Arjovsky, Shah and Bengio (2016) set it."""
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
