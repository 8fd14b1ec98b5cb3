"""Movie reviews (IMDB) through tensorflow-datasets, for the full profile of notebook 05.

The data (about 80 MB) is downloaded by tensorflow-datasets on first use and cached in its data
directory; without network and without a cache the loader fails with a message saying so. The
quick and standard profiles never call it, and the tests use ``tfds.testing.mock_data``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from course_lib._args import choice, positive_int
from course_lib.data._tfds import require_tfds
from course_lib.data.text import TokenVocabulary, tokenize_words

__all__ = ["IMDB_SPLITS", "load_imdb_reviews", "encode_reviews"]

IMDB_SPLITS = ("train", "test")


def load_imdb_reviews(
    split: str = "train", max_examples: int | None = None, data_dir: str | None = None
) -> tuple[list[str], np.ndarray]:
    """Reviews and their sentiment from the ``imdb_reviews`` dataset (25,000 per split).

    Args:
        split: ``"train"`` or ``"test"``.
        max_examples: keep the first ``max_examples`` reviews (all when None).
        data_dir: where tensorflow-datasets keeps its data (its default when None).

    Returns:
        ``(texts, labels)``: ``n`` review strings and an int32 array ``(n,)``, 1 for a positive
        review and 0 for a negative one.

    Raises:
        ValueError: for an unknown split or a bad ``max_examples``.
        RuntimeError: when the data can be neither found nor downloaded.
    """
    choice(split, "split", IMDB_SPLITS)
    max_examples = positive_int(max_examples, "max_examples", allow_none=True)
    tfds = require_tfds("load_imdb_reviews")
    try:
        ds = tfds.load(
            "imdb_reviews", split=split, as_supervised=True, data_dir=data_dir, download=True
        )
        if max_examples is not None:
            ds = ds.take(max_examples)
        pairs = [(t.decode("utf-8"), int(y)) for t, y in tfds.as_numpy(ds)]
    except Exception as err:
        raise RuntimeError(
            "could not load 'imdb_reviews' through tensorflow-datasets. On first use it downloads "
            "about 80 MB, so it needs network access (the full profile only; the quick and "
            "standard profiles run offline). Check the connection, or prepare the data once on "
            f"a connected machine and pass data_dir. Original error: {type(err).__name__}: {err}"
        ) from err
    texts = [t for t, _ in pairs]
    labels = np.array([y for _, y in pairs], dtype=np.int32)
    return texts, labels


def encode_reviews(
    texts: Sequence[str],
    max_len: int,
    vocab_size: int | None = None,
    vocabulary: TokenVocabulary | None = None,
) -> tuple[np.ndarray, TokenVocabulary]:
    """Turn reviews into padded word ids for an ``Embedding(mask_zero=True)`` model.

    Words are lower-cased ``tokenize_words`` tokens; ``<br />`` tags are removed. A review
    longer than ``max_len`` words keeps its first ``max_len``.

    Args:
        texts: the reviews.
        max_len: width of the id array.
        vocab_size: build a vocabulary of the ``vocab_size - 4`` most frequent words of
            ``texts`` (ids 0-3 are reserved, see ``TokenVocabulary``). Give it for the training
            set.
        vocabulary: reuse a vocabulary built before (for the test set).

    Returns:
        ``(ids, vocabulary)``: int32 ``(len(texts), max_len)``, 0 after each review's end, and
        the vocabulary used.

    Raises:
        ValueError: unless exactly one of ``vocab_size`` and ``vocabulary`` is given, or for a
            bad ``max_len`` / ``vocab_size``.
    """
    if (vocab_size is None) == (vocabulary is None):
        raise ValueError("give exactly one of vocab_size (to build) or vocabulary (to reuse).")
    max_len = positive_int(max_len, "max_len")
    tokens = [tokenize_words(t.replace("<br />", " ").lower())[:max_len] for t in texts]
    if vocabulary is None:
        vocab_size = positive_int(vocab_size, "vocab_size", minimum=5)
        counts = Counter(w for seq in tokens for w in seq)
        common = sorted(counts, key=lambda w: (-counts[w], w))[: vocab_size - 4]
        vocabulary = TokenVocabulary(common or ["<none>"])
    return vocabulary.encode_batch(tokens, max_len=max_len), vocabulary
