"""Explicit handles on the parts of the course's models, and the layer names they rest on.

A builder names every layer that other code reaches later with a constant of this module, and
that code gets the layer from a handles object, never from a name string of its own:

- ``sequence_handles(model)``: the ``embedding``, ``rnn`` and ``logits`` layers of a one-layer
  model from ``models.recurrent`` (for example ``build_char_language_model``);
- ``stack_handles(model)``: the recurrent layers, their dropouts and residual additions of a
  model from ``models.stacked``;
- ``seq2seq_handles(model)``: every layer of a model from ``models.build_seq2seq_model``;
- ``caption_handles(model)``: the layers of a model from ``models.build_caption_model`` that the
  inference models reuse;
- ``tree_handles(model)``: the composition and output layers of a tree RNN (``models.tree``);
- ``video_handles(model)``: the ConvLSTM layers and heads of the next-frame models
  (``models.video``);
- ``speech_handles(model)``: the layers of the CTC speech recogniser (``models.speech``).

The functions look the layers up by these names, so a model loaded from a ``.keras`` file yields
the same handles as the one that was saved (attributes set on a functional model are not saved).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import keras

__all__ = [
    "EMBEDDING",
    "RNN",
    "LOGITS",
    "HEAD",
    "SOURCE_EMBEDDING",
    "SOURCE_DROPOUT",
    "ENCODER",
    "ENCODER_DROPOUT",
    "TARGET_EMBEDDING",
    "TARGET_DROPOUT",
    "DECODER",
    "ATTENTION",
    "ATTENTIONAL",
    "OUTPUT_DROPOUT",
    "IMAGE_ENCODER",
    "INIT_H",
    "INIT_C",
    "DECODER_RNN",
    "DECODER_LSTM",
    "CELL_DIGITS",
    "GRID_VECTOR",
    "CAPTION_CELL_LAYERS",
    "stack_rnn_name",
    "stack_dropout_name",
    "stack_residual_name",
    "lower_encoder_name",
    "bridge_name",
    "SequenceHandles",
    "sequence_handles",
    "StackHandles",
    "stack_handles",
    "Seq2SeqHandles",
    "seq2seq_handles",
    "CaptionHandles",
    "caption_handles",
]

# one-layer models (models.recurrent) and the ends of the stacked and captioning models
EMBEDDING = "embedding"
RNN = "rnn"
LOGITS = "logits"
HEAD = "head"

# encoder-decoder (models.seq2seq)
SOURCE_EMBEDDING = "source_embedding"
SOURCE_DROPOUT = "source_dropout"
ENCODER = "encoder"
ENCODER_DROPOUT = "encoder_dropout"
TARGET_EMBEDDING = "target_embedding"
TARGET_DROPOUT = "target_dropout"
DECODER = "decoder"
ATTENTION = "attention"
ATTENTIONAL = "attentional"
OUTPUT_DROPOUT = "output_dropout"

# image captioner (models.captioning)
IMAGE_ENCODER = "image_encoder"
INIT_H = "init_h"
INIT_C = "init_c"
DECODER_RNN = "decoder_rnn"
DECODER_LSTM = "decoder_lstm"
CELL_DIGITS = "cell_digits"
GRID_VECTOR = "grid_vector"  # the flattened regions, when they set the initial state
# the layers of the optional cell head, in the order they are applied
CAPTION_CELL_LAYERS = (
    "region_grid",
    "cell_pool",
    "cells",
    CELL_DIGITS,
    "cell_probs",
    "cell_upsample",
)


def stack_rnn_name(index: int) -> str:
    """Name of recurrent layer ``index`` (from 1, bottom up) of a stacked model: ``rnn<index>``."""
    return f"rnn{index}"


def stack_dropout_name(index: int) -> str:
    """Name of the dropout on recurrent layer ``index``'s output: ``dropout<index>``."""
    return f"dropout{index}"


def stack_residual_name(index: int) -> str:
    """Name of the residual addition around recurrent layer ``index``: ``residual<index>``."""
    return f"residual{index}"


def lower_encoder_name(index: int) -> str:
    """Name of encoder layer ``index`` (from 1) below the top one of a seq2seq model."""
    return f"{ENCODER}_{index}"


