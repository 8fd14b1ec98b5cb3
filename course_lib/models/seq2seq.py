"""Encoder-decoder builders with and without attention (notebook 08).

One training model, several views of the same layers:

- ``build_seq2seq_model``: the **training** model. A bidirectional encoder reads the source; its
  final forward and backward states, concatenated, start the decoder; the decoder reads the
  target shifted right (teacher forcing) and predicts the next token at every step. With
  attention, each decoder output also looks at every encoder output (``course_lib.layers``),
  and ``[decoder output, context]`` goes through a ``tanh`` layer (Luong et al.'s "attentional
  hidden state") before the output layer. Without attention the decoder sees the source only
  through its initial state: the fixed-length bottleneck.
- ``Seq2SeqInference(model)``: built from a trained model's layers (``handles.seq2seq_handles``,
  which also works on a loaded model): an encoder model, a
  one-step decoder model, a teacher-forced attention-weights model, and ``step_fn`` /
  ``initial_state`` for ``decoding.greedy_search`` / ``decoding.beam_search``.
- ``build_encoder_classifier_model``: the same encoder with a classification head.

Several ``Seq2SeqInference`` objects decode together as a ``decoding.Seq2SeqEnsemble``.

``train_seq2seq`` builds, compiles and fits a training model in one call (notebooks 08 and 08b);
``teacher_forced_accuracy`` and ``target_log_probs`` measure a model with the true prefixes.

Layer names (constants of ``course_lib.handles``): ``source_embedding``, ``encoder`` (a
``Bidirectional`` wrapper, the top one when the encoder is stacked; the ones below it are
``encoder_1``, ``encoder_2``, ...), ``bridge_<i>``, ``target_embedding``, ``decoder``,
``attention`` and ``attentional`` (with attention only), ``logits``. Ids: 0 is padding
(masked); the start and end ids are the caller's (e.g. ``TokenVocabulary.START`` / ``END``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
from keras import ops

from course_lib import handles as names
from course_lib._args import positive_int
from course_lib.data.batching import length_batches
from course_lib.decoding.search import BatchDecoder
from course_lib.handles import Seq2SeqHandles, seq2seq_handles
from course_lib.layers import BahdanauAttention, LuongAttention
from course_lib.models.recurrent import OUTPUT_DTYPE, recurrent_layer
from course_lib.training import FitResult, fit

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = [
    "ATTENTION_TYPES",
    "build_seq2seq_model",
    "Seq2SeqInference",
    "build_encoder_classifier_model",
    "teacher_forcing_arrays",
    "train_seq2seq",
    "teacher_forced_accuracy",
    "target_log_probs",
]

ATTENTION_TYPES = ("none", "bahdanau", "luong")
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
        attentional=None
        if attention_layer is None
        else keras.layers.Dense(2 * units, activation="tanh", name=names.ATTENTIONAL),
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
        joined = keras.layers.Concatenate(name="attention_concat")([outputs, context])
        outputs = layers.attentional(joined)
    logits = layers.logits(layers.output_dropout(outputs))
    return logits, new_states, weights


def _traced(model: keras.Model):
    """``model``'s inference call as one TensorFlow graph, traced once for any batch and length.

    Search calls the decoder once per output step; run eagerly, every call walks the layers in
    Python (about ten times slower on a CPU). The signature leaves batch and time sizes open, so
    the graph is traced on the first call and reused for every later shape.
    """
    import tensorflow as tf

    specs = [tf.TensorSpec(t.shape, t.dtype) for t in model.inputs]
    signature = specs if len(specs) == 1 else [specs]  # one input is passed bare, not in a list
    return tf.function(lambda inputs: model(inputs, training=False), input_signature=signature)


class Seq2SeqInference(BatchDecoder):
    """Inference views of a model from ``build_seq2seq_model`` (sharing its trained layers).

    Attributes:
        encoder: ``source (batch, Ts) -> [encoder_outputs (batch, Ts, 2 units), *states]``.
        decoder_step: ``[token (batch, 1), encoder_outputs, source_mask (batch, Ts) bool,
            *states] -> [log_probs (batch, vocab), *new_states, weights (batch, Ts)]``; without
            attention it is ``[token, *states] -> [log_probs, *new_states]``.
        attention_model: ``[source, previous] -> weights (batch, Tt, Ts)`` teacher-forced, or
            None without attention.
        has_attention: whether the model attends.
        vocab_size: number of target ids (the width of ``log_probs``).

    Args:
        model: a (trained) model from ``build_seq2seq_model``.
        start_token, end_token: ids of the start and end markers.
    """

    def __init__(self, model: keras.Model, start_token: int, end_token: int) -> None:
        layers = seq2seq_handles(model)
        self.start_token, self.end_token = int(start_token), int(end_token)
        self.has_attention = layers.attention is not None
        self.vocab_size = int(layers.logits.units)
        source = keras.Input(shape=(None,), dtype="int32", name="source")
        enc_out, states, _ = _encode(layers, source)
        self.encoder = keras.Model(source, [enc_out, *states], name="encoder_model")
        self._n_states = len(states)
        width = layers.decoder.units
        token = keras.Input(shape=(1,), dtype="int32", name="token")
        state_in = [keras.Input(shape=(width,), name=f"state_{i}") for i in range(len(states))]
        enc_in = keras.Input(shape=(None, enc_out.shape[-1]), name="encoder_outputs")
        mask_in = keras.Input(shape=(None,), dtype="bool", name="source_mask")
        logits, new_states, weights = _decode(layers, token, enc_in, state_in, mask_in)
        log_probs = ops.log_softmax(ops.squeeze(logits, axis=1), axis=-1)
        if self.has_attention:
            self.decoder_step = keras.Model(
                [token, enc_in, mask_in, *state_in],
                [log_probs, *new_states, ops.squeeze(weights, axis=1)],
                name="decoder_step",
            )
            source2 = keras.Input(shape=(None,), dtype="int32", name="source")
            previous = keras.Input(shape=(None,), dtype="int32", name="previous")
            enc2, states2, mask2 = _encode(layers, source2)
            _, _, weights2 = _decode(layers, previous, enc2, states2, mask2)
            self.attention_model = keras.Model(
                [source2, previous], weights2, name="attention_weights"
            )
        else:
            self.decoder_step = keras.Model(
                [token, *state_in], [log_probs, *new_states], name="decoder_step"
            )
            self.attention_model = None
        self._run_encoder = _traced(self.encoder)
        self._run_step = _traced(self.decoder_step)

    def initial_state(self, source: np.ndarray) -> dict:
        """Encode ``source (batch, Ts)`` ids into the state ``step_fn`` starts from.

        Returns:
            ``{"states": tuple of (batch, 2 units) arrays}``, plus ``"encoder_outputs"``
            ``(batch, Ts, 2 units)`` and ``"source_mask"`` ``(batch, Ts)`` with attention.
        """
        source = np.asarray(source, dtype=np.int32)
        if source.ndim != 2:
            raise ValueError(f"source must have shape (batch, time); got {source.shape}.")
        enc_out, *states = self._run_encoder(source)
        state: dict[str, Any] = {"states": tuple(np.asarray(s) for s in states)}
        if self.has_attention:
            state["encoder_outputs"] = np.asarray(enc_out)
            state["source_mask"] = source != 0
        return state

    def step_fn(self, tokens: np.ndarray, state: dict) -> tuple[np.ndarray, dict]:
        """One decoder step for ``decoding.greedy_search`` / ``beam_search``.

        Args:
            tokens: ``(n,)`` ids emitted last.
            state: as returned by ``initial_state`` (leading dimension ``n``).

        Returns:
            ``log_probs (n, vocab)`` and the new state (same structure; ``"weights" (n, Ts)``,
            the attention weights of this step, is added with attention).
        """
        token = np.asarray(tokens, dtype=np.int32).reshape(-1, 1)
        if self.has_attention:
            out = self._run_step(
                [token, state["encoder_outputs"], state["source_mask"], *state["states"]]
            )
            new = dict(state, weights=np.asarray(out[-1]))
            out = out[:-1]
        else:
            out = self._run_step([token, *state["states"]])
            new = dict(state)
        new["states"] = tuple(np.asarray(s) for s in out[1:])
        return np.asarray(out[0]), new

    def attention_weights(self, source: np.ndarray, outputs: Sequence[Sequence[int]]) -> list:
        """Attention weights while the decoder reads ``outputs`` (e.g. its own predictions).

        Args:
            source: ``(n, Ts)`` padded source ids.
            outputs: ``n`` output id lists (without markers).

        Returns:
            One array per row, ``(len(output) + 1, source length)``: a row per output step (the
            last one is the step that emits the end marker), a column per real source token.

        Raises:
            ValueError: if the model has no attention.
        """
        if not self.has_attention:
            raise ValueError("this model has no attention (built with attention='none').")
        source = np.asarray(source, dtype=np.int32)
        width = max(len(o) for o in outputs) + 1
        previous = np.zeros((len(outputs), width), dtype=np.int32)
        for row, ids in enumerate(outputs):
            previous[row, : len(ids) + 1] = [self.start_token, *ids]
        weights = np.asarray(self.attention_model([source, previous], training=False))
        lengths = (source != 0).sum(axis=1)
        return [weights[i, : len(o) + 1, : lengths[i]] for i, o in enumerate(outputs)]


def build_encoder_classifier_model(
    seq2seq_model: keras.Model, num_classes: int, trainable_encoder: bool = False
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

    Returns:
        A model ``source (batch, Ts) int -> logits (batch, num_classes)``.
    """
    num_classes = positive_int(num_classes, "num_classes")
    layers = seq2seq_handles(seq2seq_model)
    for layer in (layers.source_embedding, *layers.lower_encoders, layers.encoder):
        layer.trainable = bool(trainable_encoder)
    source = keras.Input(shape=(None,), dtype="int32", name="source")
    outputs, _, _ = _encode(layers, source)
    summary = keras.layers.GlobalAveragePooling1D(name="mean_over_time")(outputs)  # uses the mask
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


