"""Solutions to the exercises of notebook 01 (RNN basics)."""

from __future__ import annotations

import numpy as np


def run_in_chunks(cell, x: np.ndarray, chunk: int) -> np.ndarray:
    """Exercise 1: run ``cell`` over ``x`` piece by piece, carrying the hidden state."""
    pieces, h = [], None
    for start in range(0, x.shape[1], chunk):
        states = cell(x[:, start : start + chunk], initial_state=h)
        pieces.append(states)
        h = states[:, -1]
    return np.concatenate(pieces, axis=1)


def linear_jacobian_norms(
    kernel: np.ndarray, recurrent_kernel: np.ndarray, max_lag: int
) -> np.ndarray:
    """Exercise 2: ``|| W_x W_h^k ||_F`` for k = 0 .. max_lag."""
    norms, product = [], np.asarray(kernel, dtype=np.float64)
    for _ in range(max_lag + 1):
        norms.append(np.linalg.norm(product))
        product = product @ recurrent_kernel
    return np.array(norms)


def sample_with_temperature(
    logits: np.ndarray, temperature: float, rng: np.random.Generator
) -> np.ndarray:
    """Exercise 3: one draw per row from ``softmax(logits / temperature)``."""
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return logits.argmax(axis=1)
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return np.array([rng.choice(len(row), p=row) for row in p])
