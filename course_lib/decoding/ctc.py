"""CTC helpers for notebook 10: collapsing, decoding, the trellis, prefix beam search.

Collapsing frame labels, greedy and beam decoding through Keras, the forward algorithm and the
state posteriors of the trellis, and a prefix beam search with optional language-model fusion.

Conventions (those of Keras' CTC loss and ``keras.ops.ctc_decode``): label 0 is the blank, the
real symbols are 1 .. K, and decoded paths come back padded with -1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from course_lib._args import finite_float, int_in_range, positive_int

__all__ = [
    "ctc_collapse",
    "ctc_min_frames",
    "ctc_decode",
    "ctc_decode_texts",
    "ctc_forward_loss",
    "ctc_extended_labels",
    "ctc_state_posteriors",
    "BeamHypothesis",
    "ctc_prefix_beam_step",
    "ctc_prefix_beam_search",
    "bigram_lm",
]

# a language model for fusion: (prefix, next label) -> log P(next label | prefix)
LanguageModel = Callable[[tuple[int, ...], int], float]


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
    """The fewest frames a CTC alignment of ``labels`` needs.

    One frame per label, plus one blank between every two equal neighbours.

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
    beam_width = positive_int(beam_width, "beam_width")
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
        lengths: valid frames per row ``(batch,)``, as for ``ctc_decode``.
        strategy: ``"greedy"`` or ``"beam_search"``, as for ``ctc_decode``.
        beam_width: beams kept by beam search.

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


def ctc_extended_labels(labels: Sequence[int], blank: int = 0) -> list[int]:
    """The states of the CTC trellis: the labels with a blank before, between and after them.

    Args:
        labels: the target labels (no blanks), shape ``(length,)``.
        blank: the blank label.

    Returns:
        ``[blank, l1, blank, l2, ..., lU, blank]``, length ``2 * len(labels) + 1``.
    """
    extended = [blank]
    for label in labels:
        extended += [int(label), blank]
    return extended


def _log_probs_2d(log_probs: Any) -> np.ndarray:
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] == 0 or log_probs.shape[1] < 2:
        raise ValueError(
            f"log_probs must be (frames, classes) with frames >= 1 and classes >= 2; got shape "
            f"{log_probs.shape}."
        )
    return log_probs