def train_seq2seq(
    source: np.ndarray,
    previous: np.ndarray,
    target: np.ndarray,
    source_vocab_size: int,
    target_vocab_size: int,
    *,
    attention: str = "bahdanau",
    units: int = 64,
    embedding_dim: int = 32,
    epochs: int = 5,
    batch_size: int = 64,
    learning_rate: float = 4e-3,
    cosine_decay: bool = False,
    dropout: float = 0.0,
    seed: int = 0,
    verbose: int = 0,
    strategy: tf.distribute.Strategy | None = None,
    backup_dir: str | None = None,
) -> tuple[keras.Model, FitResult]:
    """Build an encoder-decoder and train it with teacher forcing.

    The model is ``build_seq2seq_model(...)``; the loss is the cross-entropy of each true next
    token, padding ignored (``SparseCategoricalCrossentropy(from_logits=True,
    ignore_class=0)``); Adam with ``clipnorm=1``; batches of similar lengths from
    ``data.batching.length_batches``. Same seed, same model.

    Args:
        source: ``(n, Ts)`` padded source ids.
        previous: ``(n, Tt)`` decoder inputs from ``teacher_forcing_arrays``.
        target: ``(n, Tt)`` targets from ``teacher_forcing_arrays``.
        source_vocab_size: number of source ids.
        target_vocab_size: number of target ids.
        attention: ``"none"``, ``"bahdanau"`` or ``"luong"`` (see ``build_seq2seq_model``).
        units: size of each encoder direction; the decoder has ``2 * units``.
        embedding_dim: size of each id's learned vector.
        epochs: passes over the data.
        batch_size: rows per batch.
        dropout: as for ``build_seq2seq_model``.
        learning_rate: Adam's step size.
        cosine_decay: let the step size fall smoothly to zero by the last batch.
        seed: seeds the weights and the batch order.
        verbose: Keras' verbosity (0 silent).
        strategy: a ``tf.distribute`` strategy to build under (e.g.
            ``training.distribution_strategy(cfg)``); the default device when None.
        backup_dir: a folder for a checkpoint after every epoch, so that a rerun resumes (see
            ``training.fit``); none when None.

    Returns:
        The trained model and its ``training.FitResult``.
    """
    keras.utils.set_random_seed(int(seed))
    batches = length_batches(source, previous, target, batch_size, seed=int(seed))
    with strategy.scope() if strategy is not None else nullcontext():
        model = build_seq2seq_model(
            source_vocab_size,
            target_vocab_size,
            units=units,
            embedding_dim=embedding_dim,
            attention=attention,
            dropout=dropout,
        )
        rate: Any = learning_rate
        if cosine_decay:
            rate = keras.optimizers.schedules.CosineDecay(
                learning_rate, decay_steps=epochs * len(batches)
            )
        model.compile(
            optimizer=keras.optimizers.Adam(rate, clipnorm=1.0),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
        )
    result = fit(
        model,
        batches,
        epochs=epochs,
        verbose=verbose,
        shuffle=False,  # the batches shuffle themselves
        backup_dir=backup_dir,
    )
    return model, result


