import numpy as np
import pytest

from course_lib.data.text import (
    CharVocabulary,
    char_sequences,
    load_python_docs,
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
    with pytest.raises(ValueError, match="seq_len must be a positive integer"):
        char_sequences(ids, seq_len=0)


# --- token vocabularies, word tokens, tagging data (notebook 02) ---

from course_lib.data.text import (  # noqa: E402
    TokenVocabulary,
    context_lookup_tags,
    join_words,
    parenthesis_tags,
    tokenize_words,
)


def test_token_vocabulary_reserves_ids_and_round_trips():
    vocab = TokenVocabulary.from_sequences(["abc", "cab", "d"])
    assert vocab.tokens[:4] == ["<pad>", "<unk>", "<start>", "<end>"]
    assert len(vocab) == 8 and vocab.tokens[4:] == ["a", "b", "c", "d"]
    ids = vocab.encode("cad", add_start=True, add_end=True)
    assert ids.dtype == np.int32 and ids.tolist() == [2, 6, 4, 7, 3]
    assert vocab.decode(ids) == ["c", "a", "d"] and vocab.decode_string(ids) == "cad"
    assert vocab.encode("z").tolist() == [TokenVocabulary.UNK]
    assert vocab.decode([4, 3, 5]) == ["a"]  # stops at the end marker
    assert vocab.decode([4, 3, 5], stop_at_end=False) == ["a", "b"]
    words = TokenVocabulary.from_sequences([["one", "two"], ["two"]], min_count=2)
    assert words.tokens[4:] == ["two"] and words.decode_string([4, 4], sep=" ") == "two two"
    assert vocab.encode("").shape == (0,)


def test_token_vocabulary_pads_batches():
    vocab = TokenVocabulary("abc")
    post = vocab.encode_batch(["ab", "c", ""], max_len=4)
    assert post.shape == (3, 4) and post.dtype == np.int32
    np.testing.assert_array_equal(post, [[4, 5, 0, 0], [6, 0, 0, 0], [0, 0, 0, 0]])
    pre = vocab.encode_batch(["ab", "c"], padding="pre")
    np.testing.assert_array_equal(pre, [[4, 5], [0, 6]])
    marked = vocab.encode_batch(["ab"], add_start=True, add_end=True)
    np.testing.assert_array_equal(marked, [[2, 4, 5, 3]])


def test_token_vocabulary_bad_arguments():
    vocab = TokenVocabulary("ab")
    with pytest.raises(ValueError, match="padding"):
        vocab.encode_batch(["a"], padding="middle")
    with pytest.raises(ValueError, match="max_len"):
        vocab.encode_batch(["abab"], max_len=2)
    with pytest.raises(ValueError, match="max_len"):
        vocab.encode_batch(["a"], max_len=0)
    with pytest.raises(ValueError, match="at least one sequence"):
        vocab.encode_batch([])
    with pytest.raises(ValueError, match="outside"):
        vocab.decode([6])
    with pytest.raises(ValueError, match="at least one token"):
        TokenVocabulary([])
    with pytest.raises(ValueError, match="other than"):
        TokenVocabulary(["<pad>", "a"])
    with pytest.raises(ValueError, match="min_count"):
        TokenVocabulary.from_sequences(["a"], min_count=0)


def test_word_tokens_round_trip_number_words():
    text = "nine thousand, nine hundred and ninety-nine"
    tokens = tokenize_words(text)
    assert tokens == ["nine", "thousand", ",", "nine", "hundred", "and", "ninety", "-", "nine"]
    assert join_words(tokens) == text


def test_parenthesis_tags_need_memory():
    text = "a (b (c) d) e\n\n(f\n\ng) h"
    tags = parenthesis_tags(text)
    assert tags.shape == (len(text),) and tags.dtype == np.int32
    inside = "".join(c for c, t in zip(text, tags) if t)
    assert inside == "(b (c) d)(f"  # brackets count as inside; a blank line ends it
    assert parenthesis_tags("x) (y").tolist() == [0, 0, 0, 1, 1]  # a stray ) does not go negative
    assert parenthesis_tags("").shape == (0,)


def test_context_lookup_tags():
    x_train = np.array([[1, 2, 1, 3], [2, 1, 3, 1]])
    y_train = np.array([[0, 0, 1, 1], [0, 1, 1, 1]])
    # with one character of context: 1 -> mostly 1, 2 -> 0, 3 -> 1; unseen 9 -> overall majority
    got = context_lookup_tags(x_train, y_train, np.array([[1, 2, 3, 9]]), context=1)
    assert got.shape == (1, 4) and got.tolist() == [[1, 0, 1, 1]]
    # with two: (2, 1) was followed by tags 1 and 1; the first step has only one id of context
    got = context_lookup_tags(x_train, y_train, np.array([[2, 1]]), context=2)
    assert got.tolist() == [[0, 1]]
    with pytest.raises(ValueError, match="context"):
        context_lookup_tags(x_train, y_train, x_train, context=0)
    with pytest.raises(ValueError, match="2-D"):
        context_lookup_tags(x_train[0], y_train[0], x_train)


# --- word segmentation (notebook 05) ---


def test_letter_words_and_boundary_tags_round_trip():
    from course_lib.data.text import insert_boundaries, letter_words, word_boundary_tags

    words = letter_words("Don't stop, 3 times! Café")
    assert words == ["don", "t", "stop", "times", "caf"]
    letters, tags = word_boundary_tags(["the", "n", "then"])
    assert letters == "thenthen" and tags.dtype == np.int32
    assert tags.tolist() == [0, 0, 1, 1, 0, 0, 0, 1]
    assert insert_boundaries(letters, tags) == "the n then"
    text_words = letter_words(load_python_docs(max_chars=5_000))
    letters, tags = word_boundary_tags(text_words)
    assert insert_boundaries(letters, tags) == " ".join(text_words)
    assert tags.sum() == len(text_words) and len(letters) == sum(map(len, text_words))
    with pytest.raises(ValueError, match="words"):
        word_boundary_tags(["a b"])
    with pytest.raises(ValueError, match="words"):
        word_boundary_tags(["a", ""])
    with pytest.raises(ValueError, match="tags"):
        insert_boundaries("abc", [0, 1])
    with pytest.raises(ValueError, match="text"):
        letter_words(None)


def test_tagged_windows_stay_aligned():
    from course_lib.data.text import tagged_windows

    ids = np.arange(10)
    tags = ids % 2
    x, y = tagged_windows(ids, tags, seq_len=4)
    assert x.shape == y.shape == (2, 4) and x.dtype == y.dtype == np.int32
    np.testing.assert_array_equal(x, [[0, 1, 2, 3], [4, 5, 6, 7]])
    np.testing.assert_array_equal(y, x % 2)
    x, _ = tagged_windows(ids, tags, seq_len=4, step=3)
    np.testing.assert_array_equal(x[:, 0], [0, 3, 6])
    with pytest.raises(ValueError, match="seq_len"):
        tagged_windows(ids, tags, seq_len=0)
    with pytest.raises(ValueError, match="step"):
        tagged_windows(ids, tags, seq_len=2, step=0)
    with pytest.raises(ValueError, match="tags"):
        tagged_windows(ids, tags[:-1], seq_len=2)
    with pytest.raises(ValueError, match="seq_len"):
        tagged_windows(ids, tags, seq_len=11)
