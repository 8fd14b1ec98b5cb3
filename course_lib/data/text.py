"""Real English text shipped with Python itself, and character-level encoding of it."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def load_python_docs(max_chars: int | None = None) -> str:
    """The prose of Python's own documentation topics (``pydoc_data.topics``), about 465k chars.

    Every CPython install ships it for ``help()``, so it is real English prose available offline.
    Topics are joined in sorted order, so the text is the same on every run.

    Args:
        max_chars: keep only the first ``max_chars`` characters (all when None).

    Returns:
        The text as one string.

    Raises:
        ValueError: if ``max_chars`` is not a positive integer.
    """
    from pydoc_data.topics import topics

    if max_chars is not None and (not isinstance(max_chars, int) or max_chars < 1):
        raise ValueError(f"max_chars must be a positive integer or None; got {max_chars!r}.")
    text = "\n\n".join(topics[key].strip() for key in sorted(topics))
    return text if max_chars is None else text[:max_chars]


class CharVocabulary:
    """A fixed mapping between characters and integer ids; id 0 stands for unknown characters.

    Args:
        chars: the characters to give ids to (duplicates are ignored; order is sorted).
    """

    UNKNOWN = "\ufffd"

    def __init__(self, chars: Iterable[str]):
        uniq = sorted(set(chars) - {self.UNKNOWN})
        if not uniq:
            raise ValueError("chars must contain at least one character.")
        if any(len(c) != 1 for c in uniq):
            raise ValueError("chars must be single characters.")
        self.chars: list[str] = [self.UNKNOWN, *uniq]
        self._index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str, min_count: int = 1) -> CharVocabulary:
        """Build a vocabulary of the characters that occur at least ``min_count`` times."""
        if min_count < 1:
            raise ValueError(f"min_count must be >= 1; got {min_count}.")
        values, counts = np.unique(np.array(list(text)), return_counts=True)
        return cls(str(v) for v, c in zip(values, counts, strict=True) if c >= min_count)

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """Text -> int32 ids of shape ``(len(text),)``; unknown characters map to 0."""
        return np.fromiter((self._index.get(c, 0) for c in text), dtype=np.int32, count=len(text))

    def decode(self, ids: Iterable[int]) -> str:
        """Ids -> text.

        Raises:
            ValueError: for an id outside ``[0, len(self))``.
        """
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.chars):
                raise ValueError(f"id {i} is outside the vocabulary of {len(self.chars)} ids.")
            out.append(self.chars[i])
        return "".join(out)


def char_sequences(
    ids: np.ndarray, seq_len: int, step: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a stream of ids into next-character training pairs.

    Args:
        ids: shape ``(n,)``.
        seq_len: length of each input sequence.
        step: distance between the starts of consecutive sequences (``seq_len`` when None).

    Returns:
        ``x`` and ``y``, int32 arrays of shape ``(samples, seq_len)``, with ``y`` the inputs
        shifted by one: the model predicts every next character (many-to-many).

    Raises:
        ValueError: for bad lengths or a stream too short for one sequence.
    """
    ids = np.asarray(ids)
    step = seq_len if step is None else step
    if seq_len < 1 or step < 1:
        raise ValueError(f"seq_len and step must be >= 1; got {seq_len} and {step}.")
    if ids.ndim != 1 or len(ids) < seq_len + 1:
        raise ValueError(f"ids must be 1-D with at least seq_len + 1 = {seq_len + 1} values.")
    starts = np.arange(0, len(ids) - seq_len, step)
    idx = starts[:, None] + np.arange(seq_len + 1)[None, :]
    chunks = ids[idx].astype(np.int32)
    return chunks[:, :-1], chunks[:, 1:]


def unigram_bits_per_char(ids: np.ndarray, vocab_size: int, reference: np.ndarray) -> float:
    """Cross-entropy, in bits per character, of a model that ignores context.

    The character frequencies come from ``reference`` (the training ids, with add-one smoothing)
    and the cost is measured on ``ids``. A sequence model that has learned anything must do
    better than this.
    """
    counts = np.bincount(np.asarray(reference).ravel(), minlength=vocab_size) + 1.0
    probs = counts / counts.sum()
    return float(-np.mean(np.log2(probs[np.asarray(ids).ravel()])))
