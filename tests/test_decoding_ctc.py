"""CTC helpers: collapsing, minimum frames, decoding through Keras, the forward algorithm."""

import itertools

import keras
import numpy as np
import pytest

from course_lib.decoding import ctc


def test_collapse_merges_repeats_then_drops_blanks():
    assert ctc.ctc_collapse([1, 1, 0, 1, 2, 2, 0]) == [1, 1, 2]
    assert ctc.ctc_collapse([0, 0, 0]) == []
    assert ctc.ctc_collapse([3, 3, 3]) == [3]
    assert ctc.ctc_collapse([2, -1, -1]) == [2]  # -1 padding from keras.ops.ctc_decode
    assert ctc.ctc_collapse([5, 0, 5], blank=5) == [0]


def test_min_frames_counts_a_blank_between_repeats():
    assert ctc.ctc_min_frames([1, 2, 3]) == 3
    assert ctc.ctc_min_frames([1, 1, 2, 2, 2]) == 5 + 3
    assert ctc.ctc_min_frames([]) == 0


def _brute_force_loss(log_probs, labels):
    frames, classes = log_probs.shape
    total = -np.inf
    for path in itertools.product(range(classes), repeat=frames):
        if ctc.ctc_collapse(path) == list(labels):
            total = np.logaddexp(total, sum(log_probs[t, s] for t, s in enumerate(path)))
    return -total


@pytest.mark.parametrize("labels", [[1], [1, 2], [1, 1], [2, 1, 2]])
def test_forward_loss_matches_brute_force_and_keras(labels):
    rng = np.random.default_rng(len(labels))
    logits = rng.normal(size=(1, 5, 3)).astype("float32")
    log_probs = np.asarray(keras.ops.log_softmax(logits, axis=-1))[0].astype(np.float64)
    ours = ctc.ctc_forward_loss(log_probs, labels)
    assert ours == pytest.approx(_brute_force_loss(log_probs, labels), abs=1e-9)
    y = np.array([labels], dtype="int32")
    theirs = float(np.asarray(keras.losses.CTC(reduction=None)(y, logits))[0])
    assert ours == pytest.approx(theirs, abs=1e-4)


def test_forward_loss_is_infinite_when_labels_do_not_fit():
    log_probs = np.log(np.full((2, 3), 1 / 3))
    assert ctc.ctc_forward_loss(log_probs, [1, 1]) == np.inf
    with pytest.raises(ValueError, match="blank"):
        ctc.ctc_forward_loss(log_probs, [0, 1])
    with pytest.raises(ValueError, match="frames, classes"):
        ctc.ctc_forward_loss(log_probs[0], [1])


def test_decode_greedy_and_beam_strip_padding_and_keep_blank_at_zero():
    # frames spell 1, 1, blank, 1, 2 -> [1, 1, 2]; a sharp distribution so beam agrees
    frames = [1, 1, 0, 1, 2, 0]
    logits = np.full((2, len(frames), 4), -10.0, dtype="float32")
    for t, s in enumerate(frames):
        logits[0, t, s] = 10.0
    logits[1, :, 3] = 10.0  # all symbol 3 -> [3]
    for strategy in ("greedy", "beam_search"):
        paths = ctc.ctc_decode(logits, strategy=strategy, beam_width=4)
        assert paths == [[1, 1, 2], [3]], strategy
    short = ctc.ctc_decode(logits, lengths=[3, 6])
    assert short == [[1], [3]]
    texts = ctc.ctc_decode_texts(logits, lambda p: "".join("_abc"[i] for i in p))
    assert texts == ["aab", "c"]


def test_beam_search_can_beat_greedy():
    # greedy picks the best frame symbols (blank, blank) -> "" with p = 0.36, but the label
    # [1] collects 0.4*0.6 + 0.6*0.4 + 0.4*0.4 = 0.64 over its three alignments.
    probs = np.array([[[0.6, 0.4], [0.6, 0.4]]], dtype="float32")
    logits = np.log(probs)
    assert ctc.ctc_decode(logits, strategy="greedy") == [[]]
    assert ctc.ctc_decode(logits, strategy="beam_search", beam_width=8) == [[1]]


def test_decode_rejects_bad_arguments():
    with pytest.raises(ValueError, match="strategy"):
        ctc.ctc_decode(np.zeros((1, 2, 3)), strategy="viterbi")
    with pytest.raises(ValueError, match="beam_width"):
        ctc.ctc_decode(np.zeros((1, 2, 3)), beam_width=0)
    with pytest.raises(ValueError, match="logits"):
        ctc.ctc_decode(np.zeros((2, 3)))


