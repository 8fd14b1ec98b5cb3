"""CTC helpers: collapsing frame labels, greedy and beam decoding (notebook 10).

Conventions (those of Keras' CTC loss and ``keras.ops.ctc_decode``): label 0 is the blank, the
real symbols are 1 .. K, and decoded paths come back padded with -1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "ctc_collapse",
    "ctc_min_frames",
    "ctc_decode",
    "ctc_decode_texts",
    "ctc_forward_loss",
]


def ctc_collapse(frame_labels: Sequence[int], blank: int = 0) -> list[int]:
    """The CTC collapsing rule: merge runs of the same label, then drop blanks.

    ``[a, a, blank, a, b, b]`` becomes ``[a, a, b]``: the blank between the two runs of ``a``
    is what lets CTC spell a doubled letter.

    Args:
        frame_labels: one label per frame, shape ``(frames,)``; -1 entries (padding from
            ``keras.ops.ctc_decode``) are ignored.
        blank: the blank label.

    Returns:
        The collapsed label sequence.
    """
    out: list[int] = []
    previous = None
    for label in np.asarray(frame_labels).reshape(-1):
        label = int(label)
        if label < 0:
            continue
        if label != previous and label != blank:
            out.append(label)
        previous = label
    return out


def ctc_min_frames(labels: Sequence[int]) -> int:
    """The fewest frames a CTC alignment of ``labels`` needs: one per label, plus one blank
    between every two equal neighbours.

    Args:
        labels: the target labels (no blanks), shape ``(length,)``.

    Returns:
        ``len(labels) + number of adjacent repeats``.
    """
    labels = [int(v) for v in np.asarray(labels).reshape(-1)]
    return len(labels) + sum(a == b for a, b in zip(labels, labels[1:]))


def ctc_decode(
    logits: Any,
    lengths: Any = None,
    *,
    strategy: str = "greedy",
    beam_width: int = 16,
) -> list[list[int]]:
    """Decode per-frame scores with ``keras.ops.ctc_decode`` and strip the -1 padding.

    Args:
        logits: scores ``(batch, frames, classes)`` with the blank at index 0 (logits or
            log-probabilities; they are turned into log-probabilities first).
        lengths: valid frames per row ``(batch,)``; None: every frame.
        strategy: ``"greedy"`` (best label per frame, then collapse) or ``"beam_search"``.
        beam_width: beams kept by beam search.

    Returns:
        One label list per row (values 1 .. classes - 1).

    Raises:
        ValueError: for a bad shape, strategy or beam width.
    """
    import keras

    if strategy not in ("greedy", "beam_search"):
        raise ValueError(f"strategy must be 'greedy' or 'beam_search'; got {strategy!r}.")
    if isinstance(beam_width, bool) or not isinstance(beam_width, int) or beam_width < 1:
        raise ValueError(f"beam_width must be a positive integer; got {beam_width!r}.")
    logits = np.asarray(logits, dtype=np.float32)
    if logits.ndim != 3:
        raise ValueError(f"logits must be (batch, frames, classes); got shape {logits.shape}.")
    if lengths is None:
        lengths = np.full(logits.shape[0], logits.shape[1], dtype=np.int32)
    lengths = np.asarray(lengths, dtype=np.int32)
    log_probs = keras.ops.log_softmax(logits, axis=-1)
    paths, _ = keras.ops.ctc_decode(
        log_probs, lengths, strategy=strategy, beam_width=beam_width, top_paths=1, mask_index=0
    )
    paths = np.asarray(paths)[0]
    return [[int(v) for v in row if v >= 0] for row in paths]


def ctc_decode_texts(
    logits: Any,
    to_text: Callable[[Sequence[int]], str],
    lengths: Any = None,
    *,
    strategy: str = "greedy",
    beam_width: int = 16,
) -> list[str]:
    """``ctc_decode`` followed by ``to_text`` on each row (e.g. ``data.speech.decode_labels``).

    Args:
        logits: scores ``(batch, frames, classes)``, blank at 0.
        to_text: turns a label list into a string.
        lengths, strategy, beam_width: as for ``ctc_decode``.

    Returns:
        One string per row.
    """
    paths = ctc_decode(logits, lengths, strategy=strategy, beam_width=beam_width)
    return [to_text(p) for p in paths]


def ctc_forward_loss(log_probs: Any, labels: Sequence[int], blank: int = 0) -> float:
    """The CTC loss of one utterance, -log p(labels | x), by the forward algorithm (NumPy).

    The labels are extended with blanks (``_ l1 _ l2 _ ... _``); ``alpha[t, s]`` is the log
    probability of all alignments of the first ``s + 1`` extended symbols with the first
    ``t + 1`` frames. A step may stay on a symbol, move to the next one, or skip a blank between
    two different labels.

    Args:
        log_probs: per-frame log-probabilities ``(frames, classes)``.
        labels: the target labels (no blanks), shape ``(length,)``.
        blank: the blank label.

    Returns:
        The loss (inf when ``labels`` cannot fit in the frames).

    Raises:
        ValueError: for a bad shape or a label equal to ``blank``.
    """
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2:
        raise ValueError(f"log_probs must be (frames, classes); got shape {log_probs.shape}.")
    labels = [int(v) for v in labels]
    if blank in labels:
        raise ValueError("labels must not contain the blank label.")
    extended = [blank]
    for label in labels:
        extended += [label, blank]
    frames, states = log_probs.shape[0], len(extended)
    alpha = np.full((frames, states), -np.inf)
    alpha[0, 0] = log_probs[0, extended[0]]
    if states > 1:
        alpha[0, 1] = log_probs[0, extended[1]]
    for t in range(1, frames):
        for s in range(states):
            paths = [alpha[t - 1, s]]
            if s >= 1:
                paths.append(alpha[t - 1, s - 1])
            if s >= 2 and extended[s] != blank and extended[s] != extended[s - 2]:
                paths.append(alpha[t - 1, s - 2])
            alpha[t, s] = np.logaddexp.reduce(paths) + log_probs[t, extended[s]]
    total = np.logaddexp(alpha[-1, -1], alpha[-1, -2]) if states > 1 else alpha[-1, -1]
    return float(-total)
