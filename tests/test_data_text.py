import numpy as np
import pytest

from course_lib.data.text import (
    CharVocabulary,
    char_sequences,
    load_python_docs,
    unigram_bits_per_char,
)


def test_python_docs_is_real_deterministic_text():
    text = load_python_docs()
    assert len(text) > 300_000
    assert "the" in text and text == load_python_docs()
    assert load_python_docs(max_chars=100) == text[:100]
    with pytest.raises(ValueError, match="max_chars"):
        load_python_docs(max_chars=0)


def test_vocabulary_round_trip_and_unknowns():
    vocab = CharVocabulary.from_text("hello world")
    assert len(vocab) == 1 + len(set("hello world"))
    ids = vocab.encode("hold")
    assert ids.dtype == np.int32 and vocab.decode(ids) == "hold"
    assert vocab.encode("z")[0] == 0 and vocab.decode([0]) == CharVocabulary.UNKNOWN
    with pytest.raises(ValueError, match="outside"):
        vocab.decode([99])
    rare = CharVocabulary.from_text("aaab", min_count=2)
    assert rare.chars[1:] == ["a"]
    with pytest.raises(ValueError, match="at least one"):
        CharVocabulary("")


def test_char_sequences_shift_by_one():
    ids = np.arange(11)
    x, y = char_sequences(ids, seq_len=4, step=3)
    assert x.shape == y.shape == (3, 4)
    np.testing.assert_array_equal(x[1], [3, 4, 5, 6])
    np.testing.assert_array_equal(y[1], [4, 5, 6, 7])
    with pytest.raises(ValueError, match="at least"):
        char_sequences(np.arange(3), seq_len=5)
    with pytest.raises(ValueError, match=">= 1"):
        char_sequences(ids, seq_len=0)


def test_unigram_bits_per_char():
    ref = np.array([0, 1] * 50)
    assert unigram_bits_per_char(np.array([0, 1]), 2, ref) == pytest.approx(1.0)
    assert unigram_bits_per_char(np.array([0]), 4, np.zeros(1000, int)) < 0.01
