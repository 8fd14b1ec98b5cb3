"""Real English text shipped with Python itself, and encoding of text for sequence models."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from course_lib._args import choice, positive_int

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
"""The English words for the digits 0-9 (spoken in the speech data, written in scene captions)."""


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

    max_chars = positive_int(max_chars, "max_chars", allow_none=True)
    text = "\n\n".join(topics[key].strip() for key in sorted(topics))
    return text if max_chars is None else text[:max_chars]


class CharVocabulary:
    """A fixed mapping between characters and integer ids; id 0 stands for unknown characters.

    Args:
        chars: the characters to give ids to (duplicates are ignored; order is sorted).
    """

    UNKNOWN = "\ufffd"

    def __init__(self, chars: Iterable[str]) -> None:
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
        min_count = positive_int(min_count, "min_count")
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
    seq_len = positive_int(seq_len, "seq_len")
    step = seq_len if step is None else positive_int(step, "step")
    if ids.ndim != 1 or len(ids) < seq_len + 1:
        raise ValueError(f"ids must be 1-D with at least seq_len + 1 = {seq_len + 1} values.")
    starts = np.arange(0, len(ids) - seq_len, step)
    idx = starts[:, None] + np.arange(seq_len + 1)[None, :]
    chunks = ids[idx].astype(np.int32)
    return chunks[:, :-1], chunks[:, 1:]


# ---------------------------------------------------------------------------------------------
# Vectorising sequences of tokens for models that pad, mask and generate (notebook 02 onwards)


class TokenVocabulary:
    """Ids for tokens (characters or words), with four reserved ids for sequence models.

    Id 0 is padding (so ``Embedding(mask_zero=True)`` masks it), 1 an unknown token, 2 the start
    marker a decoder reads first, 3 the end marker a decoder writes last. Tokens get ids from 4
    on, in sorted order.

    Args:
        tokens: the tokens to give ids to (duplicates ignored); strings that are not the
            reserved names.
    """

    PAD, UNK, START, END = 0, 1, 2, 3
    SPECIALS = ("<pad>", "<unk>", "<start>", "<end>")

    def __init__(self, tokens: Iterable[str]) -> None:
        uniq = sorted(set(tokens))
        if not uniq:
            raise ValueError("tokens must contain at least one token.")
        bad = [t for t in uniq if not isinstance(t, str) or not t or t in self.SPECIALS]
        if bad:
            raise ValueError(
                f"tokens must be non-empty strings other than {self.SPECIALS}; got {bad[:3]}."
            )
        self.tokens: list[str] = [*self.SPECIALS, *uniq]
        self._index = {t: i for i, t in enumerate(self.tokens)}

    @classmethod
    def from_sequences(
        cls, sequences: Iterable[Sequence[str]], min_count: int = 1
    ) -> TokenVocabulary:
        """The tokens that occur at least ``min_count`` times in ``sequences``.

        A string counts as a sequence of characters; a list of words as a sequence of words.
        """
        min_count = positive_int(min_count, "min_count")
        counts = Counter(token for seq in sequences for token in seq)
        return cls(t for t, c in counts.items() if c >= min_count)

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(
        self, sequence: Sequence[str], add_start: bool = False, add_end: bool = False
    ) -> np.ndarray:
        """Tokens -> int32 ids of shape ``(len(sequence) + add_start + add_end,)``.

        Unknown tokens map to ``UNK``.
        """
        ids = [self._index.get(t, self.UNK) for t in sequence]
        return np.array(
            [self.START] * add_start + ids + [self.END] * add_end, dtype=np.int32
        ).reshape(-1)

    def encode_batch(
        self,
        sequences: Sequence[Sequence[str]],
        max_len: int | None = None,
        add_start: bool = False,
        add_end: bool = False,
        padding: str = "post",
    ) -> np.ndarray:
        """Encode several sequences into one padded int32 array ``(n, max_len)``.

        Args:
            sequences: ``n`` token sequences of any lengths.
            max_len: width of the array (the longest encoded sequence when None).
            add_start: put the start marker before every sequence.
            add_end: put the end marker after every sequence.
            padding: ``"post"`` pads after each sequence (what cuDNN and masks expect),
                ``"pre"`` before it.

        Returns:
            int32 array ``(n, max_len)`` with ``PAD`` (0) in the padded positions.

        Raises:
            ValueError: for an unknown ``padding``, no sequences, or a sequence longer than
                ``max_len``.
        """
        choice(padding, "padding", ("post", "pre"))
        encoded = [self.encode(s, add_start, add_end) for s in sequences]
        if not encoded:
            raise ValueError("sequences must contain at least one sequence.")
        longest = max(len(e) for e in encoded)
        if max_len is None:
            max_len = longest
        max_len = positive_int(max_len, "max_len", allow_none=True)
        if longest > max_len:
            raise ValueError(
                f"a sequence has {longest} ids (markers included) but max_len={max_len}; "
                "raise max_len or shorten the data."
            )
        out = np.full((len(encoded), max_len), self.PAD, dtype=np.int32)
        for row, ids in enumerate(encoded):
            if len(ids):
                if padding == "post":
                    out[row, : len(ids)] = ids
                else:
                    out[row, max_len - len(ids) :] = ids
        return out

    def decode(self, ids: Iterable[int], stop_at_end: bool = True) -> list[str]:
        """Ids -> tokens, leaving out padding and start markers.

        Args:
            ids: token ids.
            stop_at_end: stop at the first end marker (otherwise end markers are left out).

        Returns:
            The tokens; unknown ids come back as ``"<unk>"``.

        Raises:
            ValueError: for an id outside ``[0, len(self))``.
        """
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.tokens):
                raise ValueError(f"id {i} is outside the vocabulary of {len(self.tokens)} ids.")
            if i == self.END and stop_at_end:
                break
            if i in (self.PAD, self.START, self.END):
                continue
            out.append(self.tokens[i])
        return out

    def decode_string(self, ids: Iterable[int], sep: str = "") -> str:
        """``decode`` joined with ``sep`` (``""`` for characters, ``" "`` for words)."""
        return sep.join(self.decode(ids))


_WORD_RE = re.compile(r"\w+|[^\w\s]")


def tokenize_words(text: str) -> list[str]:
    """Split text into words and single punctuation marks.

    ``"twenty-one, two"`` -> ``["twenty", "-", "one", ",", "two"]``.
    """
    return _WORD_RE.findall(text)


def join_words(tokens: Sequence[str]) -> str:
    """The inverse of ``tokenize_words`` for English number words.

    Spaces go between words, none around hyphens, none before commas:
    ``["twenty", "-", "one", ",", "two"]`` -> ``"twenty-one, two"``.
    """
    text = " ".join(tokens)
    return text.replace(" - ", "-").replace(" ,", ",")


def parenthesis_tags(text: str) -> np.ndarray:
    """Tag every character with 1 when it lies inside parentheses, else 0.

    A running depth goes up at ``(`` and down after ``)`` (never below 0) and is reset at every
    blank line, so a stray bracket cannot spill into the next paragraph. The brackets count as
    inside. Which tag a character gets depends on a ``(`` that may be many characters back: a
    tagger needs memory, not just the character in front of it.

    Args:
        text: any string.

    Returns:
        int32 array ``(len(text),)`` of 0 and 1.
    """
    tags = np.zeros(len(text), dtype=np.int32)
    depth = 0
    for i, char in enumerate(text):
        if char == "\n" and text[i + 1 : i + 2] == "\n":
            depth = 0
        if char == "(":
            depth += 1
        tags[i] = depth > 0
        if char == ")":
            depth = max(depth - 1, 0)
    return tags


def context_lookup_tags(
    x_train: np.ndarray, y_train: np.ndarray, x: np.ndarray, context: int = 1
) -> np.ndarray:
    """A tagger with a fixed, short memory: a lookup table from the last ``context`` ids.

    For every position of ``x`` it predicts the tag seen most often in training after the same
    ``context`` ids (fewer at the start of a window); contexts never seen in training get the
    overall most frequent tag. It is the best any model can do that looks only that far back,
    on the training data, so a tagger that uses memory should beat it.

    Args:
        x_train: int array ``(n, time)`` of training ids.
        y_train: int array ``(n, time)``, the tags of ``x_train``.
        x: int array ``(m, time2)`` to tag.
        context: how many ids the table looks at (the current one included), >= 1.

    Returns:
        int array ``(m, time2)`` of predicted tags.

    Raises:
        ValueError: for a bad ``context`` or arrays that are not 2-D / not aligned.
    """
    x_train, y_train, x = np.asarray(x_train), np.asarray(y_train), np.asarray(x)
    context = positive_int(context, "context")
    if x_train.ndim != 2 or x_train.shape != y_train.shape or x.ndim != 2:
        raise ValueError("x_train and y_train must be equal 2-D arrays (n, time); x must be 2-D.")

    def keys(ids: np.ndarray) -> list[list[tuple]]:
        return [
            [tuple(row[max(0, t - context + 1) : t + 1]) for t in range(len(row))] for row in ids
        ]

    table: dict[tuple, Counter] = {}
    for row_keys, row_tags in zip(keys(x_train), y_train, strict=True):
        for key, tag in zip(row_keys, row_tags, strict=True):
            table.setdefault(key, Counter())[int(tag)] += 1
    default = int(np.bincount(y_train.ravel()).argmax())
    best = {key: counter.most_common(1)[0][0] for key, counter in table.items()}
    return np.array([[best.get(k, default) for k in row] for row in keys(x)], dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Word segmentation (notebook 05): recover the spaces of text written without them


_LETTERS_RE = re.compile(r"[a-z]+")


def letter_words(text: str) -> list[str]:
    """The words of ``text``: lower-cased runs of the letters a-z, everything else dropped.

    ``"Don't stop, 3 times!"`` -> ``["don", "t", "stop", "times"]``.

    Args:
        text: any string.

    Returns:
        The words in order.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string; got {type(text).__name__}.")
    return _LETTERS_RE.findall(text.lower())


def word_boundary_tags(words: Sequence[str]) -> tuple[str, np.ndarray]:
    """Write words with no spaces between them and tag where each word ends.

    ``["the", "cat"]`` -> ``("thecat", [0, 0, 1, 0, 0, 1])``. Whether a letter ends a word
    often depends on the letters that follow (``the|n`` or ``then``), which is why the task
    rewards a tagger that can read ahead.

    Args:
        words: non-empty strings without whitespace.

    Returns:
        ``(letters, tags)``: the joined string of length ``n`` and an int32 array ``(n,)`` with
        1 at the last letter of every word.

    Raises:
        ValueError: for an empty word or a word containing whitespace.
    """
    words = list(words)
    bad = [w for w in words if not isinstance(w, str) or not w or any(c.isspace() for c in w)]
    if bad:
        raise ValueError(f"words must be non-empty strings without whitespace; got {bad[:3]}.")
    letters = "".join(words)
    tags = np.zeros(len(letters), dtype=np.int32)
    tags[np.cumsum([len(w) for w in words], dtype=np.int64) - 1] = 1
    return letters, tags


def insert_boundaries(letters: str, tags: Sequence[int]) -> str:
    """The inverse of ``word_boundary_tags``: a space after every letter tagged 1.

    Args:
        letters: the text without spaces, length ``n``.
        tags: ``n`` values, 1 where a word ends (a trailing space is not added).

    Returns:
        The text with spaces put back.

    Raises:
        ValueError: if the lengths differ.
    """
    flags = np.asarray(tags).ravel()
    if len(flags) != len(letters):
        raise ValueError(f"tags has {len(flags)} values for {len(letters)} letters.")
    out = "".join(c + (" " if t else "") for c, t in zip(letters, flags, strict=True))
    return out.rstrip(" ")


def tagged_windows(
    ids: np.ndarray, tags: np.ndarray, seq_len: int, step: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut an id stream and its aligned tags into windows of the same ``seq_len`` steps.

    Args:
        ids: array of shape ``(n,)``.
        tags: array of shape ``(n,)``, aligned with ``ids``.
        seq_len: length of each window.
        step: distance between the starts of consecutive windows (``seq_len`` when None: no
            overlap).

    Returns:
        ``x`` and ``y``, int32 arrays ``(windows, seq_len)``; the last incomplete window is
        dropped.

    Raises:
        ValueError: for bad lengths, misaligned arrays, or a stream shorter than one window.
    """
    ids, tags = np.asarray(ids), np.asarray(tags)
    seq_len = positive_int(seq_len, "seq_len")
    step = seq_len if step is None else positive_int(step, "step")
    if ids.ndim != 1 or ids.shape != tags.shape:
        raise ValueError(
            f"ids and tags must be 1-D of equal length; got {ids.shape}, {tags.shape}."
        )
    if len(ids) < seq_len:
        raise ValueError(f"the stream has {len(ids)} values, fewer than seq_len={seq_len}.")
    idx = np.arange(0, len(ids) - seq_len + 1, step)[:, None] + np.arange(seq_len)[None, :]
    return ids[idx].astype(np.int32), tags[idx].astype(np.int32)