def ctc_state_posteriors(log_probs: Any, labels: Sequence[int], blank: int = 0) -> np.ndarray:
    """Posterior of every trellis state at every frame, by the forward-backward algorithm.

    ``gamma[t, s]`` is the probability, given the input and the transcript, that the alignment
    sits on state ``s`` of ``ctc_extended_labels(labels)`` at frame ``t``: the total probability
    of the alignments through ``(t, s)`` divided by that of all alignments. Every alignment is in
    exactly one state per frame, so each row sums to 1. These are the weights with which CTC's
    gradient rewards each alignment's symbols.

    Args:
        log_probs: per-frame log-probabilities ``(frames, classes)``.
        labels: the transcript's labels (no blanks), shape ``(length,)``.
        blank: the blank label.

    Returns:
        ``gamma``, shape ``(frames, 2 * len(labels) + 1)``.

    Raises:
        ValueError: for a bad shape, a blank among the labels, or labels that do not fit in the
            frames.
    """
    log_probs = _log_probs_2d(log_probs)
    labels = [int(v) for v in labels]
    if blank in labels:
        raise ValueError("labels must not contain the blank label.")
    if ctc_min_frames(labels) > log_probs.shape[0]:
        raise ValueError(
            f"labels need at least {ctc_min_frames(labels)} frames; log_probs has "
            f"{log_probs.shape[0]}."
        )
    ext = np.array(ctc_extended_labels(labels, blank))
    frames, states = log_probs.shape[0], ext.size
    # the skip from s - 2 to s is allowed onto a label that differs from the label two back
    skip = np.zeros(states, bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    emit = log_probs[:, ext]  # (frames, states)

    def shifted(v: np.ndarray, k: int) -> np.ndarray:
        out = np.full_like(v, -np.inf)
        out[k:] = v[:-k] if k else v
        return out

    alpha = np.full((frames, states), -np.inf)
    alpha[0, : min(2, states)] = emit[0, : min(2, states)]
    for t in range(1, frames):
        prev = alpha[t - 1]
        stay_or_step = np.logaddexp(prev, shifted(prev, 1))
        alpha[t] = np.where(skip, np.logaddexp(stay_or_step, shifted(prev, 2)), stay_or_step)
        alpha[t] += emit[t]
    # beta[t, s]: the alignments from state s at frame t to the end, frame t's symbol included
    beta = np.full((frames, states), -np.inf)
    beta[-1, -min(2, states) :] = emit[-1, -min(2, states) :]
    skip_from = np.zeros(states, bool)  # a skip from s to s + 2
    skip_from[:-2] = skip[2:]
    for t in range(frames - 2, -1, -1):
        nxt = beta[t + 1]
        stay_or_step = np.logaddexp(nxt, shifted(nxt[::-1], 1)[::-1])
        with_skip = np.logaddexp(stay_or_step, shifted(nxt[::-1], 2)[::-1])
        beta[t] = np.where(skip_from, with_skip, stay_or_step) + emit[t]
    # alpha and beta both include frame t's symbol: subtract it once
    log_gamma = alpha + beta - emit
    total = np.logaddexp.reduce(alpha[-1, -min(2, states) :])
    return np.exp(log_gamma - total)


def _logaddexp(a: float, b: float) -> float:
    """log(exp(a) + exp(b)) for Python floats (faster than NumPy on scalars)."""
    if a < b:
        a, b = b, a
    if b == -math.inf:
        return a
    return a + math.log1p(math.exp(b - a))


class BeamHypothesis(NamedTuple):
    """One transcript found by ``ctc_prefix_beam_search``.

    Attributes:
        labels: the collapsed labels (no blanks).
        log_prob: log of the probability summed over the alignments the beam kept, plus
            ``alpha * log P_LM(labels)`` when a language model is fused.
        score: the ranking score, ``log_prob + beta * len(labels)``.
    """

    labels: tuple[int, ...]
    log_prob: float
    score: float


def ctc_prefix_beam_step(
    beams: Mapping[tuple[int, ...], tuple[float, float]],
    frame_log_probs: Any,
    *,
    blank: int = 0,
    lm: LanguageModel | None = None,
    alpha: float = 0.0,
    min_log_prob: float = -math.inf,
) -> dict[tuple[int, ...], tuple[float, float]]:
    """Extend every prefix by one frame: the heart of CTC prefix beam search (no pruning here).

    A prefix is a collapsed transcript so far. Its probability is kept in two parts, the
    alignments that end in a blank (``p_b``) and those that end in its last label (``p_nb``),
    because they continue differently when the same label comes again. For each prefix and each
    symbol ``k`` of the frame:

    * ``k`` is the blank: the prefix stays, and now ends in a blank: ``p_b += total * p(blank)``;
    * ``k`` repeats the prefix's last label: the repeat merges into the same prefix
      (``p_nb += p_nb * p(k)``), and only the alignments that ended in a blank start a new copy
      of the label (``p_nb(prefix + k) += p_b * p(k)``);
    * any other ``k``: the prefix grows, ``p_nb(prefix + k) += total * p(k)``.

    Different prefixes can reach the same extended prefix (a prefix already in the beam and its
    parent extended by its last label), and their probabilities add up: this merge is what makes
    the search rank transcripts, not alignments. With a language model, every new label is also
    weighted by ``P_LM(k | prefix) ** alpha`` (shallow fusion).

    Args:
        beams: prefix -> ``(log p_b, log p_nb)`` after the previous frame; start with
            ``{(): (0.0, -inf)}``.
        frame_log_probs: this frame's log-probabilities ``(classes,)``.
        blank: the blank label.
        lm: ``lm(prefix, k)`` -> ``log P(k | prefix)``, or None.
        alpha: weight of the language model's log-probability.
        min_log_prob: labels whose log-probability on this frame is below this are not tried
            as extensions (a speed-up; ``-inf`` tries every label).

    Returns:
        The extended prefixes, prefix -> ``(log p_b, log p_nb)``.
    """
    lp = [float(v) for v in np.asarray(frame_log_probs, dtype=np.float64).reshape(-1)]
    candidates = [k for k in range(len(lp)) if k != blank and lp[k] >= min_log_prob]
    new: dict[tuple[int, ...], list[float]] = {}

    def add(prefix: tuple[int, ...], part: int, value: float) -> None:
        if value == -math.inf:  # an impossible continuation (e.g. "aa" with no blank yet)
            return
        entry = new.setdefault(prefix, [-math.inf, -math.inf])
        entry[part] = _logaddexp(entry[part], value)

    for prefix, (p_b, p_nb) in beams.items():
        total = _logaddexp(p_b, p_nb)
        add(prefix, 0, total + lp[blank])  # a blank: same prefix, now ending in a blank
        last = prefix[-1] if prefix else None
        if last is not None:
            add(prefix, 1, p_nb + lp[last])  # the last label again: merged into the prefix
        for k in candidates:
            # a repeated label is a new character only after a blank
            previous = p_b if k == last else total
            fused = alpha * lm(prefix, k) if lm is not None else 0.0
            add(prefix + (k,), 1, previous + lp[k] + fused)
    return {prefix: (b, nb) for prefix, (b, nb) in new.items()}


def ctc_prefix_beam_search(
    log_probs: Any,
    *,
    beam_width: int = 16,
    top_paths: int = 1,
    blank: int = 0,
    lm: LanguageModel | None = None,
    alpha: float = 0.0,
    beta: float = 0.0,
    min_log_prob: float = -math.inf,
) -> list[BeamHypothesis]:
    """CTC prefix beam search over one utterance, with optional shallow fusion of a language model.

    Frame by frame, every kept prefix is extended by ``ctc_prefix_beam_step`` (which merges the
    alignments that collapse to the same prefix), and the ``beam_width`` prefixes with the best
    score are kept. The score of a prefix ``y`` is

        log p_ctc(y | x) + alpha * log P_LM(y) + beta * len(y),

    where ``p_ctc`` sums over the alignments of ``y`` that the beam kept. ``alpha`` weighs the
    language model; the length bonus ``beta`` offsets the cost of each extra factor
    ``P_LM <= 1``, which would otherwise favour short transcripts. With ``lm=None`` and
    ``beta=0`` this is the search of ``keras.ops.ctc_decode(..., strategy="beam_search")``
    (TensorFlow's decoder), up to ties and float32 rounding.

    Args:
        log_probs: per-frame log-probabilities ``(frames, classes)`` (a log-softmax; blank at
            ``blank``).
        beam_width: prefixes kept after each frame.
        top_paths: how many hypotheses to return (at most ``beam_width``).
        blank: the blank label.
        lm: ``lm(prefix, k)`` -> ``log P(k | prefix)`` (e.g. ``bigram_lm``), or None.
        alpha: language-model weight (>= 0).
        beta: length bonus per label.
        min_log_prob: skip labels below this frame log-probability (a speed-up; ``-inf`` is the
            exact search).

    Returns:
        Up to ``top_paths`` hypotheses, best score first.

    Raises:
        ValueError: for a bad shape, beam width, number of paths, blank or weight.
    """
    log_probs = _log_probs_2d(log_probs)
    beam_width = positive_int(beam_width, "beam_width")
    top_paths = int_in_range(top_paths, "top_paths", 1, beam_width)
    blank = int_in_range(blank, "blank", 0, log_probs.shape[1] - 1)
    alpha = finite_float(alpha, "alpha", at_least=0.0)
    beta = finite_float(beta, "beta")

    def score(item: tuple[tuple[int, ...], tuple[float, float]]) -> float:
        prefix, (p_b, p_nb) = item
        return _logaddexp(p_b, p_nb) + beta * len(prefix)

    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, -math.inf)}
    for frame in log_probs:
        extended = ctc_prefix_beam_step(
            beams, frame, blank=blank, lm=lm, alpha=alpha, min_log_prob=min_log_prob
        )
        beams = dict(sorted(extended.items(), key=score, reverse=True)[:beam_width])
    best = sorted(beams.items(), key=score, reverse=True)[:top_paths]
    return [
        BeamHypothesis(prefix, _logaddexp(*parts), score((prefix, parts))) for prefix, parts in best
    ]


