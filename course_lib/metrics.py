"""Evaluation metrics shared by the notebooks.

Sequence metrics take token sequences: a string is a sequence of characters, a list or tuple a
sequence of tokens (words, phonemes, ids). Corpus-level rates are total edits over total reference
length, not an average of per-item rates, so long references weigh more, as in the literature.

A note on names: in speech recognition the *word error rate* is the word-level edit distance
(``wer``). Papers on grapheme-to-phoneme conversion use "WER" for something else: the fraction of
words whose pronunciation has any error, which is ``1 - exact_match``.

Task-specific measurements live here too, next to the general ones: pronunciations against every
listed one (``score_pronunciations``), accuracy per input-length bin, generated captions against
their scenes, a context-free character model's cost, and a video forecast's error per step.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from course_lib._args import flag, positive_int

if TYPE_CHECKING:
    from course_lib.data.scenes import SceneObject

__all__ = [
    "bleu",
    "cer",
    "edit_distance",
    "exact_match",
    "mean_absolute_error",
    "ngram_counts",
    "per",
    "wer",
    "closest_pronunciations",
    "strip_stress",
    "PronunciationScores",
    "score_pronunciations",
    "accuracy_by_length",
    "scene_accuracy",
    "unigram_bits_per_char",
    "mse_per_step",
]

_STRESS_DIGIT = re.compile(r"(?<=[A-Z])[012]$")


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error of two arrays of the same shape.

    Raises:
        ValueError: if the shapes differ or the arrays are empty.
    """
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: y_true {y_true.shape}, y_pred {y_pred.shape}.")
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty.")
    return float(np.mean(np.abs(y_true - y_pred)))


def _tokens(seq: object, label: str) -> list[Hashable]:
    if isinstance(seq, str):
        return list(seq)
    if isinstance(seq, np.ndarray):
        if seq.ndim != 1:
            raise ValueError(
                f"{label} must be one sequence (1-D); got an array of shape {seq.shape}."
            )
        return seq.tolist()
    if isinstance(seq, Sequence):
        return list(seq)
    raise ValueError(
        f"{label} must be a string, list, tuple or 1-D array of tokens; got {type(seq).__name__}."
    )


