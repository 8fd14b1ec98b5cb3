"""Solutions to the exercises of notebook 02 (sequence shapes)."""

from __future__ import annotations

import math

import numpy as np


def rnn_output_shapes(
    cell: str,
    batch: int,
    time: int,
    features: int,
    units: int,
    return_sequences: bool,
    return_state: bool,
) -> list[tuple[int, ...]]:
    """Exercise 1: the output's shape, then one ``(batch, units)`` per state (two for an LSTM)."""
    shapes = [(batch, time, units) if return_sequences else (batch, units)]
    if return_state:
        shapes += [(batch, units)] * (2 if cell == "lstm" else 1)
    return shapes


def last_real_state(states: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Exercise 2: row ``i``'s state at index ``length_i - 1``."""
    lengths = np.sum(np.asarray(ids) != 0, axis=1)
    return np.asarray(states)[np.arange(len(lengths)), lengths - 1]


def steps_after_convs(time: int, strides: tuple[int, ...], padding: str) -> int:
    """Exercise 3: apply each layer's length rule in turn."""
    steps = time
    for stride in strides:
        kernel = 2 * stride
        if padding == "same":
            steps = math.ceil(steps / stride)
        else:
            steps = (steps - kernel) // stride + 1
    return steps
