"""What a trained encoder-decoder knows at each step, read with the true prefixes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keras
import numpy as np

from course_lib._args import positive_int
from course_lib.models.seq2seq.inference import _traced

__all__ = ["teacher_forced_accuracy", "target_log_probs"]


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
