"""The CTC speech recogniser: convolutional front end and recurrent layers (notebook 10).

Batches of utterances are padded at the end with all-zero frames (``data.speech.speech_dataset``).
The model finds each utterance's length from that padding and masks what lies beyond it, so the
scores it gives an utterance's frames do not depend on the other utterances of its batch.

``predict_batches`` runs a trained recogniser over a dataset; ``transcribe_batches`` (Keras'
decoders) and ``prefix_beam_texts`` (``decoding.ctc``'s prefix beam search, with optional
shallow fusion of a language model) turn its scores into text.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
from keras import ops

from course_lib import handles as names
from course_lib._args import choice, positive_int, probability
from course_lib.models.recurrent import OUTPUT_DTYPE, recurrent_layer

__all__ = [
    "build_ctc_speech_model",
    "predict_batches",
    "transcribe_batches",
    "prefix_beam_texts",
    "PaddingLengths",
    "PadToMultiple",
    "FrameMask",
    "ZeroMasked",
    "BlankMasked",
]

# the logit given to every non-blank symbol on a padded output frame: p(blank) is 1 in float32
_SURE_BLANK_GAP = 1e4


@keras.saving.register_keras_serializable(package="course_lib")
class PaddingLengths(keras.layers.Layer):
    """Valid frames per utterance: up to and including its last frame that is not all zeros.

    The padding of a batch is all-zero frames at the end; a real (normalised) frame is never all
    zeros. Zero frames inside an utterance (e.g. SpecAugment's time masks) stay valid; a time mask
    that reaches the very end is counted as padding. Every row keeps at least one frame, so no
    row is fully masked (cuDNN needs that).

    Call: features ``(batch, frames, features)`` -> lengths ``(batch,)`` int32.
    """

    def call(self, features: Any) -> Any:
        """Lengths ``(batch,)`` from features ``(batch, frames, features)``."""
        nonzero = ops.any(ops.not_equal(features, 0), axis=-1)
        positions = ops.arange(1, ops.shape(features)[1] + 1, dtype="int32")
        last = ops.max(ops.where(nonzero, positions[None, :], 0), axis=1)
        return ops.maximum(last, 1)

    def compute_output_spec(self, features: Any) -> keras.KerasTensor:
        """A symbolic ``(batch,)`` int32 tensor."""
        return keras.KerasTensor((features.shape[0],), dtype="int32")


@keras.saving.register_keras_serializable(package="course_lib")
class PadToMultiple(keras.layers.Layer):
    """Append zero frames so the frame count is a multiple of ``multiple``.

    With every strided convolution reading a length divisible by its stride, Keras' ``"same"``
    padding puts the same number of zeros in front whatever the length, so an output frame
    always covers the same input frames.

    Call: ``(batch, frames, features)`` ->
    ``(batch, multiple * ceil(frames / multiple), features)``.
    """

    def __init__(self, multiple: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.multiple = positive_int(multiple, "multiple")

    def call(self, x: Any) -> Any:
        """``x`` with zero frames appended."""
        extra = (-ops.shape(x)[1]) % self.multiple
        return ops.pad(x, [[0, 0], [0, extra], [0, 0]])

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The padded shape (unknown frame counts stay unknown)."""
        frames = input_shape[1]
        if frames is not None:
            frames = self.multiple * math.ceil(frames / self.multiple)
        return (input_shape[0], frames, input_shape[2])

    def get_config(self) -> dict:
        """The layer's configuration, for saving."""
        return {**super().get_config(), "multiple": self.multiple}


@keras.saving.register_keras_serializable(package="course_lib")
class FrameMask(keras.layers.Layer):
    """Which frames of a downsampled sequence are valid: ``t < ceil(lengths / factor)``.

    Call: ``[x (batch, frames, ...), lengths (batch,)]`` -> bool ``(batch, frames)``.
    """

    def __init__(self, factor: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.factor = positive_int(factor, "factor")

    def call(self, inputs: Any) -> Any:
        """The validity mask ``(batch, frames)``."""
        x, lengths = inputs
        valid = (ops.cast(lengths, "int32") + self.factor - 1) // self.factor
        return ops.arange(ops.shape(x)[1], dtype="int32")[None, :] < valid[:, None]

    def compute_output_spec(self, inputs: Any) -> keras.KerasTensor:
        """A symbolic bool ``(batch, frames)`` tensor."""
        x, _ = inputs
        return keras.KerasTensor(x.shape[:2], dtype="bool")

    def get_config(self) -> dict:
        """The layer's configuration, for saving."""
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="course_lib")
class ZeroMasked(keras.layers.Layer):
    """Set the masked frames to zero, so the next convolution reads padding as padding.

    Call: ``[x (batch, frames, channels), mask (batch, frames)]`` -> ``x`` with masked frames 0;
    the mask is passed on explicitly, so the output carries no Keras mask.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        """No mask leaves this layer."""
        return None

    def call(self, inputs: Any) -> Any:
        """``x`` with the masked frames set to 0."""
        x, mask = inputs
        return ops.where(mask[..., None], x, ops.zeros_like(x))

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The shape of the first input."""
        return input_shape[0]


@keras.saving.register_keras_serializable(package="course_lib")
class BlankMasked(keras.layers.Layer):
    """Give every masked output frame a sure blank (index 0).

    On a padded frame the blank then has probability 1 (in float32), so the CTC loss over all the
    frames of the batch equals the loss over the utterance's own frames, and decoders read the
    padding as silence.

    Call: ``[logits (batch, frames, classes), mask (batch, frames)]`` -> logits; the output
    carries no Keras mask (the loss sees every frame).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        """The logits with sure blanks on the masked frames."""
        logits, mask = inputs
        classes = ops.shape(logits)[-1]
        blank = ops.where(ops.arange(classes) == 0, 0.0, -_SURE_BLANK_GAP)
        return ops.where(mask[..., None], logits, ops.cast(blank, logits.dtype))

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The shape of the first input."""
        return input_shape[0]

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        """No mask leaves this layer."""
        return None


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

    Padding is masked: each utterance's length is read from the all-zero frames that pad it
    (``PaddingLengths``), the frames are padded inside the model to a multiple of the total
    stride, the convolution outputs beyond the utterance are set to zero (and left out of the
    batch-normalisation statistics), the recurrent layers receive the mask (the backward
    direction starts at the utterance's last frame, not at the end of the padding), and every
    padded output frame is a sure blank (``BlankMasked``). An utterance's scores on its own
    frames therefore do not depend on how much padding its batch adds, and the CTC loss over the
    padded batch equals the loss over each utterance's own frames.

    The layers' names are those of ``course_lib.handles``; reach the layers through
    ``handles.speech_handles(model)``.

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
    n_features = positive_int(n_features, "n_features")
    filters = positive_int(filters, "filters")
    kernel_size = positive_int(kernel_size, "kernel_size")
    units = positive_int(units, "units")
    rnn_layers = positive_int(rnn_layers, "rnn_layers")
    n_classes = positive_int(n_classes, "n_classes (the blank + the symbols)", 2)
    if not time_strides:
        raise ValueError(
            f"time_strides must be a non-empty tuple of positive ints; got {time_strides!r}."
        )
    time_strides = tuple(positive_int(s, f"time_strides[{i}]") for i, s in enumerate(time_strides))
    cell = choice(cell, "cell", ("gru", "lstm"))
    dropout = probability(dropout, "dropout", allow_one=False)
    inputs = keras.Input((None, n_features), name="log_mel")
    lengths = PaddingLengths(name=names.SPEECH_LENGTHS)(inputs)
    x = PadToMultiple(math.prod(time_strides), name=names.SPEECH_PAD)(inputs)
    factor = 1
    for i, stride in enumerate(time_strides, start=1):
        factor *= stride
        x = keras.layers.Conv1D(
            filters,
            kernel_size,
            strides=stride,
            padding="same",
            use_bias=False,
            name=names.speech_conv_name(i),
        )(x)
        mask = FrameMask(factor, name=f"conv{i}_mask")([x, lengths])
        x = keras.layers.BatchNormalization(name=names.speech_conv_norm_name(i))(x, mask=mask)
        x = keras.layers.ReLU(name=f"conv{i}_relu")(x)
        x = ZeroMasked(name=f"conv{i}_zero_padding")([x, mask])
    for i in range(1, rnn_layers + 1):
        layer = recurrent_layer(cell, units, name=f"{cell}{i}", return_sequences=True)
        x = keras.layers.Bidirectional(layer, name=names.speech_rnn_name(i))(x, mask=mask)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=names.speech_dropout_name(i))(x)
    logits = keras.layers.Dense(n_classes, dtype=OUTPUT_DTYPE, name=names.LOGITS)(x)
    logits = BlankMasked(dtype=OUTPUT_DTYPE, name=names.SPEECH_BLANKS)([logits, mask])
    return keras.Model(inputs, logits, name=f"ctc_{cell}_speech")


def predict_batches(model: keras.Model, dataset: Any) -> tuple[list[np.ndarray], list[str]]:
    """Per-frame logits of every batch of a speech dataset, and the reference transcripts.

    Args:
        model: a recogniser from ``build_ctc_speech_model``.
        dataset: batches ``(features, labels)`` from ``data.speech.speech_dataset`` (unshuffled,
            so the order is the same every time).

    Returns:
        ``(batches, refs)``: one float32 array ``(batch, out_frames, classes)`` per batch, and
        every utterance's transcript in the same order (``data.speech.decode_labels``).
    """
    from course_lib.data.speech import decode_labels

    batches = [(model.predict_on_batch(x), y.numpy()) for x, y in dataset]
    refs = [decode_labels(row) for _, y in batches for row in y]
    return [logits for logits, _ in batches], refs


def transcribe_batches(
    batches: list[np.ndarray], strategy: str = "greedy", beam_width: int = 16
) -> list[str]:
    """Decode batches of logits to text with ``keras.ops.ctc_decode`` (``decoding.ctc_decode``).

    Args:
        batches: logits ``(batch, frames, classes)`` per batch, blank at 0 (padded frames are
            sure blanks, so every frame is decoded).
        strategy: ``"greedy"`` or ``"beam_search"``.
        beam_width: beams kept by beam search.

    Returns:
        One transcript per utterance, batch after batch.
    """
    from course_lib.data.speech import decode_labels
    from course_lib.decoding.ctc import ctc_decode_texts

    return [
        text
        for logits in batches
        for text in ctc_decode_texts(
            logits, decode_labels, strategy=strategy, beam_width=beam_width
        )
    ]


def prefix_beam_texts(
    batches: list[np.ndarray],
    *,
    beam_width: int = 16,
    lm: Any = None,
    alpha: float = 0.0,
    beta: float = 0.0,
    min_log_prob: float = -math.inf,
) -> list[str]:
    """Prefix beam search (``decoding.ctc_prefix_beam_search``) on every row, as text.

    Args:
        batches: logits ``(batch, frames, classes)`` per batch, blank at 0.
        beam_width: prefixes kept after each frame.
        lm: ``lm(prefix, k)`` -> ``log P(k | prefix)`` for shallow fusion (e.g.
            ``decoding.bigram_lm``), or None.
        alpha: the language model's weight.
        beta: the bonus per label of the transcript.
        min_log_prob: labels below this log-probability on a frame are not tried.

    Returns:
        The best transcript of each utterance, batch after batch.
    """
    from course_lib.data.speech import decode_labels
    from course_lib.decoding.ctc import ctc_prefix_beam_search

    texts = []
    for logits in batches:
        log_probs = np.asarray(ops.log_softmax(logits, axis=-1), dtype="float64")
        for lp in log_probs:
            best = ctc_prefix_beam_search(
                lp,
                beam_width=beam_width,
                lm=lm,
                alpha=alpha,
                beta=beta,
                min_log_prob=min_log_prob,
            )[0]
            texts.append(decode_labels(best.labels))
    return texts