def edit_distance(ref: Sequence, hyp: Sequence) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions from hyp to ref.

    Args:
        ref: the reference sequence (a string compares characters; a list compares its items).
        hyp: the hypothesis sequence.

    Returns:
        The number of edits, an int >= 0.
    """
    a, b = _tokens(ref, "ref"), _tokens(hyp, "hyp")
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))  # distances from the empty prefix of a
    for i, token_a in enumerate(a, start=1):
        current = [i]
        for j, token_b in enumerate(b, start=1):
            current.append(
                min(
                    previous[j] + 1,  # delete token_a
                    current[j - 1] + 1,  # insert token_b
                    previous[j - 1] + (token_a != token_b),  # substitute (free when equal)
                )
            )
        previous = current
    return previous[-1]


def _pairs(refs: Sequence, hyps: Sequence) -> list[tuple]:
    if isinstance(refs, str) or isinstance(hyps, str):
        raise ValueError(
            "refs and hyps must be lists of sequences (one per example), not a single string; "
            "wrap a single pair in lists: cer([ref], [hyp])."
        )
    refs, hyps = list(refs), list(hyps)
    if len(refs) != len(hyps):
        raise ValueError(f"refs and hyps differ in length: {len(refs)} and {len(hyps)}.")
    if not refs:
        raise ValueError("refs and hyps are empty.")
    return list(zip(refs, hyps))


def _error_rate(pairs: list[tuple], split: Callable[[object, str], Sequence[Hashable]]) -> float:
    edits = total = 0
    for ref, hyp in pairs:
        r, h = split(ref, "each reference"), split(hyp, "each hypothesis")
        edits += edit_distance(r, h)
        total += len(r)
    if total == 0:
        raise ValueError("the references are all empty, so the error rate is undefined.")
    return edits / total


def _words(text: object, label: str) -> list[str]:
    if not isinstance(text, str):
        raise ValueError(f"{label} must be a string of words; got {type(text).__name__}.")
    return text.split()


def cer(refs: Sequence[str], hyps: Sequence[str]) -> float:
    """Character error rate over a corpus: total character edits / total reference characters.

    Args:
        refs: reference strings, one per example.
        hyps: hypothesis strings, as many as ``refs``.

    Returns:
        A float >= 0 (it can exceed 1 when hypotheses are much longer than references).
    """
    for label, items in (("refs", refs), ("hyps", hyps)):
        if not isinstance(items, str) and any(not isinstance(s, str) for s in items):
            raise ValueError(f"cer compares strings: every item of {label} must be a str.")
    return _error_rate(_pairs(refs, hyps), _tokens)


def wer(refs: Sequence[str], hyps: Sequence[str]) -> float:
    """Word error rate over a corpus: word-level edits / total reference words (whitespace split).

    Args:
        refs: reference strings, one per example.
        hyps: hypothesis strings, as many as ``refs``.

    Returns:
        A float >= 0.
    """
    return _error_rate(_pairs(refs, hyps), _words)


def per(refs: Sequence[Sequence], hyps: Sequence[Sequence]) -> float:
    """Token (e.g. phoneme) error rate over a corpus: token edits / total reference tokens.

    Args:
        refs: reference token sequences (lists of phonemes, ids...), one per example.
        hyps: hypothesis token sequences, as many as ``refs``.

    Returns:
        A float >= 0.
    """
    return _error_rate(_pairs(refs, hyps), _tokens)


def exact_match(refs: Sequence, hyps: Sequence) -> float:
    """Fraction of examples whose hypothesis equals the reference exactly.

    Args:
        refs: references, one per example. An item may also be a ``set`` of acceptable answers
            (e.g. every listed pronunciation of a word); the hypothesis then has to equal one.
        hyps: hypotheses, as many as ``refs``.

    Returns:
        A float in [0, 1].
    """
    hits = 0
    for ref, hyp in _pairs(refs, hyps):
        key = tuple(_tokens(hyp, "each hypothesis"))
        if isinstance(ref, (set, frozenset)):
            hits += key in {tuple(_tokens(r, "each reference")) for r in ref}
        else:
            hits += key == tuple(_tokens(ref, "each reference"))
    return hits / len(refs)


def ngram_counts(tokens: Sequence[Hashable], n: int) -> Counter:
    """How often each n-gram (a tuple of ``n`` tokens) occurs in ``tokens``."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def bleu(
    references: Sequence[Sequence[Sequence]],
    hypotheses: Sequence[Sequence],
    max_order: int = 4,
) -> float:
    """Corpus BLEU (Papineni et al., 2002) with the brevity penalty, no smoothing.

    For each order n up to ``max_order``, hypothesis n-grams are counted, each clipped to the
    largest number of times it occurs in any one reference of that hypothesis, and summed over the
    corpus; precision p_n = clipped / total. BLEU = BP * exp(mean_n log p_n), where the brevity
    penalty BP = exp(1 - r / c) when the total hypothesis length c is below the effective
    reference length r (the sum of each hypothesis' closest reference length, the shorter on
    ties), else 1. A zero precision at any order gives BLEU 0.

    Args:
        references: for each hypothesis, a list of one or more reference token lists.
        hypotheses: token lists (a string counts as a sequence of characters).
        max_order: the longest n-gram, 1 to 4 for BLEU-1 to BLEU-4.

    Returns:
        BLEU in [0, 1].
    """
    max_order = positive_int(max_order, "max_order")
    pairs = _pairs(references, hypotheses)
    matches, totals = [0] * max_order, [0] * max_order
    hyp_length = ref_length = 0
    for refs, hyp in pairs:
        if isinstance(refs, str) or not isinstance(refs, Sequence) or not refs:
            raise ValueError(
                "each item of references must be a non-empty list of reference token lists "
                "(several references per hypothesis are allowed)."
            )
        hyp = _tokens(hyp, "each hypothesis")
        refs = [_tokens(r, "each reference") for r in refs]
        hyp_length += len(hyp)
        ref_length += min((abs(len(r) - len(hyp)), len(r)) for r in refs)[1]
        for n in range(1, max_order + 1):
            counts = ngram_counts(hyp, n)
            best: Counter = Counter()
            for r in refs:
                best |= ngram_counts(r, n)  # element-wise max over the references
            matches[n - 1] += sum(min(c, best[g]) for g, c in counts.items())
            totals[n - 1] += max(len(hyp) - n + 1, 0)
    if min(matches) == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_order
    brevity = 1.0 if hyp_length > ref_length else math.exp(1 - ref_length / max(hyp_length, 1))
    return brevity * math.exp(log_precision)


# ---------------------------------------------------------------------------------------------
# Pronunciations (notebooks 08 and 08b)


