"""Evaluation metrics shared by the notebooks."""

from __future__ import annotations

import numpy as np


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error of two arrays of the same shape.

    Raises:
        ValueError: if the shapes differ or the arrays are empty.
    """
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: y_true {y_true.shape}, y_pred {y_pred.shape}.")
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty.")
    return float(np.mean(np.abs(y_true - y_pred)))
