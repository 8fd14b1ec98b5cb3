"""Gradient probes: through time in one recurrent layer, and across the layers of a stack.

``bptt_gradient_norms`` measures how far back in time a gradient reaches (notebooks 01, 03 and
04); ``kernel_gradient_norms``, ``input_gradient_norms`` and ``layer_states`` measure each layer
of a model from ``models.stacked`` (notebook 06).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from course_lib._args import finite_float, positive_int
from course_lib.handles import stack_handles


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
        ValueError: if ``x`` is not 3-D, the callable does not return ``(batch, units)``, or no
            gradient flows from its result back to ``x``.
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
        grad = tape.gradient(output, xt)
        if grad is None:
            raise ValueError(
                "no gradient reaches x: last_state must compute its result from x with "
                "TensorFlow or keras.ops operations (a NumPy step cuts the chain)."
            )
        squared += tf.square(grad)
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


# ---------------------------------------------------------------------------------------------
# Measuring a stack layer by layer (notebook 06): models from ``models.stacked``


def _input_kernels(layer: Any) -> list[Any]:
    import keras

    if isinstance(layer, keras.layers.Bidirectional):
        return [layer.forward_layer.cell.kernel, layer.backward_layer.cell.kernel]
    return [layer.cell.kernel]


def kernel_gradient_norms(model: Any, x: np.ndarray, y: np.ndarray, loss: Any) -> dict[str, float]:
    """Size of the loss gradient reaching each recurrent layer: ``||dL / dW_x||`` per layer.

    ``W_x`` is the layer's input kernel (both directions' kernels together when bidirectional);
    the norm is the Frobenius norm. It measures how strongly the training signal arrives at each
    depth: with vanishing gradients across layers, the lower layers get far less.

    Args:
        model: a model from ``models.build_stacked_rnn_model`` or
            ``models.build_stacked_char_language_model`` (its layers found by
            ``handles.stack_handles``).
        x: a batch of inputs.
        y: the batch's targets.
        loss: the training loss, e.g. ``SparseCategoricalCrossentropy(from_logits=True)``.

    Returns:
        ``{"rnn1": norm, "rnn2": norm, ...}``, computed in inference mode (no dropout).

    Raises:
        ValueError: for a model without stacked recurrent layers.
    """
    stack = stack_handles(model)
    kernels = [_input_kernels(layer) for layer in stack.rnns]
    variables = [v for layer_kernels in kernels for v in layer_kernels]
    with tf.GradientTape() as tape:
        value = loss(y, model(x, training=False))
    grads = tape.gradient(value, variables)
    norms, start = {}, 0
    for name, layer_kernels in zip(stack.names, kernels, strict=True):
        count = len(layer_kernels)
        squares = sum(float(tf.reduce_sum(tf.square(g))) for g in grads[start : start + count])
        norms[name] = float(np.sqrt(squares))
        start += count
    return norms


def input_gradient_norms(model: Any, x: np.ndarray, y: np.ndarray, loss: Any) -> dict[str, float]:
    """Size of the loss gradient with respect to each recurrent layer's input sequence.

    For layer ``l`` this is ``||dL / dz_{l-1}||`` (Frobenius norm over batch, time and
    features), where ``z_{l-1}`` is the sequence the layer reads: the error signal that arrives
    at that depth, free of the size of the layer's own inputs (which ``kernel_gradient_norms``
    mixes in). In a plain stack it passes down through every layer above; a residual connection
    adds a path that skips them.

    Args:
        model: a model from ``models.build_stacked_rnn_model`` or
            ``models.build_stacked_char_language_model`` (the stack is replayed layer by layer
            through ``handles.stack_handles``, following the builders' wiring).
        x: a batch of inputs.
        y: the batch's targets.
        loss: the training loss.

    Returns:
        ``{"rnn1": norm, "rnn2": norm, ...}``, computed in inference mode (no dropout).

    Raises:
        ValueError: for a model without stacked recurrent layers.
    """
    import keras

    stack = stack_handles(model)
    bottom = keras.Model(model.input, stack.rnns[0].input)
    z = tf.convert_to_tensor(bottom(x, training=False))
    top = stack.rnns[-1]
    with tf.GradientTape() as tape:
        seen = []
        for rnn, dropout, residual in zip(stack.rnns, stack.dropouts, stack.residuals, strict=True):
            tape.watch(z)
            seen.append(z)
            h = rnn(z, training=False)  # dropout is the identity here
            if residual is not None:
                z, top = residual([z, h]), residual
            else:
                z, top = h, (dropout if dropout is not None else rnn)
        upper = keras.Model(top.output, model.output)  # the head
        value = loss(y, upper(z, training=False))
    grads = tape.gradient(value, seen)
    return {name: float(tf.norm(g)) for name, g in zip(stack.names, grads, strict=True)}


def layer_states(model: Any, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every recurrent layer's output sequence for the inputs ``x`` (inference mode).

    Args:
        model: a stacked model (``handles.stack_handles`` finds its layers) whose recurrent
            layers return sequences.
        x: inputs the model accepts.

    Returns:
        ``{"rnn1": array (batch, time, width), ...}``: what each layer passes upwards (before
        dropout and before the residual addition).

    Raises:
        ValueError: for a model without stacked recurrent layers.
    """
    import keras

    stack = stack_handles(model)
    probe = keras.Model(model.input, [layer.output for layer in stack.rnns])
    outputs = probe(x, training=False)
    if len(stack.rnns) == 1:
        outputs = [outputs]
    return {name: np.asarray(out) for name, out in zip(stack.names, outputs, strict=True)}