def closest_pronunciations(
    pronunciations: list[list[list[str]]], predictions: list[list[str]]
) -> list[list[str]]:
    """For each prediction, the listed pronunciation with the fewest edits to it.

    Pass the result as the references to ``per`` / ``exact_match``: a word is
    then right when the prediction equals any listed pronunciation.

    Args:
        pronunciations: per word, every listed pronunciation (lists of phonemes).
        predictions: per word, the predicted phonemes.

    Returns:
        One reference pronunciation per word (ties: the first listed).

    Raises:
        ValueError: if the lists differ in length or a word has no pronunciation.
    """
    if len(pronunciations) != len(predictions):
        raise ValueError(
            f"pronunciations ({len(pronunciations)}) and predictions ({len(predictions)}) "
            "must have the same length."
        )
    out = []
    for options, hyp in zip(pronunciations, predictions):
        if not options:
            raise ValueError("every word needs at least one pronunciation.")
        out.append(min(options, key=lambda ref: edit_distance(ref, hyp)))
    return out


def strip_stress(phonemes: Sequence[str]) -> list[str]:
    """The phonemes without their stress digits.

    Args:
        phonemes: ARPAbet symbols, e.g. ``["S", "P", "IY1", "CH"]``.

    Returns:
        The same symbols with a trailing ``0``, ``1`` or ``2`` removed: ``["S", "P", "IY", "CH"]``.
    """
    return [_STRESS_DIGIT.sub("", p) for p in phonemes]


@dataclass
class PronunciationScores:
    """How right a list of predicted pronunciations is.

    Attributes:
        wer: word error rate as G2P papers define it: the fraction of words whose prediction
            equals none of their listed pronunciations.
        per: phoneme error rate: edits to the closest listed pronunciation, summed over the
            words, over the total length of those pronunciations.
        right: ``(n_words,)`` bool, whether each word is exactly right.
    """

    wer: float
    per: float
    right: np.ndarray


def score_pronunciations(
    pronunciations: list[list[list[str]]],
    predictions: Sequence[Sequence[str]],
    stress: bool = True,
) -> PronunciationScores:
    """WER and PER of predicted pronunciations, any listed pronunciation counting as right.

    Args:
        pronunciations: per word, every listed pronunciation
            (``data.pronunciation.PronunciationData.pronunciations``).
        predictions: per word, the predicted phonemes.
        stress: whether stress digits count. With ``False`` they are stripped from predictions
            and references alike (``"AH0"`` and ``"AH1"`` are then the same phoneme), the way the
            published CMUdict benchmark scores.

    Returns:
        A ``PronunciationScores``.

    Raises:
        ValueError: if the lists differ in length or are empty, a word has no pronunciation, or
            ``stress`` is not a bool.
    """
    stress = flag(stress, "stress")
    if not predictions:
        raise ValueError("predictions is empty; score at least one word.")
    hyps = [list(p) for p in predictions]
    if not stress:
        pronunciations = [[strip_stress(p) for p in options] for options in pronunciations]
        hyps = [strip_stress(p) for p in hyps]
    refs = closest_pronunciations(pronunciations, hyps)
    right = np.array([list(r) == h for r, h in zip(refs, hyps)], dtype=bool)
    return PronunciationScores(wer=float(1 - right.mean()), per=per(refs, hyps), right=right)


# ---------------------------------------------------------------------------------------------
# Accuracy by input length (notebook 08)


