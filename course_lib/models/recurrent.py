"""Recurrent layers and the one-layer recurrent models of notebooks 01 to 05.

``recurrent_layer`` / ``sequence_layer`` make a layer of any cell type, one-way or bidirectional;
the builders (``build_<task>_model(...) -> keras.Model``) wrap one such layer into forecasters,
language models, classifiers, taggers and a small encoder-decoder. Every layer is named; the ones
other code reaches (``rnn``, ``embedding``, ``logits``, ``head``) carry the constants of
``course_lib.handles`` and ``handles.sequence_handles(model)`` returns them. LSTM and GRU layers
keep Keras' cuDNN-eligible defaults (tanh, sigmoid, no recurrent dropout, no unroll).
"""

from __future__ import annotations

from typing import Any

import keras

from course_lib import handles
from course_lib._args import choice, finite_float, flag, positive_int

__all__ = [
    "CELL_TYPES",
    "OUTPUT_DTYPE",
    "MERGE_MODES",
    "recurrent_layer",
    "sequence_layer",
    "build_rnn_forecaster_model",
    "build_dense_forecaster_model",
    "build_conv_forecaster_model",
    "build_char_language_model",
    "build_sequence_classifier_model",
    "build_bag_of_tokens_classifier_model",
    "build_token_classifier_model",
    "build_conditional_generator_model",
    "build_sequence_tagger_model",
    "build_conv_rnn_classifier_model",
]

CELL_TYPES = ("simple_rnn", "lstm", "gru")
# Every builder's output layers compute in float32, also under a mixed-precision policy
# (``setup_notebook`` with COURSE_MIXED_PRECISION=1), as Keras' mixed-precision guide advises:
# float16 keeps about 3 significant digits and overflows above 65504, too little for logits
# going into a softmax or a loss, or for a regression output. Layers before them follow the policy.
OUTPUT_DTYPE = "float32"
# how ``keras.layers.Bidirectional`` combines its two directions (None: a list of both)
MERGE_MODES = ("concat", "sum", "ave", "mul")


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
    units = positive_int(units, "units")
    layers = {
        "simple_rnn": keras.layers.SimpleRNN,
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
    }
    return layers[choice(cell, "cell", CELL_TYPES)](units, name=name, **kwargs)


def sequence_layer(
    cell: str,
    units: int,
    name: str,
    bidirectional: bool = False,
    merge_mode: str = "concat",
    **kwargs: object,
) -> keras.layers.Layer:
    """A recurrent layer that reads left to right, or both ways when ``bidirectional``.

    The bidirectional version is ``keras.layers.Bidirectional`` around ``recurrent_layer``: two
    layers with their own weights, one reading the sequence forwards and one backwards, their
    outputs merged step by step. Both keep the cuDNN-eligible configuration.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        units: size of each direction's hidden state.
        name: the layer's name (the wrapper's, when bidirectional; its two directions are then
            named ``forward_<name>`` and ``backward_<name>``).
        bidirectional: read the sequence in both directions.
        merge_mode: how the two directions are combined, one of ``MERGE_MODES``
            (``"concat"`` doubles the output size; the others keep ``units``).
        **kwargs: passed to the recurrent layer (e.g. ``return_sequences=True``).

    Returns:
        A Keras layer.

    Raises:
        ValueError: for a bad cell, unit count, ``bidirectional`` or ``merge_mode``.
    """
    bidirectional = flag(bidirectional, "bidirectional")
    merge_mode = choice(merge_mode, "merge_mode", MERGE_MODES)
    layer = recurrent_layer(cell, units, name=name, **kwargs)
    if not bidirectional:
        return layer
    return keras.layers.Bidirectional(layer, merge_mode=merge_mode, name=name)


def _model_name(cell: str, bidirectional: bool, task: str) -> str:
    return f"{'bidirectional_' if bidirectional else ''}{cell}_{task}"


def _logits_model(inputs: Any, z: Any, size: int, name: str) -> keras.Model:
    """The model from ``inputs`` to a float32 ``Dense`` layer of ``size`` logits on ``z``."""
    logits = keras.layers.Dense(size, dtype=OUTPUT_DTYPE, name=handles.LOGITS)(z)
    return keras.Model(inputs, logits, name=name)


