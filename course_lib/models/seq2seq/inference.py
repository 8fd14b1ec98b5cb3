"""Inference views of a trained encoder-decoder: an encoder, a one-step decoder, attention maps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from course_lib.decoding.search import BatchDecoder
from course_lib.handles import seq2seq_handles
from course_lib.models.seq2seq.builders import _decode, _encode

__all__ = ["Seq2SeqInference"]


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
