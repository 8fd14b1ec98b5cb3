"""Course layers that Keras lacks in the form the notebooks need.

Attention with its weights exposed (notebooks 08 and 09): ``BahdanauAttention`` and
``LuongAttention`` are called as ``layer(query, values, mask=None)`` and return
``(context, weights)``:

- ``query``: ``(batch, Tq, dq)``, what is looking (e.g. the decoder's outputs);
- ``values``: ``(batch, Tv, dv)``, what is looked at (e.g. the encoder's outputs), used both as
  keys (to score) and as values (to average);
- ``mask``: ``(batch, Tv)`` boolean, False on padded values, which then get weight exactly 0;
- ``context``: ``(batch, Tq, dv)``, for each query the weighted average of the values;
- ``weights``: ``(batch, Tq, Tv)``, the softmax of the scores over ``Tv``; each row sums to 1.

Because ``weights`` is an ordinary output, a functional model can return it (or a second model
built on the same layers can), so the alignment can be plotted after training.

Captioning (notebook 09): ``RegionCoordinates`` turns a CNN's feature grid into regions that
carry their position, and ``ShowAttendTellCell`` is one attending decoder step for
``keras.layers.RNN``. All of them are registered for saving (package ``course_lib``).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from course_lib._args import choice, positive_int

__all__ = [
    "AttentionPooling",
    "BahdanauAttention",
    "LuongAttention",
    "LUONG_SCORES",
    "masked_score",
    "RegionCoordinates",
    "ShowAttendTellCell",
]

LUONG_SCORES = ("general", "dot")


def masked_score(dtype: str) -> float:
    """The score given to masked values: finite in ``dtype``, yet its softmax weight is exactly 0.

    A fixed ``-1e9`` overflows to ``-inf`` in float16 (largest magnitude 65504; mixed precision
    computes attention scores in float16), and a row whose every value is masked would then
    turn into NaN. ``-0.7 * max`` stays finite (and stays finite after the softmax subtracts the
    row's maximum), while ``exp`` of it underflows to 0 in every float type.

    Args:
        dtype: the scores' dtype, e.g. ``"float32"``, ``"float16"`` or ``"bfloat16"``.

    Returns:
        A large negative Python float, representable in ``dtype``.
    """
    name = str(getattr(dtype, "name", dtype))
    # NumPy has no bfloat16; its range is float32's (to 3 significant digits)
    return -0.7 * float(np.finfo("float32" if name == "bfloat16" else name).max)


def _softmax_weights(scores: Any, mask: Any) -> Any:
    """Softmax over the last axis of ``scores (batch, Tq, Tv)``, ignoring masked values."""
    if mask is not None:
        keep = ops.expand_dims(ops.cast(mask, "bool"), axis=1)  # (batch, 1, Tv)
        scores = ops.where(keep, scores, ops.full_like(scores, masked_score(scores.dtype)))
    return ops.softmax(scores, axis=-1)


class _Attention(keras.layers.Layer):
    """Shared call logic: scores -> masked softmax -> weighted average of the values."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def scores(self, query: Any, values: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def call(self, query: Any, values: Any, mask: Any = None) -> tuple[Any, Any]:
        weights = _softmax_weights(self.scores(query, values), mask)
        context = ops.matmul(weights, ops.cast(values, weights.dtype))
        return context, weights

    def compute_mask(self, query: Any, previous_mask: Any = None) -> list[Any]:
        # Outputs follow the query's time axis: keep the query's own mask (if any) on both,
        # never the values' mask, which has another length.
        query_mask = getattr(query, "_keras_mask", None)
        return [query_mask, query_mask]

    def compute_output_shape(
        self, query_shape: tuple[int | None, ...], values_shape: tuple[int | None, ...]
    ) -> tuple[tuple[int | None, ...], tuple[int | None, ...]]:
        batch, tq = query_shape[0], query_shape[1]
        return (batch, tq, values_shape[-1]), (batch, tq, values_shape[1])


@keras.saving.register_keras_serializable(package="course_lib")
class AttentionPooling(keras.layers.Layer):
    """A sequence summarised by attention: a learned score per position, a softmax over time.

    ``score_j = v^T tanh(h_j W + b)``, ``alpha = softmax(score)`` over the real (unmasked)
    positions, and the summary is ``sum_j alpha_j h_j``: additive attention whose query is a
    learned constant, so the layer learns which positions matter for the task instead of
    weighting them all equally, as a mean does.

    Args:
        units: size of the hidden layer of the score.

    Call args:
        values: ``(batch, time, features)``; a Keras mask (e.g. from ``Embedding(mask_zero=True)``
            through a recurrent layer) or ``mask=`` marks the real positions.

    Returns:
        ``(summary (batch, features), weights (batch, time))``; padded positions get weight 0.
    """

    def __init__(self, units: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = positive_int(units, "units")
        self.supports_masking = True
        self.hidden = keras.layers.Dense(self.units, activation="tanh", name="hidden")
        self.score = keras.layers.Dense(1, use_bias=False, name="score")

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the score's weights for ``features`` inputs."""
        self.hidden.build(input_shape)
        self.score.build((*input_shape[:-1], self.units))
        self.built = True

    def call(self, values: Any, mask: Any = None) -> tuple[Any, Any]:
        """The summary ``(batch, features)`` and the weights ``(batch, time)``."""
        scores = self.score(self.hidden(values))[..., 0]  # (batch, time)
        weights = _softmax_weights(ops.expand_dims(scores, 1), mask)[:, 0]
        summary = ops.sum(ops.expand_dims(weights, -1) * ops.cast(values, weights.dtype), axis=1)
        return summary, weights

    def compute_mask(self, values: Any, mask: Any = None) -> list[Any]:
        """No mask on either output: the summary has no time axis left to mask."""
        return [None, None]

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[tuple[int | None, ...], tuple[int | None, ...]]:
        """``(batch, features)`` and ``(batch, time)``."""
        return (input_shape[0], input_shape[-1]), (input_shape[0], input_shape[1])

    def get_config(self) -> dict[str, Any]:
        """The layer's settings, for saving."""
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="course_lib")
class BahdanauAttention(_Attention):
    """Additive attention (Bahdanau et al., 2015): ``score(q, k) = v^T tanh(W_q q + W_k k)``.

    Args:
        units: size of the hidden layer in which query and key are added.
        name: the layer's name.

    Call args:
        query: ``(batch, Tq, dq)``. values: ``(batch, Tv, dv)``.
        mask: optional ``(batch, Tv)`` boolean, False on padded values.

    Returns:
        ``(context (batch, Tq, dv), weights (batch, Tq, Tv))``.

    Raises:
        ValueError: if ``units`` is not a positive integer.
    """

    def __init__(self, units: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = units = positive_int(units, "units")
        self.query_dense = keras.layers.Dense(units, use_bias=False, name="query_projection")
        self.key_dense = keras.layers.Dense(units, use_bias=True, name="key_projection")
        self.score_dense = keras.layers.Dense(1, use_bias=False, name="score_vector")

    def build(
        self, query_shape: tuple[int | None, ...], values_shape: tuple[int | None, ...]
    ) -> None:
        """Create the three projections' weights for these input shapes."""
        self.query_dense.build(query_shape)
        self.key_dense.build(values_shape)
        self.score_dense.build((None, None, None, self.units))

    def scores(self, query: Any, values: Any) -> Any:
        """Unnormalised scores ``(batch, Tq, Tv)`` of every query against every value."""
        q = ops.expand_dims(self.query_dense(query), axis=2)  # (batch, Tq, 1, units)
        k = ops.expand_dims(self.key_dense(values), axis=1)  # (batch, 1, Tv, units)
        hidden = ops.tanh(q + k)  # (batch, Tq, Tv, units)
        # v^T tanh(...) as a product and a sum over units, not as score_dense(hidden): a rank-4
        # tensor times a 2-D kernel corrupts memory in TensorFlow's oneDNN CPU kernels before
        # 2.21 (tensorflow/tensorflow#117700; it crashed the course's beam search on 2.20).
        v = ops.cast(ops.squeeze(self.score_dense.kernel, axis=-1), hidden.dtype)  # (units,)
        return ops.sum(hidden * v, axis=-1)  # (batch, Tq, Tv)

    def get_config(self) -> dict:
        """The constructor's arguments, so that a saved model can rebuild the layer."""
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="course_lib")
class LuongAttention(_Attention):
    """Multiplicative attention (Luong et al., 2015).

    ``score="general"``: ``score(q, k) = q^T W k`` with a learned ``W (dq, dv)``;
    ``score="dot"``: ``score(q, k) = q^T k`` (no weights; needs ``dq == dv``).

    Args:
        score: ``"general"`` or ``"dot"``.
        name: the layer's name.

    Call args and returns: as ``BahdanauAttention``.

    Raises:
        ValueError: for an unknown ``score``, or at build time when ``score="dot"`` and the
            query and value sizes differ.
    """

    def __init__(self, score: str = "general", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        choice(score, "score", LUONG_SCORES)
        self.score = score

    def build(
        self, query_shape: tuple[int | None, ...], values_shape: tuple[int | None, ...]
    ) -> None:
        """Create ``W (dq, dv)`` for the general score; check the sizes for the dot score."""
        dq, dv = query_shape[-1], values_shape[-1]
        if self.score == "dot":
            if dq != dv:
                raise ValueError(
                    f"score='dot' needs query and values of the same size; got {dq} and {dv}."
                )
            self.kernel = None
        else:
            self.kernel = self.add_weight(
                shape=(dq, dv), initializer="glorot_uniform", name="kernel"
            )

    def scores(self, query: Any, values: Any) -> Any:
        """Unnormalised scores ``(batch, Tq, Tv)`` of every query against every value."""
        if self.kernel is not None:
            query = ops.matmul(query, self.kernel)  # (batch, Tq, dv)
        return ops.matmul(query, ops.transpose(values, (0, 2, 1)))  # (batch, Tq, Tv)

    def get_config(self) -> dict:
        """The constructor's arguments, so that a saved model can rebuild the layer."""
        return {**super().get_config(), "score": self.score}


# ---------------------------------------------------------------------------------------------
# Captioning (notebook 09): image regions with their positions, and the attending decoder step


@keras.saving.register_keras_serializable(package="course_lib")
class RegionCoordinates(keras.layers.Layer):
    """Flatten a feature grid into regions and append each region's (row, column) position.

    ``(batch, H, W, C) -> (batch, H * W, C + 2)``; the two extra features run from -1 (top /
    left) to 1 (bottom / right), so a decoder that averages regions still knows where it looked.
    """

    def call(self, grid: Any) -> Any:
        """``grid (batch, H, W, C)`` -> ``regions (batch, H * W, C + 2)``."""
        shape = ops.shape(grid)
        height, width = grid.shape[1], grid.shape[2]
        rows = ops.repeat(ops.linspace(-1.0, 1.0, height), width)
        cols = ops.tile(ops.linspace(-1.0, 1.0, width), [height])
        coords = ops.cast(ops.stack([rows, cols], axis=-1), grid.dtype)  # (H * W, 2)
        coords = ops.broadcast_to(coords[None], (shape[0], height * width, 2))
        regions = ops.reshape(grid, (shape[0], height * width, grid.shape[3]))
        return ops.concatenate([regions, coords], axis=-1)

    def compute_output_shape(self, input_shape: tuple[Any, ...]) -> tuple[Any, ...]:
        """``(batch, H, W, C)`` -> ``(batch, H * W, C + 2)``."""
        batch, height, width, channels = input_shape
        return (batch, height * width, channels + 2)


@keras.saving.register_keras_serializable(package="course_lib")
class ShowAttendTellCell(keras.layers.Layer):
    """One decoder step of "show, attend and tell", as a cell for ``keras.layers.RNN``.

    At step t the previous hidden state ``h`` scores every region (``BahdanauAttention``); the
    context (the weighted average of the regions) is concatenated to the word's embedding and fed
    to an ``LSTMCell``. The regions ride along as a third, unchanged state (flattened to
    ``(batch, R * d)``), because a Keras 3 RNN cell sees only its input and its states.

    Args:
        units: size of the LSTM's hidden and cell states.
        attention_units: hidden size of the additive attention.
        n_regions: number of regions R.
        region_dim: size d of a region's feature vector.

    Call:
        ``cell(word (batch, e), [h, c, regions_flat]) -> (output, [h', c', regions_flat])``
        where ``output = concat[h', context (batch, d), weights (batch, R)]``.
    """

    def __init__(
        self, units: int, attention_units: int, n_regions: int, region_dim: int, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.units, self.attention_units = units, attention_units
        self.n_regions, self.region_dim = n_regions, region_dim
        self.state_size = [units, units, n_regions * region_dim]
        self.output_size = units + region_dim + n_regions
        self.attention = BahdanauAttention(attention_units, name="attention")
        self.lstm_cell = keras.layers.LSTMCell(units, name="decoder_cell")

    def build(self, input_shape: tuple[Any, ...]) -> None:
        """Create the attention's and the LSTM cell's weights for words of this shape."""
        self.attention.build((None, 1, self.units), (None, self.n_regions, self.region_dim))
        self.lstm_cell.build((None, input_shape[-1] + self.region_dim))

    def call(self, word: Any, states: list[Any], training: bool = False) -> tuple[Any, list[Any]]:
        """One step: see the class docstring's Call section."""
        h, c, flat = states
        regions = ops.reshape(flat, (-1, self.n_regions, self.region_dim))
        context, weights = self.attention(ops.expand_dims(h, 1), regions)
        context, weights = context[:, 0], weights[:, 0]
        step_input = ops.concatenate([word, context], axis=-1)
        h, (h, c) = self.lstm_cell(step_input, [h, c], training=training)
        return ops.concatenate([h, context, weights], axis=-1), [h, c, flat]

    def get_config(self) -> dict:
        """The constructor's arguments, so that a saved model can rebuild the cell."""
        return {
            **super().get_config(),
            "units": self.units,
            "attention_units": self.attention_units,
            "n_regions": self.n_regions,
            "region_dim": self.region_dim,
        }