def bridge_name(index: int) -> str:
    """Name of the layer joining the two directions' state ``index`` (from 0) for the decoder."""
    return f"bridge_{index}"


def _names(model: keras.Model) -> set[str]:
    return {layer.name for layer in model.layers}


def _require(model: keras.Model, names: set[str], wanted: tuple[str, ...], builder: str) -> None:
    missing = [name for name in wanted if name not in names]
    if missing:
        raise ValueError(
            f"model {model.name!r} has no layer named {', '.join(map(repr, missing))}; pass a "
            f"model built by {builder}."
        )


@dataclass(frozen=True)
class SequenceHandles:
    """The named parts of a one-layer recurrent model.

    Attributes:
        rnn: the recurrent layer (a ``Bidirectional`` wrapper when the model reads both ways).
        embedding: the ``Embedding`` layer, or None for a model that reads real-valued steps.
        logits: the output ``Dense`` layer, or None for a model whose head is named otherwise.
    """

    rnn: Any
    embedding: Any = None
    logits: Any = None


def sequence_handles(model: keras.Model, *, require: tuple[str, ...] = (RNN,)) -> SequenceHandles:
    """The ``rnn`` (and, when present, ``embedding`` and ``logits``) layers of ``model``.

    Args:
        model: a model from ``models.recurrent`` (e.g. ``build_char_language_model``).
        require: the names that must be present (``RNN``, ``EMBEDDING``, ``LOGITS``).

    Returns:
        A ``SequenceHandles``.

    Raises:
        ValueError: if a required layer is missing.
    """
    names = _names(model)
    _require(model, names, require, "a builder of course_lib.models.recurrent")
    return SequenceHandles(
        rnn=model.get_layer(RNN) if RNN in names else None,
        embedding=model.get_layer(EMBEDDING) if EMBEDDING in names else None,
        logits=model.get_layer(LOGITS) if LOGITS in names else None,
    )


@dataclass(frozen=True)
class StackHandles:
    """The recurrent layers of a stacked model and what follows each of them.

    Attributes:
        names: the recurrent layers' names, bottom up (``rnn1``, ``rnn2``, ...): the keys of the
            per-layer measurements in ``gradients``.
        rnns: the recurrent layers, bottom up (``Bidirectional`` wrappers when bidirectional).
        dropouts: per layer, its output's ``Dropout`` layer, or None.
        residuals: per layer, the ``Add`` layer of its skip connection, or None.
    """

    names: tuple[str, ...]
    rnns: tuple[Any, ...]
    dropouts: tuple[Any, ...]
    residuals: tuple[Any, ...]


def stack_handles(model: keras.Model) -> StackHandles:
    """The recurrent layers, dropouts and residual additions of a stacked model.

    Args:
        model: a model from ``models.build_stacked_rnn_model`` or
            ``models.build_stacked_char_language_model`` (built or loaded).

    Returns:
        A ``StackHandles``.

    Raises:
        ValueError: if the model has no recurrent layer ``rnn1``.
    """
    present = _names(model)
    depth = 0
    while stack_rnn_name(depth + 1) in present:
        depth += 1
    if not depth:
        raise ValueError(f"model {model.name!r} has no recurrent layers named rnn1, rnn2, ...")
    indices = range(1, depth + 1)

    def optional(name: str) -> Any:
        return model.get_layer(name) if name in present else None

    return StackHandles(
        names=tuple(stack_rnn_name(i) for i in indices),
        rnns=tuple(model.get_layer(stack_rnn_name(i)) for i in indices),
        dropouts=tuple(optional(stack_dropout_name(i)) for i in indices),
        residuals=tuple(optional(stack_residual_name(i)) for i in indices),
    )