def _forecaster_model(inputs: Any, z: Any, scale: float, name: str) -> keras.Model:
    """One predicted value from ``z``, multiplied back by ``scale`` (layers "head", "scale_out")."""
    z = keras.layers.Dense(1, dtype=OUTPUT_DTYPE, name=handles.HEAD)(z)
    outputs = keras.layers.Rescaling(scale, dtype=OUTPUT_DTYPE, name="scale_out")(z)
    return keras.Model(inputs, outputs, name=name)


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
    scale = finite_float(scale, "scale", above=0.0)
    inputs = keras.Input(shape=(None, 1), name="window")
    z = keras.layers.Rescaling(1.0 / scale, name="scale_in")(inputs)
    z = recurrent_layer(cell, units, name=handles.RNN)(z)
    return _forecaster_model(inputs, z, scale, f"{cell}_forecaster")


def build_dense_forecaster_model(window: int, units: int = 32, scale: float = 1.0) -> keras.Model:
    """A feed-forward network on a fixed window: every time step has its own weights.

    Args:
        window: the exact number of past steps the model accepts.
        units: width of the hidden layer.
        scale: as in ``build_rnn_forecaster_model``.

    Returns:
        A model mapping ``(batch, window, 1)`` to ``(batch, 1)``.
    """
    window = positive_int(window, "window")
    scale = finite_float(scale, "scale", above=0.0)
    inputs = keras.Input(shape=(window, 1), name="window")
    z = keras.layers.Rescaling(1.0 / scale, name="scale_in")(inputs)
    z = keras.layers.Flatten(name="flatten")(z)
    z = keras.layers.Dense(positive_int(units, "units"), activation="relu", name="hidden")(z)
    return _forecaster_model(inputs, z, scale, "dense_forecaster")


def build_conv_forecaster_model(filters: int = 32, scale: float = 1.0) -> keras.Model:
    """A fully convolutional network: causal 1-D convolutions, then an average over time.

    With no dense layer tied to a window size it accepts inputs of any length, like the RNN.

    Args:
        filters: channels of each convolution.
        scale: as in ``build_rnn_forecaster_model``.

    Returns:
        A model mapping ``(batch, time, 1)`` (``time`` >= 1) to ``(batch, 1)``.
    """
    filters = positive_int(filters, "filters")
    scale = finite_float(scale, "scale", above=0.0)
    inputs = keras.Input(shape=(None, 1), name="window")
    z = keras.layers.Rescaling(1.0 / scale, name="scale_in")(inputs)
    z = keras.layers.Conv1D(filters, 5, padding="causal", activation="relu", name="conv1")(z)
    z = keras.layers.Conv1D(
        filters, 5, padding="causal", dilation_rate=4, activation="relu", name="conv2"
    )(z)
    z = keras.layers.GlobalAveragePooling1D(name="pool")(z)
    return _forecaster_model(inputs, z, scale, "conv_forecaster")


def build_char_language_model(
    vocab_size: int,
    units: int = 256,
    embedding_dim: int = 32,
    cell: str = "simple_rnn",
    bidirectional: bool = False,
    merge_mode: str = "concat",
) -> keras.Model:
    """A character-level language model: embedding, one recurrent layer, logits per step.

    Args:
        vocab_size: number of character ids.
        units: size of the hidden state.
        embedding_dim: size of each character's learned vector.
        cell: the recurrent cell type (see ``recurrent_layer``).
        bidirectional: read the sequence in both directions (notebook 05 builds
            one to show why a language model must not: it sees the character it predicts).
        merge_mode: how the two directions are combined when bidirectional (see
            ``sequence_layer``).

    Returns:
        A model mapping int ids ``(batch, time)`` to logits ``(batch, time, vocab_size)``: at
        every step, scores for the next character (many-to-many).
    """
    vocab_size = positive_int(vocab_size, "vocab_size")
    inputs = keras.Input(shape=(None,), dtype="int32", name="chars")
    z = keras.layers.Embedding(
        vocab_size, positive_int(embedding_dim, "embedding_dim"), name=handles.EMBEDDING
    )(inputs)
    z = sequence_layer(cell, units, handles.RNN, bidirectional, merge_mode, return_sequences=True)(
        z
    )
    return _logits_model(inputs, z, vocab_size, _model_name(cell, bidirectional, "char_lm"))