# ---- trellis posteriors, prefix beam search, language-model fusion ----


def _random_log_probs(rng, frames, classes, scale=2.0):
    logits = rng.normal(scale=scale, size=(1, frames, classes)).astype("float32")
    return np.asarray(keras.ops.log_softmax(logits, axis=-1))[0]


def _transcript_log_probs(log_probs):
    """Brute force: every alignment, collapsed; log p(transcript) for every transcript."""
    frames, classes = log_probs.shape
    totals = {}
    for path in itertools.product(range(classes), repeat=frames):
        labels = tuple(ctc.ctc_collapse(path))
        score = sum(float(log_probs[t, s]) for t, s in enumerate(path))
        totals[labels] = np.logaddexp(totals.get(labels, -np.inf), score)
    return totals


def _keras_beam(log_probs, beam_width, top_paths=1):
    paths, scores = keras.ops.ctc_decode(
        log_probs[None].astype("float32"),
        np.array([len(log_probs)], "int32"),
        strategy="beam_search",
        beam_width=beam_width,
        top_paths=top_paths,
        mask_index=0,
    )
    paths, scores = np.asarray(paths)[:, 0], np.asarray(scores)[0]
    return [tuple(int(v) for v in row if v >= 0) for row in paths], scores


def test_extended_labels():
    assert ctc.ctc_extended_labels([3, 3, 1]) == [0, 3, 0, 3, 0, 1, 0]
    assert ctc.ctc_extended_labels([]) == [0]


def test_state_posteriors_sum_to_one_and_match_brute_force():
    rng = np.random.default_rng(5)
    log_probs = _random_log_probs(rng, 5, 3).astype(np.float64)
    labels = [1, 1]
    gamma = ctc.ctc_state_posteriors(log_probs, labels)
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0, atol=1e-9)
    # brute force: walk every alignment through the trellis and add its probability to its states
    ext = ctc.ctc_extended_labels(labels)
    want = np.zeros_like(gamma)
    for path in itertools.product(range(3), repeat=5):
        if ctc.ctc_collapse(path) != labels:
            continue
        p = np.exp(sum(log_probs[t, s] for t, s in enumerate(path)))
        state = -1
        for t, symbol in enumerate(path):  # the state: the latest matching position of ext
            if not (state >= 0 and ext[state] == symbol):
                state = next(s for s in range(state + 1, len(ext)) if ext[s] == symbol)
            want[t, state] += p
    np.testing.assert_allclose(gamma, want / want.sum(axis=1, keepdims=True), atol=1e-9)
    with pytest.raises(ValueError, match="frames"):
        ctc.ctc_state_posteriors(log_probs[:2], labels)  # [1, 1] needs 3 frames
    with pytest.raises(ValueError, match="blank"):
        ctc.ctc_state_posteriors(log_probs, [0, 1])


def test_beam_step_conserves_probability_and_merges_alignments():
    # without pruning, every path ends in exactly one prefix: the prefixes' probabilities sum to
    # 1, and each equals the brute-force sum over the alignments that collapse to it
    rng = np.random.default_rng(6)
    log_probs = _random_log_probs(rng, 4, 3).astype(np.float64)
    beams = {(): (0.0, -np.inf)}
    for frame in log_probs:
        beams = ctc.ctc_prefix_beam_step(beams, frame)
    totals = {prefix: np.logaddexp(*parts) for prefix, parts in beams.items()}
    total = np.logaddexp.reduce(list(totals.values()))
    assert total == pytest.approx(0.0, abs=1e-6)  # float32 inputs sum to 1 within 1e-7
    brute = _transcript_log_probs(log_probs)
    assert set(totals) == set(brute)
    for prefix, value in brute.items():
        assert totals[prefix] == pytest.approx(value, abs=1e-9), prefix


def test_beam_step_splits_blank_and_label_endings():
    # "a" then "a": two frames of the same label merge into one "a" (ending in the label);
    # a blank between them makes "aa" possible
    lp = np.log(np.array([0.2, 0.8]))
    beams = ctc.ctc_prefix_beam_step({(): (0.0, -np.inf)}, lp)
    assert beams[()][0] == pytest.approx(np.log(0.2)) and beams[(1,)][1] == pytest.approx(
        np.log(0.8)
    )
    beams = ctc.ctc_prefix_beam_step(beams, lp)
    assert np.exp(beams[(1,)][1]) == pytest.approx(0.8 * 0.8 + 0.2 * 0.8)  # "aa" path, "_a"
    assert np.exp(beams[(1,)][0]) == pytest.approx(0.8 * 0.2)  # "a_"
    assert (1, 1) not in beams  # "aa" needs a blank between the two a's


