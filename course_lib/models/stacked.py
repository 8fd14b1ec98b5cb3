"""Builders for stacked (deep) recurrent models, one-way or bidirectional (notebook 06).

A stack feeds every layer's output *sequence* into the next layer (``return_sequences=True``
on all but possibly the last). Options: the cell type, one-way or bidirectional layers, a
residual (skip) connection around every layer whose input and output widths agree, and dropout
on every layer's output. Recurrent dropout stays 0 so LSTM/GRU layers remain cuDNN-eligible.

Layer names: the recurrent layers are ``rnn1`` ... ``rnn{depth}`` (a ``Bidirectional`` wrapper
carries that name when ``bidirectional=True``), their dropouts ``dropout1`` ..., the additions of
the residual connections ``residual2`` ...; ``handles.stack_handles(model)`` returns them all, and
``gradients`` measures a stack layer by layer through it.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from course_lib import handles
from course_lib._args import choice, flag, positive_int, probability
from course_lib.models.recurrent import CELL_TYPES, OUTPUT_DTYPE, recurrent_layer

__all__ = [
    "stacked_recurrent_layers",
    "build_stacked_rnn_model",
    "build_stacked_char_language_model",
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
        name = handles.stack_rnn_name(index)
        if bidirectional:
            inner = recurrent_layer(cell, width, name=f"{name}_cell", return_sequences=sequences)
            layer = keras.layers.Bidirectional(inner, merge_mode="concat", name=name)
        else:
            layer = recurrent_layer(cell, width, name=name, return_sequences=sequences)
        h = layer(z)
        if rate > 0:
            h = keras.layers.Dropout(rate, name=handles.stack_dropout_name(index))(h)
        if residual and index > 1 and sequences:
            z = keras.layers.Add(name=handles.stack_residual_name(index))([z, h])
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
    outputs = keras.layers.Dense(n_outputs, dtype=OUTPUT_DTYPE, name=handles.HEAD)(z)
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
    z = keras.layers.Embedding(vocab_size, embedding_dim, name=handles.EMBEDDING)(inputs)
    z = stacked_recurrent_layers(z, depth, units, cell, False, residual, dropout, True)
    logits = keras.layers.Dense(vocab_size, dtype=OUTPUT_DTYPE, name=handles.LOGITS)(z)
    name = _model_name(depth, cell, False, residual, float(dropout)) + "_char_lm"
    return keras.Model(inputs, logits, name=name)