def bigram_lm(
    sequences: Iterable[Sequence[int]], n_classes: int, *, smoothing: float = 1.0
) -> LanguageModel:
    """A bigram language model over labels, estimated with add-``smoothing`` counts.

    ``P(k | prefix)`` depends on the prefix's last label only (a start symbol for the empty
    prefix): ``(count(last, k) + smoothing) / (count(last) + smoothing * (n_classes - 1))``,
    over the labels ``1 .. n_classes - 1`` (never the blank).

    Args:
        sequences: training transcripts as label sequences (no blanks).
        n_classes: classes including the blank at 0 (``len(ALPHABET) + 1``).
        smoothing: the count added to every bigram (> 0, so no label is impossible).

    Returns:
        ``lm(prefix, k)`` -> ``log P(k | prefix)``, for ``ctc_prefix_beam_search(lm=...)``.

    Raises:
        ValueError: for a bad number of classes or smoothing, or a label outside
            ``1 .. n_classes - 1``.
    """
    n_classes = positive_int(n_classes, "n_classes", 2)
    smoothing = finite_float(smoothing, "smoothing", above=0.0)
    counts = np.zeros((n_classes, n_classes))  # row 0: the start of a transcript
    for sequence in sequences:
        previous = 0
        for label in sequence:
            label = int(label)
            if not 1 <= label < n_classes:
                raise ValueError(f"labels must be in 1..{n_classes - 1}; got {label}.")
            counts[previous, label] += 1
            previous = label
    counts[:, 0] = 0.0
    smoothed = counts + smoothing
    smoothed[:, 0] = 0.0
    with np.errstate(divide="ignore"):
        table = np.log(smoothed / smoothed.sum(axis=1, keepdims=True))

    def lm(prefix: tuple[int, ...], label: int) -> float:
        return float(table[prefix[-1] if prefix else 0, label])

    lm.table = table  # type: ignore[attr-defined]  # log P(next | previous), row 0 = start
    return lm
