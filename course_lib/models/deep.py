"""Builders for stacked (deep) recurrent models, and per-layer measurements (notebook 06).

A stack feeds every layer's output *sequence* into the next layer (``return_sequences=True``
on all but possibly the last). Options: the cell type, one-way or bidirectional layers, a
residual (skip) connection around every layer whose input and output widths agree, and dropout
on every layer's output. Recurrent dropout stays 0 so LSTM/GRU layers remain cuDNN-eligible.

Layer names: the recurrent layers are ``rnn1`` ... ``rnn{depth}`` (a ``Bidirectional`` wrapper
carries that name when ``bidirectional=True``), their dropouts ``dropout1`` ..., the additions of
the residual connections ``residual2`` ..., so ``model.get_layer("rnn3")`` finds layer 3.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from course_lib._checks import choice, flag, positive_int, probability
from course_lib.models.core import CELL_TYPES, OUTPUT_DTYPE, recurrent_layer

__all__ = [
    "stacked_recurrent_layers",
    "build_stacked_rnn_model",
    "build_stacked_char_language_model",
    "recurrent_layer_names",
    "kernel_gradient_norms",
    "input_gradient_norms",
    "layer_states",
]


def _layer_units(units: int | Sequence[int], depth: int) -> list[int]:
    """One width per layer: an int is repeated, a sequence must have ``depth`` entries."""
    if isinstance(units, (list, tuple)):
        if len(units) != depth:
            raise ValueError(
                f"units must be one int or one int per layer ({depth} values); got {units!r}."
            )
        return [positive_int(u, "units") for u in units]
    return [positive_int(units, "units")] * depth


def _check_options(
    depth: object, cell: object, bidirectional: object, residual: object, dropout: object
) -> float:
    positive_int(depth, "depth")
    choice(cell, "cell", CELL_TYPES)
    flag(bidirectional, "bidirectional")
    flag(residual, "residual")
    return probability(dropout, "dropout", allow_one=False)


def stacked_recurrent_layers(
    inputs: keras.KerasTensor,
    depth: int = 2,
    units: int | Sequence[int] = 64,
    cell: str = "gru",
    bidirectional: bool = False,
    residual: bool = False,
    dropout: float = 0.0,
    return_sequences: bool = True,
) -> keras.KerasTensor:
    """Apply ``depth`` recurrent layers, each reading the full output sequence of the one below.

    For layer ``l``: ``h = rnn_l(z)``; then ``h = dropout_l(h)`` when ``dropout > 0``; then
    ``z = z + h`` when ``residual`` and the widths of ``z`` and ``h`` agree (the connection skips
    over the layer), else ``z = h``.

    Args:
        inputs: a symbolic tensor ``(batch, time, width)``.
        depth: number of recurrent layers (>= 1).
        units: hidden size, one int for every layer or one per layer.
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        bidirectional: wrap each layer in ``Bidirectional`` (outputs concatenated, so a layer
            outputs ``2 * units`` features); needs the whole sequence in advance.
        residual: add a skip connection around every layer after the first (the first layer
            changes the width from the input's to the layers'). Every layer from the second on
            must then output as many features as it reads.
        dropout: rate of the dropout applied to every recurrent layer's output, in ``[0, 1)``.
            Inputs to the recurrent steps themselves are never dropped (recurrent_dropout stays
            0, which keeps LSTM/GRU on cuDNN).
        return_sequences: whether the last layer returns every step ``(batch, time, width)``
            or only its final output ``(batch, width)``. With False and ``residual``, the last
            layer has no skip connection (its output is no longer a sequence).

    Returns:
        The symbolic output, ``(batch, time, out)`` or ``(batch, out)``, where ``out`` is the
        last layer's units (twice that when bidirectional).

    Raises:
        ValueError: for ``depth < 1``, an unknown cell, bad units, a dropout rate outside
            ``[0, 1)``, non-boolean flags, or ``residual`` with widths that do not match.
    """
    rate = _check_options(depth, cell, bidirectional, residual, dropout)
    flag(return_sequences, "return_sequences")
    widths = _layer_units(units, depth)
    if residual:
        for layer in range(1, depth):
            if widths[layer] != widths[layer - 1]:
                raise ValueError(
                    "residual=True needs every layer after the first to output as many features "
                    f"as it reads; units {widths[layer - 1]} then {widths[layer]} do not match."
                )
    z = inputs
    for index, width in enumerate(widths, start=1):
        last = index == depth
        sequences = return_sequences or not last
        name = f"rnn{index}"
        if bidirectional:
            inner = recurrent_layer(cell, width, name=f"{name}_cell", return_sequences=sequences)
            layer = keras.layers.Bidirectional(inner, merge_mode="concat", name=name)
        else:
            layer = recurrent_layer(cell, width, name=name, return_sequences=sequences)
        h = layer(z)
        if rate > 0:
            h = keras.layers.Dropout(rate, name=f"dropout{index}")(h)
        if residual and index > 1 and sequences:
            z = keras.layers.Add(name=f"residual{index}")([z, h])
        else:
            z = h
    return z


def _model_name(depth: int, cell: str, bidirectional: bool, residual: bool, dropout: float) -> str:
    name = f"{'bi' if bidirectional else ''}{cell}_x{depth}"
    if residual:
        name += "_residual"
    if dropout > 0:
        name += f"_dropout{dropout:g}"
    return name


def build_stacked_rnn_model(
    features: int,
    n_outputs: int,
    depth: int = 2,
    units: int | Sequence[int] = 32,
    cell: str = "gru",
    bidirectional: bool = False,
    residual: bool = False,
    dropout: float = 0.0,
    return_sequences: bool = False,
) -> keras.Model:
    """A stack of recurrent layers on real-valued sequences, then a linear head.

    Args:
        features: values per input step.
        n_outputs: outputs of the ``Dense`` head named ``"head"`` (logits or regression values).
        depth: number of recurrent layers (>= 1).
        units: hidden size, one int for every layer or one per layer.
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        bidirectional: wrap each layer in ``Bidirectional``.
        residual: add a skip connection around every layer after the first.
        dropout: rate of the dropout on every recurrent layer's output, in ``[0, 1)``.
        return_sequences: output every step instead of the last one. See
            ``stacked_recurrent_layers`` for the details of these options.

    Returns:
        A model mapping ``(batch, time, features)`` (any ``time``) to ``(batch, n_outputs)``, or
        to ``(batch, time, n_outputs)`` with ``return_sequences=True``.

    Raises:
        ValueError: as ``stacked_recurrent_layers``, or for bad ``features`` / ``n_outputs``.
    """
    features = positive_int(features, "features")
    n_outputs = positive_int(n_outputs, "n_outputs")
    inputs = keras.Input(shape=(None, features), name="sequence")
    z = stacked_recurrent_layers(
        inputs, depth, units, cell, bidirectional, residual, dropout, return_sequences
    )
    outputs = keras.layers.Dense(n_outputs, dtype=OUTPUT_DTYPE, name="head")(z)
    return keras.Model(
        inputs, outputs, name=_model_name(depth, cell, bidirectional, residual, float(dropout))
    )


def build_stacked_char_language_model(
    vocab_size: int,
    depth: int = 2,
    units: int | Sequence[int] = 64,
    embedding_dim: int = 32,
    cell: str = "gru",
    residual: bool = False,
    dropout: float = 0.0,
) -> keras.Model:
    """A character language model with ``depth`` one-way recurrent layers.

    Embedding, then the stack (see ``stacked_recurrent_layers``; one-way only, since a language
    model must not see the characters it predicts), then logits for the next character at every
    step from a ``Dense`` layer named ``"logits"``.

    Args:
        vocab_size: number of character ids.
        depth: number of recurrent layers (>= 1).
        units: hidden size, one int for every layer or one per layer.
        embedding_dim: size of each character's learned vector.
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        residual: add a skip connection around every layer after the first.
        dropout: rate of the dropout on every recurrent layer's output, in ``[0, 1)``. See
            ``stacked_recurrent_layers`` for the details of these options.

    Returns:
        A model mapping int ids ``(batch, time)`` to logits ``(batch, time, vocab_size)``.

    Raises:
        ValueError: as ``stacked_recurrent_layers``, or for bad ``vocab_size`` /
            ``embedding_dim``.
    """
    vocab_size = positive_int(vocab_size, "vocab_size")
    embedding_dim = positive_int(embedding_dim, "embedding_dim")
    inputs = keras.Input(shape=(None,), dtype="int32", name="chars")
    z = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    z = stacked_recurrent_layers(z, depth, units, cell, False, residual, dropout, True)
    logits = keras.layers.Dense(vocab_size, dtype=OUTPUT_DTYPE, name="logits")(z)
    name = _model_name(depth, cell, False, residual, float(dropout)) + "_char_lm"
    return keras.Model(inputs, logits, name=name)


# ---------------------------------------------------------------------------------------------
# Measuring a stack layer by layer


def recurrent_layer_names(model: keras.Model) -> list[str]:
    """Names of a stacked model's recurrent layers, bottom to top: ``["rnn1", "rnn2", ...]``.

    Args:
        model: a model built by this module.

    Returns:
        The names, in order.

    Raises:
        ValueError: if the model has no layer named ``rnn1``.
    """
    names: list[str] = []
    while any(layer.name == f"rnn{len(names) + 1}" for layer in model.layers):
        names.append(f"rnn{len(names) + 1}")
    if not names:
        raise ValueError(f"model {model.name!r} has no recurrent layers named rnn1, rnn2, ...")
    return names


def _input_kernels(layer: keras.layers.Layer) -> list[keras.Variable]:
    if isinstance(layer, keras.layers.Bidirectional):
        return [layer.forward_layer.cell.kernel, layer.backward_layer.cell.kernel]
    return [layer.cell.kernel]


def kernel_gradient_norms(
    model: keras.Model, x: np.ndarray, y: np.ndarray, loss: keras.losses.Loss
) -> dict[str, float]:
    """Size of the loss gradient reaching each recurrent layer: ``||dL / dW_x||`` per layer.

    ``W_x`` is the layer's input kernel (both directions' kernels together when bidirectional);
    the norm is the Frobenius norm. It measures how strongly the training signal arrives at each
    depth: with vanishing gradients across layers, the lower layers get far less.

    Args:
        model: a stacked model whose recurrent layers are named ``rnn1``, ``rnn2``, ...
        x: a batch of inputs.
        y: the batch's targets.
        loss: the training loss, e.g. ``SparseCategoricalCrossentropy(from_logits=True)``.

    Returns:
        ``{"rnn1": norm, "rnn2": norm, ...}``, computed in inference mode (no dropout).
    """
    names = recurrent_layer_names(model)
    kernels = {name: _input_kernels(model.get_layer(name)) for name in names}
    variables = [v for name in names for v in kernels[name]]
    with tf.GradientTape() as tape:
        value = loss(y, model(x, training=False))
    grads = tape.gradient(value, variables)
    norms, start = {}, 0
    for name in names:
        count = len(kernels[name])
        squares = sum(float(tf.reduce_sum(tf.square(g))) for g in grads[start : start + count])
        norms[name] = float(np.sqrt(squares))
        start += count
    return norms


def input_gradient_norms(
    model: keras.Model, x: np.ndarray, y: np.ndarray, loss: keras.losses.Loss
) -> dict[str, float]:
    """Size of the loss gradient with respect to each recurrent layer's input sequence.

    For layer ``l`` this is ``||dL / dz_{l-1}||`` (Frobenius norm over batch, time and
    features), where ``z_{l-1}`` is the sequence the layer reads: the error signal that arrives
    at that depth, free of the size of the layer's own inputs (which ``kernel_gradient_norms``
    mixes in). In a plain stack it passes down through every layer above; a residual connection
    adds a path that skips them.

    Args:
        model: a model from ``build_stacked_rnn_model`` or ``build_stacked_char_language_model``
            (the stack is replayed layer by layer following their wiring and names).
        x: a batch of inputs.
        y: the batch's targets.
        loss: the training loss.

    Returns:
        ``{"rnn1": norm, "rnn2": norm, ...}``, computed in inference mode (no dropout).
    """
    names = recurrent_layer_names(model)
    present = {layer.name for layer in model.layers}
    bottom = keras.Model(model.input, model.get_layer(names[0]).input)
    z = tf.convert_to_tensor(bottom(x, training=False))
    top = names[-1]
    with tf.GradientTape() as tape:
        seen = []
        for index, name in enumerate(names, start=1):
            tape.watch(z)
            seen.append(z)
            h = model.get_layer(name)(z, training=False)  # dropout is the identity here
            if f"residual{index}" in present:
                z = model.get_layer(f"residual{index}")([z, h])
                top = f"residual{index}"
            else:
                z = h
                top = f"dropout{index}" if f"dropout{index}" in present else name
        upper = keras.Model(model.get_layer(top).output, model.output)  # the head
        value = loss(y, upper(z, training=False))
    grads = tape.gradient(value, seen)
    return {name: float(tf.norm(g)) for name, g in zip(names, grads, strict=True)}


def layer_states(model: keras.Model, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every recurrent layer's output sequence for the inputs ``x`` (inference mode).

    Args:
        model: a stacked model whose recurrent layers are named ``rnn1``, ``rnn2``, ...
            and return sequences.
        x: inputs the model accepts.

    Returns:
        ``{"rnn1": array (batch, time, width), ...}``: what each layer passes upwards (before
        dropout and before the residual addition).
    """
    names = recurrent_layer_names(model)
    probe = keras.Model(model.input, [model.get_layer(n).output for n in names])
    outputs = probe(x, training=False)
    if len(names) == 1:
        outputs = [outputs]
    return {name: np.asarray(out) for name, out in zip(names, outputs, strict=True)}
