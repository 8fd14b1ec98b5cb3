"""The CTC speech recogniser: convolutional front end and recurrent layers (notebook 10)."""

from __future__ import annotations

import keras

from course_lib.models.core import OUTPUT_DTYPE, _positive_int, recurrent_layer

__all__ = ["build_ctc_speech_model"]


def build_ctc_speech_model(
    n_features: int,
    n_classes: int,
    *,
    filters: int = 64,
    time_strides: tuple[int, ...] = (2, 2),
    kernel_size: int = 5,
    cell: str = "gru",
    units: int = 96,
    rnn_layers: int = 2,
    dropout: float = 0.1,
) -> keras.Model:
    """Log-mel frames in, per-frame scores over the characters and the CTC blank out.

    A convolutional front end (one ``Conv1D`` + batch normalisation + ReLU block per entry of
    ``time_strides``, named ``conv1``, ``conv2``, ...) learns local spectral patterns and
    shortens the sequence by the product of the strides; then ``rnn_layers`` bidirectional
    recurrent layers (``birnn1``, ...; each direction ``units`` wide, cuDNN-eligible settings)
    read the whole utterance in both directions; a ``Dense`` layer named ``logits`` scores
    ``n_classes`` symbols per output frame (index 0 is the blank). The outputs are logits, as
    ``keras.losses.CTC`` expects.

    Args:
        n_features: features per input frame (mel channels).
        n_classes: symbols including the blank (``len(ALPHABET) + 1``).
        filters: channels of each convolution.
        time_strides: one stride per convolution block (each >= 1).
        kernel_size: convolution width in frames.
        cell: ``"gru"`` or ``"lstm"``.
        units: recurrent units per direction.
        rnn_layers: number of bidirectional layers.
        dropout: dropout rate after each recurrent layer, in [0, 1).

    Returns:
        An uncompiled model: ``(batch, frames, n_features)`` ->
        ``(batch, ceil(frames / prod(time_strides)), n_classes)``.

    Raises:
        ValueError: for bad sizes, strides, cell or dropout.
    """
    _positive_int(n_features, "n_features")
    _positive_int(filters, "filters")
    _positive_int(kernel_size, "kernel_size")
    _positive_int(units, "units")
    _positive_int(rnn_layers, "rnn_layers")
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2 (blank + symbols); got {n_classes!r}.")
    if not time_strides or any(
        isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in time_strides
    ):
        raise ValueError(
            f"time_strides must be a non-empty tuple of positive ints; got {time_strides!r}."
        )
    if cell not in ("gru", "lstm"):
        raise ValueError(f"cell must be 'gru' or 'lstm'; got {cell!r}.")
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout must be in [0, 1); got {dropout!r}.")
    inputs = keras.Input((None, n_features), name="log_mel")
    x = inputs
    for i, stride in enumerate(time_strides, start=1):
        x = keras.layers.Conv1D(
            filters, kernel_size, strides=stride, padding="same", use_bias=False, name=f"conv{i}"
        )(x)
        x = keras.layers.BatchNormalization(name=f"conv{i}_norm")(x)
        x = keras.layers.ReLU(name=f"conv{i}_relu")(x)
    for i in range(1, rnn_layers + 1):
        layer = recurrent_layer(cell, units, name=f"{cell}{i}", return_sequences=True)
        x = keras.layers.Bidirectional(layer, name=f"birnn{i}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"dropout{i}")(x)
    logits = keras.layers.Dense(n_classes, dtype=OUTPUT_DTYPE, name="logits")(x)
    return keras.Model(inputs, logits, name=f"ctc_{cell}_speech")
