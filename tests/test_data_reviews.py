"""The IMDB loader, offline: tensorflow-datasets' mock data stands in for the download."""

import numpy as np
import pytest

from course_lib.data import reviews

tfds = pytest.importorskip("tensorflow_datasets")


def test_load_imdb_reviews_with_mock_data():
    with tfds.testing.mock_data(num_examples=12):
        texts, labels = reviews.load_imdb_reviews("train")
        few, _ = reviews.load_imdb_reviews("test", max_examples=5)
    assert len(texts) == len(labels) == 12 and all(isinstance(t, str) for t in texts)
    assert labels.dtype == np.int32 and set(labels.tolist()) <= {0, 1}
    assert len(few) == 5


def test_load_imdb_reviews_fails_clearly_without_data(monkeypatch):
    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds, "load", offline)
    with pytest.raises(RuntimeError, match="network"):
        reviews.load_imdb_reviews("train")


def test_load_imdb_reviews_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        reviews.load_imdb_reviews("validation")
    with pytest.raises(ValueError, match="max_examples"):
        reviews.load_imdb_reviews("train", max_examples=0)


def test_encode_reviews_builds_and_reuses_a_vocabulary():
    train = ["A great film.<br />Great!", "bad, bad film", "great"]
    ids, vocab = reviews.encode_reviews(train, max_len=4, vocab_size=7)
    assert ids.shape == (3, 4) and ids.dtype == np.int32
    assert vocab.tokens[4:] == ["bad", "film", "great"]  # the 3 most frequent words
    assert vocab.decode(ids[2]) == ["great"] and ids[2, 1:].tolist() == [0, 0, 0]
    assert vocab.decode(ids[0]) == ["<unk>", "great", "film", "<unk>"]  # "a", "." not kept
    test_ids, same = reviews.encode_reviews(["film noir"], max_len=3, vocabulary=vocab)
    assert same is vocab and test_ids.tolist() == [[5, 1, 0]]
    with pytest.raises(ValueError, match="exactly one"):
        reviews.encode_reviews(train, max_len=4)
    with pytest.raises(ValueError, match="max_len"):
        reviews.encode_reviews(train, max_len=0, vocab_size=10)
    with pytest.raises(ValueError, match="vocab_size"):
        reviews.encode_reviews(train, max_len=3, vocab_size=2)
