"""Metrics against independent implementations and published values.

The independent versions below are written differently on purpose: a memoised recursion for the
edit distance, and a sentence-by-sentence BLEU with explicit loops. The fixed BLEU values come from
NLTK 3.10.4 (``nltk.translate.bleu_score``), computed once on the example of its documentation.
"""

import math
from functools import cache

import numpy as np
import pytest

from course_lib import metrics
from course_lib.metrics import (
    bleu,
    cer,
    edit_distance,
    exact_match,
    mean_absolute_error,
    per,
    wer,
)


def test_mae():
    assert mean_absolute_error([1, 2, 3], [1, 4, 0]) == pytest.approx(5 / 3)
    assert mean_absolute_error(np.ones((2, 1)), np.ones((2, 1))) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        mean_absolute_error(np.ones(3), np.ones((3, 1)))
    with pytest.raises(ValueError, match="empty"):
        mean_absolute_error([], [])


def _recursive_distance(a, b):
    @cache
    def d(i, j):
        if i == 0 or j == 0:
            return i + j
        return min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))

    return d(len(a), len(b))


def test_edit_distance_known_cases():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("abc", "") == 3
    assert edit_distance("same", "same") == 0
    assert edit_distance(["HH", "AH0", "L", "OW1"], ["HH", "AH1", "L", "OW1"]) == 1
    assert edit_distance(np.array([1, 2, 3]), [3, 2, 1]) == 2


def test_edit_distance_matches_recursion_on_random_pairs():
    rng = np.random.default_rng(0)
    for _ in range(300):
        a = tuple(rng.integers(0, 4, size=rng.integers(0, 9)).tolist())
        b = tuple(rng.integers(0, 4, size=rng.integers(0, 9)).tolist())
        d = edit_distance(a, b)
        assert d == _recursive_distance(a, b)
        assert d == edit_distance(b, a)  # symmetric
        assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))


def test_rates_are_corpus_level():
    # 1 edit over 2 characters and 0 over 8: corpus CER is 1/10, not the mean 0.25
    assert cer(["ab", "abcdefgh"], ["ax", "abcdefgh"]) == pytest.approx(0.1)
    assert wer(["the cat sat", "on the mat"], ["the cat sat down", "on mat"]) == pytest.approx(
        2 / 6
    )
    assert wer(["  two   spaces "], ["two spaces"]) == 0.0
    refs = [["K", "AE1", "T"], ["D", "AO1", "G"]]
    assert per(refs, [["K", "AE1", "T"], ["D", "AA1", "G", "Z"]]) == pytest.approx(2 / 6)
    assert cer(["abc"], ["abcabc"]) == pytest.approx(1.0)  # insertions can push rates to 1+


def test_exact_match_with_alternatives():
    assert exact_match(["ab", "cd", "ef"], ["ab", "cx", "ef"]) == pytest.approx(2 / 3)
    refs = [{("R", "IY1", "D"), ("R", "EH1", "D")}, [("K", "AE1", "T")]]
    assert exact_match(refs[:1], [["R", "EH1", "D"]]) == 1.0
    assert exact_match([["a", "b"]], [("a", "b")]) == 1.0


def test_metric_errors_are_clear():
    with pytest.raises(ValueError, match="differ in length"):
        cer(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="empty"):
        wer([], [])
    with pytest.raises(ValueError, match="not a single string"):
        cer("abc", "abd")
    with pytest.raises(ValueError, match="references are all empty"):
        cer([""], ["a"])
    with pytest.raises(ValueError, match="must be a str"):
        cer([["a"]], [["a"]])
    with pytest.raises(ValueError, match="string of words"):
        wer([["a"]], [["a"]])
    with pytest.raises(ValueError, match="max_order"):
        bleu([[["a"]]], [["a"]], max_order=0)
    with pytest.raises(ValueError, match="non-empty list of reference"):
        bleu([[]], [["a"]])
    with pytest.raises(ValueError, match="1-D"):
        edit_distance(np.zeros((2, 2)), [0])


HYP1 = (
    "It is a guide to action which ensures that the military always obeys the commands of the party"
)
REF1 = [
    "It is a guide to action that ensures that the military will forever heed Party commands",
    "It is the guiding principle which guarantees the military forces always being under the "
    "command of the Party",
    "It is the practical guide for the army always to heed the directions of the party",
]
HYP2 = "he read the book because he was interested in world history"
REF2 = ["he was interested in world history because he read the book"]


