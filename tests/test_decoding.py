import keras
import numpy as np
import pytest

from course_lib import models
from course_lib.data.text import CharVocabulary
from course_lib.decoding import generate_text, generate_tokens, sample_from_logits


def test_sampling_follows_softmax_and_greedy():
    logits = np.array([[1.0, 0.0, -1.0]])
    assert sample_from_logits(logits, 0.0, np.random.default_rng(0)).tolist() == [0]
    rng = np.random.default_rng(0)
    draws = np.concatenate([sample_from_logits(logits, 1.0, rng) for _ in range(5000)])
    p = np.exp(logits[0]) / np.exp(logits[0]).sum()
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 5000, p, atol=0.02)
    with pytest.raises(ValueError, match="temperature"):
        sample_from_logits(logits, -1.0, rng)
    with pytest.raises(ValueError, match="batch, vocab"):
        sample_from_logits(logits[0], 1.0, rng)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_greedy_generation_matches_running_the_whole_model(cell):
    keras.utils.set_random_seed(0)
    vocab = CharVocabulary("abcdefgh ")
    model = models.build_char_language_model(len(vocab), units=16, embedding_dim=4, cell=cell)
    text = generate_text(model, vocab, "abc", length=12, temperature=0.0)
    ids = list(vocab.encode("abc"))
    for _ in range(12):  # the slow way: rerun the model on everything so far
        ids.append(int(np.asarray(model(np.array([ids], dtype="int32")))[0, -1].argmax()))
    assert text == vocab.decode(ids)


def test_sampled_generation_is_seeded():
    vocab = CharVocabulary("abc")
    model = models.build_char_language_model(len(vocab), units=4, embedding_dim=2)
    a = generate_text(model, vocab, "ab", 30, temperature=1.0, seed=3)
    assert len(a) == 32 and a == generate_text(model, vocab, "ab", 30, temperature=1.0, seed=3)


def test_generate_text_bad_arguments():
    vocab = CharVocabulary("abc")
    model = models.build_char_language_model(len(vocab), units=4, embedding_dim=2)
    with pytest.raises(ValueError, match="prompt"):
        generate_text(model, vocab, "", 3)
    with pytest.raises(ValueError, match="length"):
        generate_text(model, vocab, "a", -1)
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match="embedding"):
        generate_text(other, vocab, "a", 3)


def test_generate_tokens_feeds_outputs_back():
    class Counter(keras.Model):
        """Scores id (last id + 1) highest; id 3 is the end marker after it reaches 7."""

        def call(self, inputs, training=False):
            context, previous = inputs
            nxt = np.asarray(previous)[:, -1] + 1
            nxt = np.where(nxt > 7, 3, nxt) + np.asarray(context)[:, 0] * 0
            return keras.ops.one_hot(np.repeat(nxt[:, None], previous.shape[1], 1), 10) * 9

    out = generate_tokens(Counter(), np.array([[0], [0]]), start_id=4, end_id=3, max_len=6)
    assert out.shape == (2, 6) and out.dtype == np.int32
    assert out[0].tolist() == [5, 6, 7, 0, 0, 0]  # the end marker and after become padding
    sampled = generate_tokens(Counter(), np.zeros((1, 1)), 4, 3, max_len=2, temperature=1.0)
    assert sampled.shape == (1, 2)


def test_generate_tokens_bad_arguments():
    with pytest.raises(ValueError, match="max_len"):
        generate_tokens(None, np.zeros(1), 2, 3, max_len=0)
    with pytest.raises(ValueError, match="temperature"):
        generate_tokens(None, np.zeros(1), 2, 3, max_len=2, temperature=-1)