@dataclass(frozen=True)
class Seq2SeqHandles:
    """Every layer of an encoder-decoder from ``models.build_seq2seq_model``.

    Attributes:
        source_embedding, source_dropout: the source side's embedding and its dropout.
        lower_encoders: the bidirectional layers below the top encoder, bottom up (may be empty).
        encoder_dropout: the dropout between stacked encoder layers.
        encoder: the top bidirectional encoder layer (returns sequences and states).
        bridges: one ``Concatenate`` per decoder state, joining the two directions' states.
        target_embedding, target_dropout: the target side's embedding and its dropout.
        decoder: the decoder's recurrent layer.
        attention: the attention layer, or None without attention.
        attentional: the ``tanh`` layer before the output layer (reading ``[s_t; c_t]`` with
            attention, ``s_t`` without).
        output_dropout, logits: the dropout before the output layer, and the output layer.
    """

    source_embedding: Any
    source_dropout: Any
    lower_encoders: tuple[Any, ...]
    encoder_dropout: Any
    encoder: Any
    bridges: tuple[Any, ...]
    target_embedding: Any
    target_dropout: Any
    decoder: Any
    attention: Any
    attentional: Any
    output_dropout: Any
    logits: Any


def seq2seq_handles(model: keras.Model) -> Seq2SeqHandles:
    """The layers of a model from ``models.build_seq2seq_model`` (built or loaded).

    Args:
        model: the training model.

    Returns:
        A ``Seq2SeqHandles``.

    Raises:
        ValueError: for a model without the encoder-decoder's layers.
    """
    present = _names(model)
    _require(
        model,
        present,
        (SOURCE_EMBEDDING, ENCODER, TARGET_EMBEDDING, DECODER, LOGITS),
        "models.build_seq2seq_model",
    )
    lower = 0
    while lower_encoder_name(lower + 1) in present:
        lower += 1
    bridges = 0
    while bridge_name(bridges) in present:
        bridges += 1
    attention = ATTENTION in present
    return Seq2SeqHandles(
        source_embedding=model.get_layer(SOURCE_EMBEDDING),
        source_dropout=model.get_layer(SOURCE_DROPOUT),
        lower_encoders=tuple(model.get_layer(lower_encoder_name(i)) for i in range(1, lower + 1)),
        encoder_dropout=model.get_layer(ENCODER_DROPOUT) if ENCODER_DROPOUT in present else None,
        encoder=model.get_layer(ENCODER),
        bridges=tuple(model.get_layer(bridge_name(i)) for i in range(bridges)),
        target_embedding=model.get_layer(TARGET_EMBEDDING),
        target_dropout=model.get_layer(TARGET_DROPOUT),
        decoder=model.get_layer(DECODER),
        attention=model.get_layer(ATTENTION) if attention else None,
        attentional=model.get_layer(ATTENTIONAL),
        output_dropout=model.get_layer(OUTPUT_DROPOUT),
        logits=model.get_layer(LOGITS),
    )


@dataclass(frozen=True)
class CaptionHandles:
    """The layers of an image captioner that its inference models reuse.

    Attributes:
        image_encoder: the CNN (a nested model ``image -> [regions, pooled]``).
        cell_head: the cell head's layers by name (``CAPTION_CELL_LAYERS``), empty without it.
        init_h, init_c: the layers computing the decoder's initial state.
        grid_state: whether they read the flattened grid of regions (else the pooled vector).
        embedding: the word embedding.
        decoder: the ``RNN`` over ``layers.ShowAttendTellCell`` with attention, the ``LSTM``
            layer without.
        attention: whether the decoder attends.
        logits: the output layer.
    """

    image_encoder: Any
    cell_head: dict[str, Any]
    init_h: Any
    init_c: Any
    grid_state: bool
    embedding: Any
    decoder: Any
    attention: bool
    logits: Any


def caption_handles(model: keras.Model) -> CaptionHandles:
    """The layers of a model from ``models.build_caption_model`` (built or loaded).

    Args:
        model: the captioner trained with teacher forcing.

    Returns:
        A ``CaptionHandles``.

    Raises:
        ValueError: for a model without the captioner's layers.
    """
    present = _names(model)
    _require(
        model, present, (IMAGE_ENCODER, INIT_H, INIT_C, EMBEDDING, LOGITS), "build_caption_model"
    )
    attention = DECODER_RNN in present
    if not attention:
        _require(model, present, (DECODER_LSTM,), "build_caption_model")
    cell_head = {}
    if CELL_DIGITS in present:
        cell_head = {name: model.get_layer(name) for name in CAPTION_CELL_LAYERS}
    return CaptionHandles(
        image_encoder=model.get_layer(IMAGE_ENCODER),
        cell_head=cell_head,
        init_h=model.get_layer(INIT_H),
        init_c=model.get_layer(INIT_C),
        grid_state=GRID_VECTOR in present,
        embedding=model.get_layer(EMBEDDING),
        decoder=model.get_layer(DECODER_RNN if attention else DECODER_LSTM),
        attention=attention,
        logits=model.get_layer(LOGITS),
    )


