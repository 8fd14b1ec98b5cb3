"""Solutions to the exercises of notebook 08 (seq2seq with attention)."""

from __future__ import annotations

import numpy as np


def dot_attention(query, values, mask):
    """Exercise 1: dot-product scores, masked softmax over the values, weighted average."""
    scores = query @ values.T  # (Tq, Tv)
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
    """Exercise 3: a word is wrong when its prediction matches none of its pronunciations."""
    wrong = [
        list(p) not in [list(o) for o in options] for options, p in zip(pronunciations, predictions)
    ]
    return float(np.mean(wrong))


def em_step(log_probs, weights):
    """Exercise 4: responsibilities in log space, then each member's average share."""
    joint = np.log(weights)[:, None] + log_probs  # log w_m p_m(j), (M, N)
    joint = joint - joint.max(axis=0, keepdims=True)  # exp() of these cannot all underflow
    share = np.exp(joint)
    share /= share.sum(axis=0, keepdims=True)
    return share.mean(axis=1)
