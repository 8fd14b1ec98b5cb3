"""The encoder-decoder's training model, its encoder as a classifier, teacher-forcing arrays.

``build_seq2seq_model`` makes every layer once (``handles.Seq2SeqHandles``); ``_encode`` and
``_decode`` wire them, and ``inference`` rewires the same layers into its step-by-step views.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from course_lib import handles as names
from course_lib._args import choice, positive_int
from course_lib.handles import Seq2SeqHandles, seq2seq_handles
from course_lib.layers import AttentionPooling, BahdanauAttention, LuongAttention
from course_lib.models.recurrent import OUTPUT_DTYPE, recurrent_layer

__all__ = [
    "ATTENTION_TYPES",
    "build_seq2seq_model",
    "build_encoder_classifier_model",
    "teacher_forcing_arrays",
]

ATTENTION_TYPES = ("none", "bahdanau", "luong")
POOLINGS = ("mean", "attention")
POOLING_LAYER = "attention_pooling"
_CELLS = ("lstm", "gru")


def _state_count(cell: str) -> int:
    return 2 if cell == "lstm" else 1


def build_seq2seq_model(
    source_vocab_size: int,
    target_vocab_size: int,
    units: int = 64,
    embedding_dim: int = 32,
    cell: str = "gru",
    attention: str = "bahdanau",
    attention_units: int | None = None,
    dropout: float = 0.0,
    encoder_layers: int = 1,
) -> keras.Model:
    """The teacher-forced training model of an encoder-decoder.

    Args:
        source_vocab_size: number of source ids (0 = padding).
        target_vocab_size: number of target ids (0 = padding).
        units: size of each encoder direction; the decoder has ``2 * units``.
        embedding_dim: size of each id's learned vector, on both sides.
        cell: ``"gru"`` or ``"lstm"`` (Keras' cuDNN-eligible defaults kept).
        attention: ``"none"`` (fixed-length context), ``"bahdanau"`` (additive) or ``"luong"``
            (multiplicative, ``score="general"``).
        attention_units: hidden size of the additive score (default ``units``).
        dropout: dropout rate on both embeddings, between stacked encoder layers and on the
            layer before the logits.
        encoder_layers: bidirectional layers in the encoder, each reading the one below's
            outputs; the top one's final states start the decoder.

    Returns:
        A model with inputs ``[source (batch, Ts) int, previous (batch, Tt) int]`` (``previous``
        = the target shifted right, start id first) and logits ``(batch, Tt,
        target_vocab_size)``. Padded target steps carry a Keras mask.

    Raises:
        ValueError: for a bad size, cell, attention type, dropout rate or layer count.
    """
    source_vocab_size = positive_int(source_vocab_size, "source_vocab_size")
    target_vocab_size = positive_int(target_vocab_size, "target_vocab_size")
    units = positive_int(units, "units")
    embedding_dim = positive_int(embedding_dim, "embedding_dim")
    encoder_layers = positive_int(encoder_layers, "encoder_layers")
    if cell not in _CELLS:
        raise ValueError(f"cell={cell!r} is not supported here; use one of {_CELLS}.")
    if attention not in ATTENTION_TYPES:
        raise ValueError(f"attention={attention!r} is not supported; use one of {ATTENTION_TYPES}.")
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout must be in [0, 1); got {dropout!r}.")
    attention_layer: Any = None
    if attention == "bahdanau":
        attention_layer = BahdanauAttention(
            positive_int(attention_units or units, "attention_units"), name=names.ATTENTION
        )
    elif attention == "luong":
        attention_layer = LuongAttention(score="general", name=names.ATTENTION)
    layers = Seq2SeqHandles(
        source_embedding=keras.layers.Embedding(
            source_vocab_size, embedding_dim, mask_zero=True, name=names.SOURCE_EMBEDDING
        ),
        source_dropout=keras.layers.Dropout(dropout, name=names.SOURCE_DROPOUT),
        lower_encoders=tuple(
            keras.layers.Bidirectional(
                recurrent_layer(cell, units, name=f"encoder_rnn_{i}", return_sequences=True),
                name=names.lower_encoder_name(i),
            )
            for i in range(1, encoder_layers)
        ),
        encoder_dropout=keras.layers.Dropout(dropout, name=names.ENCODER_DROPOUT),
        encoder=keras.layers.Bidirectional(
            recurrent_layer(
                cell, units, name="encoder_rnn", return_sequences=True, return_state=True
            ),
            name=names.ENCODER,
        ),
        bridges=tuple(
            keras.layers.Concatenate(name=names.bridge_name(i)) for i in range(_state_count(cell))
        ),
        target_embedding=keras.layers.Embedding(
            target_vocab_size, embedding_dim, mask_zero=True, name=names.TARGET_EMBEDDING
        ),
        target_dropout=keras.layers.Dropout(dropout, name=names.TARGET_DROPOUT),
        decoder=recurrent_layer(
            cell, 2 * units, name=names.DECODER, return_sequences=True, return_state=True
        ),
        attention=attention_layer,
        # every model has the tanh layer before the logits (with attention it reads [s_t; c_t],
        # without it s_t alone), so models with and without attention differ only in attention
        attentional=keras.layers.Dense(2 * units, activation="tanh", name=names.ATTENTIONAL),
        output_dropout=keras.layers.Dropout(dropout, name=names.OUTPUT_DROPOUT),
        logits=keras.layers.Dense(target_vocab_size, dtype=OUTPUT_DTYPE, name=names.LOGITS),
    )
    source = keras.Input(shape=(None,), dtype="int32", name="source")
    previous = keras.Input(shape=(None,), dtype="int32", name="previous")
    encoder_outputs, states, source_mask = _encode(layers, source)
    logits, _, _ = _decode(layers, previous, encoder_outputs, states, source_mask)
    return keras.Model([source, previous], logits, name=f"seq2seq_{cell}_{attention}")


def _encode(layers: Seq2SeqHandles, source: Any):
    """Source ids -> encoder outputs (batch, Ts, 2 units), decoder start states, source mask."""
    x = layers.source_dropout(layers.source_embedding(source))
    for lower in layers.lower_encoders:
        x = layers.encoder_dropout(lower(x))
    outputs, *directions = layers.encoder(x)
    half = len(directions) // 2  # Bidirectional returns forward states, then backward states
    states = [
        bridge([f, b]) for bridge, f, b in zip(layers.bridges, directions[:half], directions[half:])
    ]
    return outputs, states, ops.not_equal(source, 0)


def _decode(
    layers: Seq2SeqHandles, previous: Any, encoder_outputs: Any, states: Any, source_mask: Any
):
    """Previous ids -> logits, final decoder states, attention weights (None without attention)."""
    y = layers.target_dropout(layers.target_embedding(previous))
    outputs, *new_states = layers.decoder(y, initial_state=states)
    weights = None
    if layers.attention is not None:
        context, weights = layers.attention(outputs, encoder_outputs, mask=source_mask)
        outputs = keras.layers.Concatenate(name="attention_concat")([outputs, context])
    outputs = layers.attentional(outputs)
    logits = layers.logits(layers.output_dropout(outputs))
    return logits, new_states, weights


def build_encoder_classifier_model(
    seq2seq_model: keras.Model,
    num_classes: int,
    trainable_encoder: bool = False,
    pooling: str = "mean",
) -> keras.Model:
    """A sequence classifier on the encoder of a seq2seq model.

    The encoder reads the whole input; the average of its outputs over the real (unpadded)
    positions summarises it, and a dense layer names the class. (The average, rather than the
    final state: an encoder trained with attention passes most of what it knows through its
    per-position outputs.) The source embedding and the encoder are the seq2seq model's own
    layers (shared, not copied): with ``trainable_encoder=False`` they are frozen, in both models.

    Args:
        seq2seq_model: a model from ``build_seq2seq_model`` (trained or not).
        num_classes: number of classes.
        trainable_encoder: whether training the classifier may change the encoder.
        pooling: ``"mean"``, the average of the encoder outputs over the real positions, or
            ``"attention"``, a weighted average with weights learned for the task
            (``layers.AttentionPooling``, layer ``"attention_pooling"``).

    Returns:
        A model ``source (batch, Ts) int -> logits (batch, num_classes)``.

    Raises:
        ValueError: for a bad ``num_classes`` or ``pooling``.
    """
    num_classes = positive_int(num_classes, "num_classes")
    pooling = choice(pooling, "pooling", POOLINGS)
    layers = seq2seq_handles(seq2seq_model)
    for layer in (layers.source_embedding, *layers.lower_encoders, layers.encoder):
        layer.trainable = bool(trainable_encoder)
    source = keras.Input(shape=(None,), dtype="int32", name="source")
    outputs, _, _ = _encode(layers, source)
    if pooling == "mean":
        summary = keras.layers.GlobalAveragePooling1D(name="mean_over_time")(outputs)  # masked
    else:
        summary, _ = AttentionPooling(outputs.shape[-1] // 2, name=POOLING_LAYER)(outputs)
    logits = keras.layers.Dense(num_classes, dtype=OUTPUT_DTYPE, name="class_logits")(summary)
    return keras.Model(source, logits, name="encoder_classifier")


def teacher_forcing_arrays(
    vocab: Any, sequences: Sequence[Sequence[str]], max_len: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The decoder's input and target for teacher forcing.

    ``previous`` is each sequence with the start marker in front, ``target`` the same sequence
    with the end marker behind: at step t the decoder reads the true token t-1 and must predict
    token t.

    Args:
        vocab: a ``data.text.TokenVocabulary``.
        sequences: token sequences (strings or lists of tokens).
        max_len: array width (the longest sequence + 1 when None).

    Returns:
        ``previous`` and ``target``, int32 arrays ``(n, max_len)`` padded with 0.
    """
    previous = vocab.encode_batch(sequences, max_len=max_len, add_start=True)
    target = vocab.encode_batch(sequences, max_len=previous.shape[1], add_end=True)
    return previous, target


def pooling_weights(classifier: keras.Model, source: np.ndarray) -> np.ndarray:
    """The attention-pooling weights of an encoder classifier: where it looked in each input.

    Args:
        classifier: from ``build_encoder_classifier_model(..., pooling="attention")``.
        source: int ids ``(batch, Ts)``.

    Returns:
        float32 ``(batch, Ts)``: each row sums to 1 over the real positions; padding gets 0.

    Raises:
        ValueError: if the classifier does not pool by attention.
    """
    names = [layer.name for layer in classifier.layers]
    if POOLING_LAYER not in names:
        raise ValueError(
            "this classifier averages its encoder outputs; it has no attention weights."
        )
    pooling = classifier.get_layer(POOLING_LAYER)
    weights = keras.Model(classifier.input, pooling.output[1])
    return np.asarray(weights(np.asarray(source, dtype="int32")), dtype="float32")