@pytest.mark.parametrize("seed", range(6))
def test_wide_beam_matches_keras_and_brute_force(seed):
    # a beam wide enough never to prune: the search is exact, and Keras' beam search (a prefix
    # beam search too) returns the same transcripts with the same log-probabilities
    rng = np.random.default_rng(seed)
    frames, classes = 4, 3
    log_probs = _random_log_probs(rng, frames, classes, scale=1.5)
    ours = ctc.ctc_prefix_beam_search(log_probs, beam_width=64, top_paths=3)
    keras_paths, keras_scores = _keras_beam(log_probs, beam_width=64, top_paths=3)
    assert [h.labels for h in ours] == keras_paths
    np.testing.assert_allclose([h.log_prob for h in ours], keras_scores, atol=1e-4)
    brute = _transcript_log_probs(log_probs.astype(np.float64))
    best = sorted(brute.items(), key=lambda item: -item[1])[:3]
    assert [h.labels for h in ours] == [labels for labels, _ in best]
    np.testing.assert_allclose([h.log_prob for h in ours], [v for _, v in best], atol=1e-5)


def test_narrow_beam_agrees_with_keras_and_never_overcounts():
    # With pruning both searches are approximations. Keras' (TensorFlow's) decoder can drop a few
    # extensions a textbook prefix beam search keeps: when a prefix of the previous beam is
    # pushed out of the new beam and then proposed again as its parent's extension, its scores
    # are reset and its own extensions at that frame are skipped. So the two can keep different
    # alignments; what must hold: the same best transcript on nearly every case, the same score
    # on most, and neither score above the transcript's true probability.
    rng = np.random.default_rng(7)
    same_path = same_score = cases = 0
    for _ in range(60):
        frames, classes = int(rng.integers(2, 7)), int(rng.integers(2, 5))
        width = int(rng.integers(1, 5))
        log_probs = _random_log_probs(rng, frames, classes, scale=float(rng.choice([0.5, 2, 5])))
        ours = ctc.ctc_prefix_beam_search(log_probs, beam_width=width)[0]
        (keras_path,), (keras_score,) = _keras_beam(log_probs, beam_width=width)
        truth = ctc.ctc_forward_loss(log_probs, ours.labels) if ours.labels else None
        true_log_prob = -truth if truth is not None else float(log_probs[:, 0].sum())
        assert ours.log_prob <= true_log_prob + 1e-6
        cases += 1
        if keras_path == ours.labels:
            same_path += 1
            same_score += abs(keras_score - ours.log_prob) < 1e-4
            assert keras_score <= true_log_prob + 1e-4
    assert same_path >= 0.9 * cases and same_score >= 0.8 * cases


def test_greedy_is_a_beam_of_one_on_sharp_outputs():
    frames = [1, 1, 0, 1, 2, 0]
    log_probs = np.full((len(frames), 4), np.log(0.01 / 3))
    log_probs[np.arange(len(frames)), frames] = np.log(0.99)
    assert ctc.ctc_prefix_beam_search(log_probs, beam_width=1)[0].labels == (1, 1, 2)


def test_beam_search_merges_alignments_where_greedy_cannot():
    # the case of test_beam_search_can_beat_greedy, through our search
    log_probs = np.log(np.array([[0.6, 0.4], [0.6, 0.4]]))
    best = ctc.ctc_prefix_beam_search(log_probs, beam_width=4)[0]
    assert best.labels == (1,) and np.exp(best.log_prob) == pytest.approx(0.64)


def test_pruning_labels_keeps_the_result_on_peaky_outputs():
    rng = np.random.default_rng(8)
    log_probs = _random_log_probs(rng, 30, 6, scale=6.0)
    exact = ctc.ctc_prefix_beam_search(log_probs, beam_width=8)[0]
    pruned = ctc.ctc_prefix_beam_search(log_probs, beam_width=8, min_log_prob=np.log(1e-4))[0]
    assert pruned.labels == exact.labels
    assert pruned.log_prob == pytest.approx(exact.log_prob, abs=1e-3)