def _split(refs_per_hyp, hyps):
    return [[r.split() for r in refs] for refs in refs_per_hyp], [h.split() for h in hyps]


def test_bleu_matches_nltk_values():
    refs, hyps = _split([REF1, REF2], [HYP1, HYP2])
    assert bleu(refs[:1], hyps[:1]) == pytest.approx(0.5045666840058485, rel=1e-12)
    assert bleu(refs, hyps) == pytest.approx(0.5920778868801042, rel=1e-12)
    for order, want in [(1, 0.9655172413793104), (2, 0.8242803277698696), (3, 0.7069430098960677)]:
        assert bleu(refs, hyps, max_order=order) == pytest.approx(want, rel=1e-12)
    # a short hypothesis pays the brevity penalty
    short = bleu([["a b c d e f g".split()]], ["a b c d e".split()], max_order=2)
    assert short == pytest.approx(0.6703200460356393, rel=1e-12)


def _independent_bleu(refs_per_hyp, hyps, max_order):
    """Sentence-by-sentence loops, summed at the end; closest reference length, shorter on ties."""
    match = [0] * max_order
    total = [0] * max_order
    c = r = 0
    for refs, hyp in zip(refs_per_hyp, hyps):
        c += len(hyp)
        lengths = sorted(len(x) for x in refs)
        r += min(lengths, key=lambda n: (abs(n - len(hyp)), n))
        for n in range(1, max_order + 1):
            grams = [tuple(hyp[i : i + n]) for i in range(len(hyp) - n + 1)]
            total[n - 1] += len(grams)
            for g in set(grams):
                in_hyp = grams.count(g)
                in_refs = max(
                    sum(tuple(x[i : i + n]) == g for i in range(len(x) - n + 1)) for x in refs
                )
                match[n - 1] += min(in_hyp, in_refs)
    if 0 in match:
        return 0.0
    score = math.exp(sum(math.log(m / t) for m, t in zip(match, total)) / max_order)
    return score if c > r else score * math.exp(1 - r / c)


def test_bleu_matches_independent_implementation_on_random_corpora():
    rng = np.random.default_rng(1)
    words = list("abcde")
    for _ in range(60):
        n = int(rng.integers(1, 5))
        hyps = [list(rng.choice(words, size=rng.integers(1, 9))) for _ in range(n)]
        refs = [
            [list(rng.choice(words, size=rng.integers(1, 9))) for _ in range(rng.integers(1, 4))]
            for _ in range(n)
        ]
        for order in (1, 2, 4):
            assert bleu(refs, hyps, order) == pytest.approx(
                _independent_bleu(refs, hyps, order), rel=1e-12
            )


def test_bleu_extremes():
    tokens = "a large red seven left of a small blue two".split()
    assert bleu([[tokens]], [tokens]) == pytest.approx(1.0)
    assert bleu([[tokens]], [["zebra"] * 10]) == 0.0
    # any one of several references can supply the n-grams
    other = "a small blue two right of a large red seven".split()
    assert bleu([[other, tokens]], [tokens]) == pytest.approx(1.0)


def test_closest_pronunciation_counts_any_listed_one():
    options = [[["IY1", "DH", "ER0"], ["AY1", "DH", "ER0"]], [["K", "AE1", "T"]]]
    hyps = [["AY1", "DH", "ER0"], ["K", "AH1", "T"]]
    refs = metrics.closest_pronunciations(options, hyps)
    assert refs == [["AY1", "DH", "ER0"], ["K", "AE1", "T"]]
    assert metrics.exact_match(refs, hyps) == 0.5
    assert metrics.per(refs, hyps) == pytest.approx(1 / 6)


def test_strip_stress_removes_only_vowel_stress_digits():
    assert metrics.strip_stress(["S", "P", "IY1", "CH"]) == ["S", "P", "IY", "CH"]
    assert metrics.strip_stress(["AH0", "B", "AW2", "T"]) == ["AH", "B", "AW", "T"]
    assert metrics.strip_stress([]) == []


