"""CMUdict: a fixed split by word, the first pronunciation as target, the stress digits."""

import pytest

from course_lib import metrics
from course_lib.data import pronunciation as pron


@pytest.fixture(scope="module")
def splits():
    return {s: pron.load_cmudict(s) for s in pron.SPLITS}


def test_split_sizes_and_disjoint(splits):
    words = {s: set(d.words) for s, d in splits.items()}
    assert len(words["train"]) == 112_418
    assert len(words["validation"]) == 6_153 and len(words["test"]) == 6_355
    assert not words["train"] & words["test"] and not words["train"] & words["validation"]
    assert not words["validation"] & words["test"]


def test_entries(splits):
    test = splits["test"]
    phonemes = {p for ph in splits["train"].phonemes for p in ph}
    assert len(phonemes) == 69 and "IY1" in phonemes and "IY" not in phonemes
    for word, target, options in zip(test.words, test.phonemes, test.pronunciations):
        assert all(c.isalpha() and c.islower() or c == "'" for c in word)
        assert target == options[0] and all(options)
    several = sum(len(p) > 1 for p in splits["train"].pronunciations)
    assert 7_000 < several < 8_000


def test_subsets_are_prefixes_in_hash_order(splits):
    small = pron.load_cmudict("test", max_words=50)
    assert small.words == splits["test"].words[:50]
    short = pron.load_cmudict("test", max_words=50, max_letters=6)
    assert len(short) == 50 and max(map(len, short.words)) <= 6


def test_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        pron.load_cmudict("dev")
    with pytest.raises(ValueError, match="max_words"):
        pron.load_cmudict("test", max_words=0)


def test_stress_free_phoneme_set_is_the_39_of_arpabet(splits):
    phonemes = {p for ph in splits["train"].phonemes for p in metrics.strip_stress(ph)}
    assert len(phonemes) == 39 and not any(c.isdigit() for p in phonemes for c in p)


def test_score_pronunciations_matches_an_independent_count(splits):
    """Against a plain loop: a word is right when its prediction is any listed pronunciation."""
    test = splits["test"]
    hyps = [p[:-1] if i % 3 == 0 else p for i, p in enumerate(test.phonemes[:300])]
    hyps[1] = test.pronunciations[1][-1]
    scores = metrics.score_pronunciations(test.pronunciations[:300], hyps)
    wrong = sum(h not in options for h, options in zip(hyps, test.pronunciations))
    assert scores.wer == pytest.approx(wrong / 300)
    assert scores.right.dtype == bool and scores.right.shape == (300,)
