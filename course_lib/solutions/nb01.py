"""Solutions to the exercises of notebook 01 (RNN basics)."""

from __future__ import annotations

import numpy as np


def truncated_last_state(layer, x: np.ndarray, chunk: int):
    """Exercise 1: the last state, with the state carried across pieces but not its gradient."""
    import keras

    h = None
    for start in range(0, x.shape[1], chunk):
        if h is not None:
            h = keras.ops.stop_gradient(h)  # forward: the state goes on; backward: nothing comes
        h = layer(x[:, start : start + chunk], initial_state=h)
    return h


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