def test_score_pronunciations_with_and_without_stress():
    options = [[["IY1", "DH", "ER0"], ["AY1", "DH", "ER0"]], [["K", "AE1", "T"]]]
    hyps = [["AY1", "DH", "ER1"], ["K", "AE1", "T"]]  # word 0: one stress digit wrong
    with_stress = metrics.score_pronunciations(options, hyps)
    assert with_stress.wer == pytest.approx(0.5)
    assert with_stress.per == pytest.approx(1 / 6)
    assert with_stress.right.tolist() == [False, True]
    without = metrics.score_pronunciations(options, hyps, stress=False)
    assert without.wer == 0.0 and without.per == 0.0 and without.right.all()
    # a wrong phoneme stays wrong without stress, and edits count against the closest option
    wrong = metrics.score_pronunciations(options, [["AY0", "D", "ER0"], ["K", "AH1", "T"]], False)
    assert wrong.wer == 1.0 and wrong.per == pytest.approx(2 / 6)


def test_score_pronunciations_bad_arguments():
    with pytest.raises(ValueError, match="same length"):
        metrics.closest_pronunciations([[["A"]]], [])
    with pytest.raises(ValueError, match="stress"):
        metrics.score_pronunciations([[["A"]]], [["A"]], stress="no")
    with pytest.raises(ValueError, match="empty"):
        metrics.score_pronunciations([], [])
    with pytest.raises(ValueError, match="same length"):
        metrics.score_pronunciations([[["A"]], [["B"]]], [["A"]])


def test_accuracy_by_length_bins():
    labels, acc, counts = metrics.accuracy_by_length(
        [1, 2, 3, 3, 7], [True, False, True, True, False], [1, 3, 5, 9, 12]
    )
    assert labels == ["1-2", "3-4", "5-8", "9-11"]
    np.testing.assert_allclose(acc[:3], [0.5, 1.0, 0.0])
    assert np.isnan(acc[3]) and counts.tolist() == [2, 2, 1, 0]
    with pytest.raises(ValueError, match="bins"):
        metrics.accuracy_by_length([1], [True], [3, 2])
    with pytest.raises(ValueError, match="differ"):
        metrics.accuracy_by_length([1, 2], [True], [0, 3])


def test_unigram_bits_per_char():
    ref = np.array([0, 1] * 50)
    assert metrics.unigram_bits_per_char(np.array([0, 1]), 2, ref) == pytest.approx(1.0)
    assert metrics.unigram_bits_per_char(np.array([0]), 4, np.zeros(1000, int)) < 0.01


def test_mse_per_step():
    truth = np.zeros((2, 3, 8, 8, 1))
    pred = truth.copy()
    pred[:, 1] = 0.5
    pred[0, 2, 0, 0, 0] = 1.0
    np.testing.assert_allclose(metrics.mse_per_step(pred, truth), [0.0, 0.25, 1 / 128])
    with pytest.raises(ValueError, match="same"):
        metrics.mse_per_step(pred, truth[:, :2])


def test_scene_accuracy_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        metrics.scene_accuracy([["a"]], [])


# --- score_pronunciation_ids (notebooks 08 and 08b) ---------------------------------------------


def test_score_pronunciation_ids_decodes_then_scores():
    from course_lib.data.text import TokenVocabulary

    vocab = TokenVocabulary.from_sequences([["S", "P", "IY0", "IY1", "CH"], ["AY1", "DH", "ER0"]])
    prons = [[["S", "P", "IY1", "CH"]], [["IY1", "DH", "ER0"], ["AY1", "DH", "ER0"]]]
    ids = [vocab.encode(["S", "P", "IY0", "CH"], add_end=True), vocab.encode(["IY1", "DH", "ER0"])]
    scores = metrics.score_pronunciation_ids(prons, ids, vocab)
    expected = metrics.score_pronunciations(prons, [["S", "P", "IY0", "CH"], ["IY1", "DH", "ER0"]])
    assert scores.wer == expected.wer == 0.5 and scores.per == expected.per
    np.testing.assert_array_equal(scores.right, [False, True])
    free = metrics.score_pronunciation_ids(prons, ids, vocab, stress=False)
    assert free.wer == 0.0
    with pytest.raises(ValueError, match="decode"):
        metrics.score_pronunciation_ids(prons, ids, vocab=None)
