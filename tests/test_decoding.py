import numpy as np
import pytest

from course_lib.data.text import CharVocabulary
from course_lib.decoding import generate_text, sample_from_logits


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


class _Echo:
    """A fake model that always predicts the character after the last one (cyclically)."""

    def __init__(self, vocab_size):
        self.n = vocab_size

    def __call__(self, ids, training=False):
        logits = np.full(ids.shape + (self.n,), -50.0)
        nxt = (ids % (self.n - 1)) + 1
        np.put_along_axis(logits, nxt[..., None], 50.0, axis=-1)
        return logits


def test_generate_text_extends_the_prompt_deterministically():
    vocab = CharVocabulary("abc")
    text = generate_text(_Echo(len(vocab)), vocab, "a", length=4, temperature=0.0)
    assert text == "abcab"
    a = generate_text(_Echo(len(vocab)), vocab, "ab", 5, temperature=1.0, seed=3)
    assert a == generate_text(_Echo(len(vocab)), vocab, "ab", 5, temperature=1.0, seed=3)
    with pytest.raises(ValueError, match="prompt"):
        generate_text(_Echo(4), vocab, "", 3)