def teacher_forced_accuracy(
    model: keras.Model,
    source: np.ndarray,
    previous: np.ndarray,
    target: np.ndarray,
    batch_size: int = 256,
) -> np.ndarray:
    """Per row, the fraction of target tokens the model ranks first when it reads the true prefix.

    Every step sees the true previous token, so an early mistake does not spoil the steps after
    it and a long output is not penalised for having more steps: the measure says how much the
    model knows at each step, apart from search and compounding errors.

    Args:
        model: a model from ``build_seq2seq_model``, ``[source, previous] -> logits``.
        source: ``(n, Ts)`` padded source ids.
        previous: ``(n, Tt)`` decoder inputs from ``teacher_forcing_arrays``.
        target: ``(n, Tt)`` targets from ``teacher_forcing_arrays`` (the end marker counts as a
            token).
        batch_size: rows per forward pass.

    Returns:
        ``(n,)`` float64 fractions in [0, 1].

    Raises:
        ValueError: for arrays that are not 2-D or disagree in rows or shape, a row with no
            target token, or a bad ``batch_size``.
    """
    source, previous, target = (np.asarray(a) for a in (source, previous, target))
    _check_teacher_forcing(source, previous, target)
    if np.any((target != 0).sum(axis=1) == 0):
        raise ValueError("every row of target needs at least one token (the end marker).")
    out = []
    for rows, logits in _teacher_forced_logits(model, source, previous, batch_size):
        real = target[rows] != 0
        right = (logits.argmax(axis=-1) == target[rows]) & real
        out.append(right.sum(axis=1) / real.sum(axis=1))
    return np.concatenate(out) if out else np.zeros(0)