def test_language_model_fusion_and_length_bonus():
    rng = np.random.default_rng(9)
    log_probs = _random_log_probs(rng, 4, 3, scale=1.0).astype(np.float64)
    # a uniform LM (log 1) changes nothing
    plain = ctc.ctc_prefix_beam_search(log_probs, beam_width=64, top_paths=3)
    flat = ctc.ctc_prefix_beam_search(
        log_probs, beam_width=64, top_paths=3, lm=lambda p, k: 0.0, alpha=2.0
    )
    assert plain == flat
    # an exact search scores log p_ctc(y) + alpha * log P_LM(y) + beta * |y|
    lm = ctc.bigram_lm([[1, 2], [1, 2, 2], [2]], n_classes=3)
    alpha, beta = 0.7, 0.4
    fused = ctc.ctc_prefix_beam_search(
        log_probs, beam_width=64, top_paths=5, lm=lm, alpha=alpha, beta=beta
    )
    brute = _transcript_log_probs(log_probs)
    for hyp in fused:
        lm_log_prob = sum(lm(hyp.labels[:i], k) for i, k in enumerate(hyp.labels))
        assert hyp.log_prob == pytest.approx(brute[hyp.labels] + alpha * lm_log_prob, abs=1e-9)
        assert hyp.score == pytest.approx(hyp.log_prob + beta * len(hyp.labels), abs=1e-12)
    assert [h.score for h in fused] == sorted((h.score for h in fused), reverse=True)
    # a large length bonus prefers longer transcripts
    long = ctc.ctc_prefix_beam_search(log_probs, beam_width=64, beta=20.0)[0]
    assert len(long.labels) == len(log_probs)


def test_fusion_can_change_the_decision():
    # two frames that sound equally like "a" and "b": "ab" and "ba" are equally likely, and "a"
    # alone (three alignments) is a little more likely than either; the LM has seen only "ab"
    # (or only "ba"), and a length bonus pays for its second factor
    log_probs = np.log(np.array([[0.02, 0.49, 0.49], [0.02, 0.49, 0.49]]))
    plain = ctc.ctc_prefix_beam_search(log_probs, beam_width=8)[0].labels
    assert plain in {(1,), (2,)}
    for seen in ([1, 2], [2, 1]):
        lm = ctc.bigram_lm([seen] * 5, n_classes=3, smoothing=0.1)
        fused = ctc.ctc_prefix_beam_search(log_probs, beam_width=8, lm=lm, alpha=1.0, beta=0.5)
        assert fused[0].labels == tuple(seen)


def test_bigram_lm_is_normalised_and_counts():
    lm = ctc.bigram_lm([[1, 2, 1], [1, 1]], n_classes=4, smoothing=1.0)
    for context in [(), (1,), (2,), (3,)]:
        probs = [np.exp(lm(context, k)) for k in (1, 2, 3)]
        assert sum(probs) == pytest.approx(1.0)
    # after "a": "a b" seen once and "a a" once, "a c" never; add-one over 3 labels: 2/5, 1/5
    assert np.exp(lm((2, 1), 2)) == pytest.approx(2 / 5)
    assert np.exp(lm((1,), 3)) == pytest.approx(1 / 5)
    assert np.exp(lm((), 1)) == pytest.approx(3 / 5)  # both transcripts start with "a"
    with pytest.raises(ValueError, match="labels"):
        ctc.bigram_lm([[0, 1]], n_classes=3)
    with pytest.raises(ValueError, match="smoothing"):
        ctc.bigram_lm([[1]], n_classes=3, smoothing=0.0)
    with pytest.raises(ValueError, match="n_classes"):
        ctc.bigram_lm([[1]], n_classes=1)


def test_prefix_beam_search_rejects_bad_arguments():
    log_probs = np.log(np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match="beam_width"):
        ctc.ctc_prefix_beam_search(log_probs, beam_width=0)
    with pytest.raises(ValueError, match="top_paths"):
        ctc.ctc_prefix_beam_search(log_probs, beam_width=2, top_paths=3)
    with pytest.raises(ValueError, match="alpha"):
        ctc.ctc_prefix_beam_search(log_probs, alpha=-1.0)
    with pytest.raises(ValueError, match="blank"):
        ctc.ctc_prefix_beam_search(log_probs, blank=3)
    with pytest.raises(ValueError, match="log_probs"):
        ctc.ctc_prefix_beam_search(log_probs[0])