def accuracy_by_length(
    lengths: Sequence[int], correct: Sequence[bool], bins: Sequence[int]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Fraction correct per length bin.

    Args:
        lengths: ``(n,)`` input lengths.
        correct: ``(n,)`` whether each output was right, or a score in [0, 1] per example
            (e.g. the fraction of its tokens that are right).
        bins: increasing bin edges; bin ``i`` holds ``bins[i] <= length < bins[i + 1]``.

    Returns:
        Bin labels (e.g. ``"4-6"``), the accuracy per bin (NaN where a bin is empty) and the
        number of examples per bin.

    Raises:
        ValueError: for arrays of different lengths or fewer than two increasing edges.
    """
    size, right = np.asarray(lengths), np.asarray(correct, dtype=float)
    edges = np.asarray(bins)
    if size.shape != right.shape:
        raise ValueError(f"lengths {size.shape} and correct {right.shape} differ.")
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"bins must be at least two increasing edges; got {edges.tolist()}.")
    labels: list[str] = []
    accuracy: list[float] = []
    counts: list[int] = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (size >= lo) & (size < hi)
        labels.append(f"{lo}" if hi == lo + 1 else f"{lo}-{hi - 1}")
        counts.append(int(inside.sum()))
        accuracy.append(float(right[inside].mean()) if inside.any() else np.nan)
    return labels, np.array(accuracy), np.array(counts)


# ---------------------------------------------------------------------------------------------
# Generated captions against their scenes (notebook 09)


def scene_accuracy(captions: list[list[str]], objects: list[list[SceneObject]]) -> float:
    """The fraction of captions that describe their scene exactly.

    A caption is right when ``data.scenes.caption_matches_scene`` accepts it.

    Args:
        captions: one token list per scene.
        objects: each scene's objects (``data.scenes.SceneObject`` lists).

    Returns:
        Accuracy in [0, 1].

    Raises:
        ValueError: if the two lists differ in length or are empty.
    """
    if len(captions) != len(objects) or not captions:
        raise ValueError(
            f"captions and objects must be non-empty and of the same length; got {len(captions)} "
            f"and {len(objects)}."
        )
    from course_lib.data.scenes import caption_matches_scene  # data is heavier than metrics

    hits = sum(caption_matches_scene(c, o) for c, o in zip(captions, objects, strict=True))
    return hits / len(captions)


# ---------------------------------------------------------------------------------------------
# Character models (notebooks 01 and 06)


def unigram_bits_per_char(ids: np.ndarray, vocab_size: int, reference: np.ndarray) -> float:
    """Cross-entropy, in bits per character, of a model that ignores context.

    The character frequencies come from ``reference`` (the training ids, with add-one smoothing)
    and the cost is measured on ``ids``. A sequence model that has learned anything must do
    better than this.

    Args:
        ids: character ids to measure on, any shape.
        vocab_size: number of character ids.
        reference: the ids the frequencies are counted on, any shape.

    Returns:
        The mean cost in bits per character.
    """
    counts = np.bincount(np.asarray(reference).ravel(), minlength=vocab_size) + 1.0
    probs = counts / counts.sum()
    return float(-np.mean(np.log2(probs[np.asarray(ids).ravel()])))


# ---------------------------------------------------------------------------------------------
# Video forecasts (notebook 07)


def mse_per_step(predicted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Mean squared pixel error at each forecast step, averaged over clips and pixels.

    Args:
        predicted: the forecast frames, ``(batch, steps, ...)``.
        truth: the true frames, same shape as ``predicted``.

    Returns:
        float64 ``(steps,)``.

    Raises:
        ValueError: if the shapes differ.
    """
    predicted, truth = np.asarray(predicted, np.float64), np.asarray(truth, np.float64)
    if predicted.shape != truth.shape or predicted.ndim < 2:
        raise ValueError(
            f"predicted and truth must have the same (batch, steps, ...) shape; "
            f"got {predicted.shape} and {truth.shape}."
        )
    axes = (0, *range(2, predicted.ndim))
    return ((predicted - truth) ** 2).mean(axis=axes)


# ---------------------------------------------------------------------------------------------
# Pronunciations decoded as ids (notebooks 08 and 08b)

__all__ += ["score_pronunciation_ids"]

if TYPE_CHECKING:
    from course_lib.data.text import TokenVocabulary


def score_pronunciation_ids(
    pronunciations: list[list[list[str]]],
    predicted_ids: Sequence[Sequence[int]],
    vocab: TokenVocabulary,
    stress: bool = True,
) -> PronunciationScores:
    """``score_pronunciations`` of predicted id lists, each decoded with ``vocab.decode`` first.

    Args:
        pronunciations: per word, every listed pronunciation
            (``data.pronunciation.PronunciationData.pronunciations``).
        predicted_ids: per word, the predicted phoneme ids (e.g. from ``Seq2SeqInference.decode``).
        vocab: the phoneme vocabulary the ids come from (``data.text.TokenVocabulary``, or
            anything whose ``decode(ids)`` returns a list of phonemes).
        stress: whether stress digits count (see ``score_pronunciations``).

    Returns:
        A ``PronunciationScores``: any listed pronunciation counts as right.

    Raises:
        ValueError: as ``score_pronunciations``, or for a ``vocab`` without ``decode``.
    """
    if not callable(getattr(vocab, "decode", None)):
        raise ValueError(f"vocab must have a decode(ids) method; got {type(vocab).__name__}.")
    hyps = [vocab.decode(ids) for ids in predicted_ids]
    return score_pronunciations(pronunciations, hyps, stress=stress)