def _teacher_forced_logits(
    model: keras.Model, source: np.ndarray, previous: np.ndarray, batch_size: Any
) -> Iterator[tuple[slice, np.ndarray]]:
    """``(rows, float64 logits (rows, Tt, vocabulary))`` for consecutive batches of rows."""
    batch_size = positive_int(batch_size, "batch_size")
    run = _traced(model)  # one graph for every batch shape: much faster than eager calls
    for lo in range(0, len(source), batch_size):
        rows = slice(lo, lo + batch_size)
        logits = run([source[rows].astype(np.int32), previous[rows].astype(np.int32)])
        yield rows, np.asarray(logits, dtype=np.float64)


def _check_teacher_forcing(source: np.ndarray, previous: np.ndarray, target: np.ndarray) -> None:
    if source.ndim != 2 or previous.ndim != 2 or previous.shape != target.shape:
        raise ValueError(
            "source must be (n, Ts) and previous and target both (n, Tt); got "
            f"{source.shape}, {previous.shape} and {target.shape}."
        )
    if len(source) != len(previous):
        raise ValueError(
            f"source has {len(source)} rows but previous and target have {len(previous)}."
        )


def target_log_probs(
    model: keras.Model,
    source: np.ndarray,
    previous: np.ndarray,
    target: np.ndarray,
    batch_size: int = 256,
) -> np.ndarray:
    """How probable a seq2seq model finds each true target token, read with teacher forcing.

    At step t the decoder reads the true ``previous[:, t]`` (not its own prediction) and the
    log-probability it gives ``target[:, t]`` is kept; padded steps (``target == 0``) are
    skipped. The mean of the result is minus the model's cross-entropy on these pairs; one such
    array per model is what ``decoding.mixture_weights`` fits ensemble weights on.

    Args:
        model: a model from ``build_seq2seq_model``, ``[source, previous] -> logits``.
        source: ``(n, Ts)`` padded source ids.
        previous: ``(n, Tt)`` decoder inputs from ``teacher_forcing_arrays``.
        target: ``(n, Tt)`` targets from ``teacher_forcing_arrays``.
        batch_size: rows per forward pass.

    Returns:
        ``(tokens,)`` float64 natural-log probabilities, row by row and step by step, one per
        non-padding entry of ``target``.

    Raises:
        ValueError: for arrays that are not 2-D, disagree in rows, or ``previous`` and ``target``
            of different shapes; for a bad ``batch_size``.
    """
    source, previous, target = (np.asarray(a) for a in (source, previous, target))
    _check_teacher_forcing(source, previous, target)
    out = []
    for rows, logits in _teacher_forced_logits(model, source, previous, batch_size):
        log_probs = np.asarray(keras.ops.log_softmax(logits, axis=-1))  # float64 in, float64 out
        chosen = np.take_along_axis(log_probs, target[rows, :, None].astype(np.int64), axis=-1)
        out.append(chosen[..., 0][target[rows] != 0])
    return np.concatenate(out) if out else np.zeros(0)