# --- tree RNN (models.tree) and next-frame video models (models.video) ---------------------------

__all__ += [
    "TREE_NODES",
    "COMPOSITION",
    "FRAMES",
    "NEXT_FRAME",
    "convlstm_name",
    "frame_conv_name",
    "frame_encoder_name",
    "TreeHandles",
    "tree_handles",
    "VideoHandles",
    "video_handles",
]

TREE_NODES = "nodes"  # the tree RNN's input: node tables from models.pack_trees
COMPOSITION = "composition"  # its TreeComposition layer; the logits are named LOGITS
FRAMES = "frames"  # every video model's input
NEXT_FRAME = "next_frame"  # every video model's last layer: the predicted next frames


def convlstm_name(index: int) -> str:
    """Name of ConvLSTM layer ``index`` (from 1, bottom up) of a video model: ``convlstm_<i>``."""
    return f"convlstm_{index}"


def frame_conv_name(index: int) -> str:
    """Name of hidden convolution ``index`` (from 1) of the frame-by-frame CNN: ``conv_<i>``."""
    return f"conv_{index}"


def frame_encoder_name(index: int) -> str:
    """Name of strided convolution ``index`` (from 1) of the CNN-RNN hybrid: ``encoder_<i>``."""
    return f"encoder_{index}"


@dataclass(frozen=True)
class TreeHandles:
    """The layers of a tree RNN from ``models.build_tree_rnn_model``.

    Attributes:
        composition: the ``TreeComposition`` layer; its weights are the leaf embeddings
            ``(n_leaves, units)``, the kernels ``(n_ops, 2 * units, units)`` and the biases
            ``(n_ops, units)``.
        logits: the output ``Dense`` layer on the root's vector.
    """

    composition: Any
    logits: Any


def tree_handles(model: keras.Model) -> TreeHandles:
    """The composition and output layers of a tree RNN (built or loaded).

    Args:
        model: a model from ``models.build_tree_rnn_model``.

    Returns:
        A ``TreeHandles``.

    Raises:
        ValueError: for a model without the tree RNN's layers.
    """
    _require(model, _names(model), (COMPOSITION, LOGITS), "models.build_tree_rnn_model")
    return TreeHandles(composition=model.get_layer(COMPOSITION), logits=model.get_layer(LOGITS))


def _numbered(model: keras.Model, present: set[str], name: Any) -> tuple[Any, ...]:
    """The layers ``name(1)``, ``name(2)``, ... of ``model``, up to the first missing one."""
    found: list[Any] = []
    while name(len(found) + 1) in present:
        found.append(model.get_layer(name(len(found) + 1)))
    return tuple(found)


@dataclass(frozen=True)
class VideoHandles:
    """The named layers of a next-frame model from ``course_lib.models.video``.

    Attributes:
        convlstms: the ``ConvLSTM2D`` layers, bottom up (``build_convlstm_model``; else empty).
        convs: the frame CNN's hidden convolutions (``build_frame_cnn_model``; else empty).
        encoders: the hybrid's strided convolutions (``build_cnn_rnn_model``; else empty).
        rnn: the hybrid's recurrent layer over the frame codes, or None.
        head: the last layer, whose output ``t`` predicts frame ``t + 1``.
    """

    convlstms: tuple[Any, ...]
    convs: tuple[Any, ...]
    encoders: tuple[Any, ...]
    rnn: Any
    head: Any


