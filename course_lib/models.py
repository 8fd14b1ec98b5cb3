"""Model builders used by the notebooks: ``build_<task>_model(...) -> keras.Model``.

Every layer is named so a notebook can reach it with ``model.get_layer(name)``. LSTM and GRU
layers keep Keras' cuDNN-eligible defaults (tanh, sigmoid, no recurrent dropout, no unroll).
"""

from __future__ import annotations

import keras

CELL_TYPES = ("simple_rnn", "lstm", "gru")


def _positive_int(value: object, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{label} must be a positive integer; got {value!r}.")
    return value


def _positive_float(value: object, label: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a positive number; got {value!r}.") from None
    if not value > 0:
        raise ValueError(f"{label} must be a positive number; got {value!r}.")
    return value


def recurrent_layer(cell: str, units: int, name: str, **kwargs: object) -> keras.layers.Layer:
    """Create a recurrent layer of the given cell type.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        units: size of the hidden state.
        name: the layer's name.
        **kwargs: passed to the Keras layer (e.g. ``return_sequences=True``).

    Returns:
        A ``SimpleRNN``, ``LSTM`` or ``GRU`` layer.

    Raises:
        ValueError: for an unknown cell type or a bad unit count.
    """
    _positive_int(units, "units")
    layers = {
        "simple_rnn": keras.layers.SimpleRNN,
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
    }
    if cell not in layers:
        raise ValueError(f"cell={cell!r} is not supported; use one of {CELL_TYPES}.")
    return layers[cell](units, name=name, **kwargs)


def build_rnn_forecaster_model(
    units: int = 32, scale: float = 1.0, cell: str = "simple_rnn"
) -> keras.Model:
    """A one-layer recurrent network that reads a window of any length and predicts one value.

    Args:
        units: size of the hidden state.
        scale: typical size of the inputs and targets; they are divided by it on the way in and
            multiplied on the way out, so the network works with values near 1.
        cell: the recurrent cell type (see ``recurrent_layer``).

    Returns:
        A model mapping ``(batch, time, 1)`` (any ``time``) to ``(batch, 1)``.
    """
    scale = _positive_float(scale, "scale")
    inputs = keras.Input(shape=(None, 1), name="window")
    z = keras.layers.Rescaling(1.0 / scale, name="scale_in")(inputs)
    z = recurrent_layer(cell, units, name="rnn")(z)
    z = keras.layers.Dense(1, name="head")(z)
    outputs = keras.layers.Rescaling(scale, name="scale_out")(z)
    return keras.Model(inputs, outputs, name=f"{cell}_forecaster")


def build_dense_forecaster_model(window: int, units: int = 32, scale: float = 1.0) -> keras.Model:
    """A feed-forward network on a fixed window: every time step has its own weights.

    Args:
        window: the exact number of past steps the model accepts.
        units: width of the hidden layer.
        scale: as in ``build_rnn_forecaster_model``.

    Returns:
        A model mapping ``(batch, window, 1)`` to ``(batch, 1)``.
    """
    window = _positive_int(window, "window")
    scale = _positive_float(scale, "scale")
    inputs = keras.Input(shape=(window, 1), name="window")
    z = keras.layers.Rescaling(1.0 / scale, name="scale_in")(inputs)
    z = keras.layers.Flatten(name="flatten")(z)
    z = keras.layers.Dense(_positive_int(units, "units"), activation="relu", name="hidden")(z)
    z = keras.layers.Dense(1, name="head")(z)
    outputs = keras.layers.Rescaling(scale, name="scale_out")(z)
    return keras.Model(inputs, outputs, name="dense_forecaster")


def build_conv_forecaster_model(filters: int = 32, scale: float = 1.0) -> keras.Model:
    """A fully convolutional network: causal 1-D convolutions, then an average over time.

    With no dense layer tied to a window size it accepts inputs of any length, like the RNN.

    Args:
        filters: channels of each convolution.
        scale: as in ``build_rnn_forecaster_model``.

    Returns:
        A model mapping ``(batch, time, 1)`` (``time`` >= 1) to ``(batch, 1)``.
    """
    filters = _positive_int(filters, "filters")
    scale = _positive_float(scale, "scale")
    inputs = keras.Input(shape=(None, 1), name="window")
    z = keras.layers.Rescaling(1.0 / scale, name="scale_in")(inputs)
    z = keras.layers.Conv1D(filters, 5, padding="causal", activation="relu", name="conv1")(z)
    z = keras.layers.Conv1D(
        filters, 5, padding="causal", dilation_rate=4, activation="relu", name="conv2"
    )(z)
    z = keras.layers.GlobalAveragePooling1D(name="pool")(z)
    z = keras.layers.Dense(1, name="head")(z)
    outputs = keras.layers.Rescaling(scale, name="scale_out")(z)
    return keras.Model(inputs, outputs, name="conv_forecaster")


def build_char_language_model(
    vocab_size: int, units: int = 256, embedding_dim: int = 32, cell: str = "simple_rnn"
) -> keras.Model:
    """A character-level language model: embedding, one recurrent layer, logits per step.

    Args:
        vocab_size: number of character ids.
        units: size of the hidden state.
        embedding_dim: size of each character's learned vector.
        cell: the recurrent cell type (see ``recurrent_layer``).

    Returns:
        A model mapping int ids ``(batch, time)`` to logits ``(batch, time, vocab_size)``: at
        every step, scores for the next character (many-to-many).
    """
    vocab_size = _positive_int(vocab_size, "vocab_size")
    inputs = keras.Input(shape=(None,), dtype="int32", name="chars")
    z = keras.layers.Embedding(
        vocab_size, _positive_int(embedding_dim, "embedding_dim"), name="embedding"
    )(inputs)
    z = recurrent_layer(cell, units, name="rnn", return_sequences=True)(z)
    logits = keras.layers.Dense(vocab_size, name="logits")(z)
    return keras.Model(inputs, logits, name=f"{cell}_char_lm")
