"""Solutions to the exercises of notebook 08 (seq2seq with attention) and of its appendix 08b."""

from __future__ import annotations

import numpy as np


def luong_general(query, values, kernel, mask):
    """Exercise 1: scores s^T W h, masked softmax over the values, weighted average."""
    scores = query @ kernel @ values.T  # (Tq, Tv)
    scores = np.where(mask[None, :], scores, -np.inf)
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights @ values, weights


def beam_step(scores, log_probs, beam_width):
    """Exercise 2: the best ``beam_width`` extensions over all beams and tokens."""
    vocab = log_probs.shape[1]
    total = (scores[:, None] + log_probs).reshape(-1)
    top = np.argsort(-total)[:beam_width]
    return total[top], top // vocab, top % vocab


def g2p_word_error(pronunciations, predictions):
    """08b, exercise 1: a word is wrong when its prediction matches none of its pronunciations."""
    wrong = [
        list(p) not in [list(o) for o in options] for options, p in zip(pronunciations, predictions)
    ]
    return float(np.mean(wrong))


def em_step(log_probs, weights):
    """08b, exercise 2: responsibilities in log space, then each member's average share."""
    joint = np.log(weights)[:, None] + log_probs  # log w_m p_m(j), (M, N)
    joint = joint - joint.max(axis=0, keepdims=True)  # exp() of these cannot all underflow
    share = np.exp(joint)
    share /= share.sum(axis=0, keepdims=True)
    return share.mean(axis=1)


def switch_alpha(scores, lengths):
    """Exercise 3: the smallest alpha at which a longer sequence overtakes the plain best.

    With s_i the best score and s_j < s_i of a longer sequence (both negative), j wins once
    s_j / L_j^a > s_i / L_i^a, that is (L_j / L_i)^a > s_j / s_i, that is
    a > log(s_j / s_i) / log(L_j / L_i).
    A sequence no longer than the best never wins.
    """
    scores, lengths = np.asarray(scores, float), np.asarray(lengths, float)
    best = int(np.argmax(scores))
    longer = lengths > lengths[best]
    if scores[best] == 0.0 or not longer.any():
        return np.inf
    ratios = np.log(scores[longer] / scores[best]) / np.log(lengths[longer] / lengths[best])
    return float(ratios.min())


def scheduled_inputs(previous, predicted, probability, rng):
    """Exercise 4: after the start marker, each real input is the model's own previous
    prediction with the given probability.
    """
    shifted = np.zeros_like(predicted)
    shifted[:, 1:] = predicted[:, :-1]  # what the model wrote at step t - 1
    coin = rng.random(previous.shape) < probability
    coin[:, 0] = False  # the start marker stays
    coin &= previous != 0  # padding stays
    return np.where(coin, shifted, previous)