def build_sequence_classifier_model(
    features: int,
    n_classes: int,
    units: int = 32,
    cell: str = "lstm",
    bidirectional: bool = False,
    merge_mode: str = "concat",
    **rnn_kwargs: object,
) -> keras.Model:
    """Many-to-one classifier: one recurrent layer reads the sequence, its last state is scored.

    Args:
        features: size of each input step.
        n_classes: number of classes; the model outputs one logit per class.
        units: size of the hidden state.
        cell: the recurrent cell type (see ``recurrent_layer``).
        bidirectional: read the sequence in both directions (the forward direction's last
            state merged with the backward direction's last state, which it reached at step 0).
        merge_mode: how the two directions are combined when bidirectional (see
            ``sequence_layer``).
        **rnn_kwargs: passed to the recurrent layer (e.g. ``unit_forget_bias=False``).

    Returns:
        A model mapping ``(batch, time, features)`` (any ``time``) to logits ``(batch, n_classes)``;
        the recurrent layer (or its ``Bidirectional`` wrapper) is named ``"rnn"``.
    """
    features = positive_int(features, "features")
    n_classes = positive_int(n_classes, "n_classes")
    inputs = keras.Input(shape=(None, features), name="sequence")
    z = sequence_layer(cell, units, handles.RNN, bidirectional, merge_mode, **rnn_kwargs)(inputs)
    name = _model_name(cell, bidirectional, "classifier")
    return _logits_model(inputs, z, n_classes, name)


# ---------------------------------------------------------------------------------------------
# The shapes of sequence problems (notebook 02): one-to-one, one-to-many, many-to-one,
# many-to-many aligned and unaligned, and a convolution in front of an RNN.


def build_bag_of_tokens_classifier_model(
    vocab_size: int, n_classes: int, units: int = 64
) -> keras.Model:
    """One-to-one: a feed-forward classifier of how often each id occurs, order thrown away.

    The padded id sequence is turned into one fixed-size vector of counts (the count of id 0,
    the padding, tells the model the length), then a hidden layer and the class scores.

    Args:
        vocab_size: number of ids.
        n_classes: number of classes.
        units: width of the hidden layer.

    Returns:
        A model mapping int ids ``(batch, time)`` to logits ``(batch, n_classes)``.
    """
    vocab_size = positive_int(vocab_size, "vocab_size")
    inputs = keras.Input(shape=(None,), dtype="int32", name="ids")
    z = keras.layers.CategoryEncoding(vocab_size, output_mode="count", name="counts")(inputs)
    z = keras.layers.Dense(positive_int(units, "units"), activation="relu", name="hidden")(z)
    return _logits_model(inputs, z, positive_int(n_classes, "n_classes"), "bag_of_tokens")


def build_token_classifier_model(
    vocab_size: int,
    n_classes: int,
    units: int = 64,
    embedding_dim: int = 16,
    cell: str = "gru",
    mask: bool = True,
    bidirectional: bool = False,
    merge_mode: str = "concat",
) -> keras.Model:
    """Many-to-one: read a sequence of ids, classify it from the last hidden state.

    Args:
        vocab_size: number of ids (id 0 is padding).
        n_classes: number of classes.
        units: size of the hidden state.
        embedding_dim: size of each id's learned vector.
        cell: the recurrent cell type (see ``recurrent_layer``).
        mask: let the embedding mask id 0, so the RNN skips padded steps and its final state
            is the state after each sequence's last real step. With False the RNN reads the
            padding like any other input.
        bidirectional: read the sequence in both directions; with the mask, the
            backward direction starts at each sequence's last real id.
        merge_mode: how the two directions are combined when bidirectional (see
            ``sequence_layer``).

    Returns:
        A model mapping int ids ``(batch, time)`` to logits ``(batch, n_classes)``.
    """
    vocab_size = positive_int(vocab_size, "vocab_size")
    mask = flag(mask, "mask")
    inputs = keras.Input(shape=(None,), dtype="int32", name="ids")
    z = keras.layers.Embedding(
        vocab_size,
        positive_int(embedding_dim, "embedding_dim"),
        mask_zero=mask,
        name=handles.EMBEDDING,
    )(inputs)
    z = sequence_layer(cell, units, handles.RNN, bidirectional, merge_mode)(z)
    name = _model_name(cell, bidirectional, "classifier") + ("" if mask else "_unmasked")
    return _logits_model(inputs, z, positive_int(n_classes, "n_classes"), name)


