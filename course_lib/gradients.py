"""Measuring how gradients flow back through time in a recurrent layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from course_lib._checks import finite_float, positive_int


def recurrent_matrix(units: int, spectral_radius: float, seed: int = 0) -> np.ndarray:
    """A random recurrent weight matrix with an exact spectral radius.

    A random orthogonal matrix has every eigenvalue on the unit circle, so scaling it by ``r``
    gives a matrix whose eigenvalues all have modulus ``r``: repeated products shrink (r < 1),
    keep their size (r = 1) or grow (r > 1).

    Args:
        units: the matrix is ``(units, units)``.
        spectral_radius: the largest eigenvalue modulus wanted (> 0).
        seed: seed of the random rotation.

    Returns:
        float32 array of shape ``(units, units)``.

    Raises:
        ValueError: for a non-positive size or radius.
    """
    units = positive_int(units, "units")
    spectral_radius = finite_float(spectral_radius, "spectral_radius", above=0.0)
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((units, units)))
    q = q * np.sign(np.diag(r))  # makes the rotation uniformly distributed
    return (spectral_radius * q).astype(np.float32)


def spectral_radius(matrix: np.ndarray) -> float:
    """Largest eigenvalue modulus of a square matrix."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square; got shape {matrix.shape}.")
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def bptt_gradient_norms(last_state: Callable[[tf.Tensor], tf.Tensor], x: np.ndarray) -> np.ndarray:
    """How strongly the last hidden state depends on each earlier input.

    For every step ``t`` this computes the Jacobian ``d h_T / d x_t`` by backpropagation
    through time and returns its Frobenius norm, averaged over the batch, indexed by lag
    ``T - t`` (lag 0 is the last input).

    Args:
        last_state: a recurrent layer (``return_sequences=False``) or any callable mapping
            ``(batch, time, features)`` to the last state ``(batch, units)``.
        x: inputs, shape ``(batch, time, features)``.

    Returns:
        float64 array of shape ``(time,)``: entry ``k`` is the mean norm at lag ``k``.

    Raises:
        ValueError: if ``x`` is not 3-D or the callable does not return ``(batch, units)``.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (batch, time, features); got {x.shape}.")
    xt = tf.convert_to_tensor(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xt)
        h_last = last_state(xt)
        if len(h_last.shape) != 2 or h_last.shape[0] != x.shape[0]:
            raise ValueError(
                f"last_state must return (batch, units); it returned shape {tuple(h_last.shape)}."
            )
        # one output unit at a time; summed over the batch, since sequence b only affects row b
        per_unit = [tf.reduce_sum(h_last[:, u]) for u in range(h_last.shape[1])]
    squared = tf.zeros_like(xt)
    for output in per_unit:  # one backward pass per unit: row u of every Jacobian
        squared += tf.square(tape.gradient(output, xt))
    del tape
    norms = tf.sqrt(tf.reduce_sum(squared, axis=-1))  # (batch, time): Frobenius norm per step
    per_step = tf.reduce_mean(norms, axis=0).numpy().astype(np.float64)
    return per_step[::-1].copy()  # index by lag


def lstm_cell_state(layer: Any) -> Callable[[tf.Tensor], tf.Tensor]:
    """A callable that maps inputs to the last *cell* state ``c_T`` of an LSTM layer.

    Keras LSTM layers usually return only hidden states. This builds a twin layer with
    ``return_state=True`` and the same weights, so ``bptt_gradient_norms`` can measure how
    gradients travel through the cell state.

    Args:
        layer: a built ``keras.layers.LSTM``.

    Returns:
        A function ``(batch, time, features) -> (batch, units)``.

    Raises:
        ValueError: if ``layer`` is not a built LSTM.
    """
    import keras

    if not isinstance(layer, keras.layers.LSTM) or not layer.built:
        raise ValueError(f"layer must be a built keras.layers.LSTM; got {layer!r}.")
    twin = keras.layers.LSTM(
        layer.units, return_state=True, unit_forget_bias=False, name=f"{layer.name}_with_state"
    )
    twin.build((None, None, layer.cell.kernel.shape[0]))
    twin.set_weights(layer.get_weights())
    return lambda x: twin(x)[2]