def video_handles(model: keras.Model) -> VideoHandles:
    """The named layers of a next-frame model (built or loaded).

    Args:
        model: a model from ``models.build_convlstm_model``, ``build_frame_cnn_model`` or
            ``build_cnn_rnn_model``.

    Returns:
        A ``VideoHandles``.

    Raises:
        ValueError: for a model without a ``frames`` input and a ``next_frame`` head.
    """
    present = _names(model)
    _require(model, present, (FRAMES, NEXT_FRAME), "a builder of course_lib.models.video")
    return VideoHandles(
        convlstms=_numbered(model, present, convlstm_name),
        convs=_numbered(model, present, frame_conv_name),
        encoders=_numbered(model, present, frame_encoder_name),
        rnn=model.get_layer(RNN) if RNN in present else None,
        head=model.get_layer(NEXT_FRAME),
    )


# --- CTC speech recogniser (models.speech) ---------------------------------------------------

__all__ += [
    "SPEECH_LENGTHS",
    "SPEECH_PAD",
    "SPEECH_BLANKS",
    "speech_conv_name",
    "speech_conv_norm_name",
    "speech_rnn_name",
    "speech_dropout_name",
    "SpeechHandles",
    "speech_handles",
]

SPEECH_LENGTHS = "lengths"  # each utterance's valid frames, read from its padding
SPEECH_PAD = "pad_to_stride"  # zero frames up to a multiple of the total time stride
SPEECH_BLANKS = "padding_blanks"  # sure blanks on the padded output frames, after ``logits``


def speech_conv_name(index: int) -> str:
    """Name of convolution ``index`` (from 1) of the speech model's front end: ``conv<index>``."""
    return f"conv{index}"


def speech_conv_norm_name(index: int) -> str:
    """Name of the batch normalisation after convolution ``index``: ``conv<index>_norm``."""
    return f"conv{index}_norm"


def speech_rnn_name(index: int) -> str:
    """Name of bidirectional recurrent layer ``index`` (from 1, bottom up): ``birnn<index>``."""
    return f"birnn{index}"


def speech_dropout_name(index: int) -> str:
    """Name of the dropout after recurrent layer ``index`` (speech model): ``dropout<index>``."""
    return f"dropout{index}"


@dataclass(frozen=True)
class SpeechHandles:
    """The layers of a CTC speech recogniser from ``models.build_ctc_speech_model``.

    Attributes:
        convs: the front end's ``Conv1D`` layers, in order.
        norms: the ``BatchNormalization`` layer after each convolution.
        rnns: the ``Bidirectional`` recurrent layers, bottom up.
        dropouts: per recurrent layer, its output's ``Dropout`` layer, or None.
        logits: the ``Dense`` layer that scores the symbols of every output frame.
        blanks: the ``BlankMasked`` layer that makes every padded output frame a sure blank.
    """

    convs: tuple[Any, ...]
    norms: tuple[Any, ...]
    rnns: tuple[Any, ...]
    dropouts: tuple[Any, ...]
    logits: Any
    blanks: Any


def speech_handles(model: keras.Model) -> SpeechHandles:
    """The layers of a model from ``models.build_ctc_speech_model`` (built or loaded).

    Args:
        model: the recogniser.

    Returns:
        A ``SpeechHandles``.

    Raises:
        ValueError: for a model without the recogniser's layers.
    """
    present = _names(model)
    _require(
        model,
        present,
        (speech_conv_name(1), speech_rnn_name(1), LOGITS, SPEECH_BLANKS),
        "models.build_ctc_speech_model",
    )

    def count(name: Any) -> int:
        n = 0
        while name(n + 1) in present:
            n += 1
        return n

    convs = range(1, count(speech_conv_name) + 1)
    rnns = range(1, count(speech_rnn_name) + 1)
    dropouts = [speech_dropout_name(i) for i in rnns]
    return SpeechHandles(
        convs=tuple(model.get_layer(speech_conv_name(i)) for i in convs),
        norms=tuple(model.get_layer(speech_conv_norm_name(i)) for i in convs),
        rnns=tuple(model.get_layer(speech_rnn_name(i)) for i in rnns),
        dropouts=tuple(model.get_layer(d) if d in present else None for d in dropouts),
        logits=model.get_layer(LOGITS),
        blanks=model.get_layer(SPEECH_BLANKS),
    )