def build_conditional_generator_model(
    n_conditions: int,
    vocab_size: int,
    units: int = 64,
    embedding_dim: int = 16,
    cell: str = "gru",
) -> keras.Model:
    """One-to-many: a sequence generated from one input (a class label), token by token.

    The label is embedded into the RNN's initial state (both states for an LSTM). At step
    ``t`` the RNN reads the token produced at step ``t - 1`` (the start marker at step 0) and
    scores the next token. In training the true previous tokens are fed in (teacher forcing);
    to generate, feed back the model's own choices (see ``decoding.generate_tokens``).

    Args:
        n_conditions: number of labels.
        vocab_size: number of token ids (0 padding, masked).
        units: size of the hidden state.
        embedding_dim: size of each token's learned vector.
        cell: the recurrent cell type (see ``recurrent_layer``).

    Returns:
        A model with inputs ``[condition (batch,) int, previous (batch, time) int]`` and
        logits ``(batch, time, vocab_size)``.
    """
    n_conditions = positive_int(n_conditions, "n_conditions")
    vocab_size = positive_int(vocab_size, "vocab_size")
    units = positive_int(units, "units")
    rnn = recurrent_layer(cell, units, name=handles.RNN, return_sequences=True)
    condition = keras.Input(shape=(), dtype="int32", name="condition")
    previous = keras.Input(shape=(None,), dtype="int32", name="previous")
    n_states = 2 if cell == "lstm" else 1
    states = [
        keras.layers.Embedding(n_conditions, units, name=f"condition_to_state{i}")(condition)
        for i in range(n_states)
    ]
    z = keras.layers.Embedding(
        vocab_size,
        positive_int(embedding_dim, "embedding_dim"),
        mask_zero=True,
        name=handles.EMBEDDING,
    )(previous)
    z = rnn(z, initial_state=states)
    return _logits_model([condition, previous], z, vocab_size, f"{cell}_conditional_generator")


def build_sequence_tagger_model(
    vocab_size: int,
    n_tags: int,
    units: int = 64,
    embedding_dim: int = 16,
    cell: str = "gru",
    bidirectional: bool = False,
    merge_mode: str = "concat",
) -> keras.Model:
    """Many-to-many, aligned: one tag for every input step, from the state at that step.

    Args:
        vocab_size: number of ids.
        n_tags: number of tags.
        units: size of the hidden state.
        embedding_dim: size of each id's learned vector.
        cell: the recurrent cell type (see ``recurrent_layer``).
        bidirectional: read the sequence in both directions (``keras.layers.Bidirectional``).
        merge_mode: how the two directions are combined when bidirectional (see
            ``sequence_layer``).

    Returns:
        A model mapping int ids ``(batch, time)`` to logits ``(batch, time, n_tags)``. A one-way
        RNN reads left to right, so the tag at step ``t`` can use steps ``0..t`` only; a
        bidirectional one uses the whole sequence.
    """
    vocab_size = positive_int(vocab_size, "vocab_size")
    inputs = keras.Input(shape=(None,), dtype="int32", name="ids")
    z = keras.layers.Embedding(
        vocab_size, positive_int(embedding_dim, "embedding_dim"), name=handles.EMBEDDING
    )(inputs)
    z = sequence_layer(cell, units, handles.RNN, bidirectional, merge_mode, return_sequences=True)(
        z
    )
    name = _model_name(cell, bidirectional, "tagger")
    return _logits_model(inputs, z, positive_int(n_tags, "n_tags"), name)


def build_conv_rnn_classifier_model(
    features: int,
    n_classes: int,
    units: int = 32,
    strides: tuple[int, ...] = (),
    filters: int = 32,
    cell: str = "gru",
) -> keras.Model:
    """Many-to-one on a long real-valued sequence, optionally shortened by convolutions first.

    Each stride ``s`` adds a ``Conv1D`` (kernel ``2 * s``, stride ``s``, ``padding="same"``,
    relu) that looks at local patches and keeps one step in ``s``; the RNN then runs over
    ``ceil(time / prod(strides))`` steps instead of ``time``. With no strides it is the RNN
    alone.

    Args:
        features: values per input step.
        n_classes: number of classes.
        units: size of the hidden state.
        strides: one integer >= 2 per convolution, e.g. ``(2, 2)``; ``()`` for no convolution.
        filters: channels of each convolution.
        cell: the recurrent cell type (see ``recurrent_layer``).

    Returns:
        A model mapping ``(batch, time, features)`` to logits ``(batch, n_classes)``; its
        convolutions are named ``conv1``, ``conv2``, ... and its RNN ``rnn``.
    """
    features = positive_int(features, "features")
    filters = positive_int(filters, "filters")
    strides = tuple(positive_int(s, f"strides[{i}]", 2) for i, s in enumerate(strides))
    inputs = keras.Input(shape=(None, features), name="sequence")
    z = inputs
    for i, stride in enumerate(strides, start=1):
        z = keras.layers.Conv1D(
            filters, 2 * stride, strides=stride, padding="same", activation="relu", name=f"conv{i}"
        )(z)
    z = recurrent_layer(cell, units, name=handles.RNN)(z)
    name = f"conv{len(strides)}_{cell}_classifier" if strides else f"{cell}_classifier"
    return _logits_model(inputs, z, positive_int(n_classes, "n_classes"), name)
