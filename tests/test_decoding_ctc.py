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
