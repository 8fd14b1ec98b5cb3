"""Evaluation metrics shared by the notebooks.

Sequence metrics take token sequences: a string is a sequence of characters, a list or tuple a
sequence of tokens (words, phonemes, ids). Corpus-level rates are total edits over total reference
length, not an average of per-item rates, so long references weigh more, as in the literature.

A note on names: in speech recognition the *word error rate* is the word-level edit distance
(``wer``). Papers on grapheme-to-phoneme conversion use "WER" for something else: the fraction of
words whose pronunciation has any error, which is ``1 - exact_match``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Sequence

import numpy as np

from course_lib._checks import positive_int

__all__ = [
    "bleu",
    "cer",
    "edit_distance",
    "exact_match",
    "mean_absolute_error",
    "ngram_counts",
    "per",
    "wer",
]


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
