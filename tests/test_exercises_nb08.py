"""The notebook 08 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb08
from solutions import nb08 as sol


def test_solutions_pass():
    assert nb08.check_dot_attention(sol.dot_attention)
    assert nb08.check_beam_step(sol.beam_step)
    assert nb08.check_g2p_word_error(sol.g2p_word_error)
    assert nb08.check_em_step(sol.em_step)


def test_wrong_answers_fail():
    def no_mask(query, values, mask):
        return sol.dot_attention(query, values, np.ones_like(mask))

    def wrong_axis(query, values, mask):
        scores = np.where(mask[None, :], query @ values.T, -1e9)
        weights = np.exp(scores - scores.max(axis=0, keepdims=True))
        weights /= weights.sum(axis=0, keepdims=True)
        return weights @ values, weights

    assert not nb08.check_dot_attention(no_mask)
    assert not nb08.check_dot_attention(wrong_axis)

    def per_beam_greedy(scores, log_probs, beam_width):  # best token of each beam only
        tokens = log_probs.argmax(axis=1)
        new = scores + log_probs.max(axis=1)
        order = np.argsort(-new)[:beam_width]
        return new[order], order, tokens[order]

    def ignores_history(scores, log_probs, beam_width):
        return sol.beam_step(np.zeros_like(scores), log_probs, beam_width)

    assert not nb08.check_beam_step(per_beam_greedy)
    assert not nb08.check_beam_step(ignores_history)

    def first_only(prons, preds):
        return float(np.mean([list(p) != list(o[0]) for o, p in zip(prons, preds)]))

    assert not nb08.check_g2p_word_error(first_only)
    assert not nb08.check_g2p_word_error(lambda prons, preds: 0.0)


def test_wrong_em_steps_fail():
    def naive(log_probs, weights):  # right formula, but exp() underflows far from 0
        joint = weights[:, None] * np.exp(log_probs)
        with np.errstate(invalid="ignore"):
            return (joint / joint.sum(axis=0)).mean(axis=1)

    def unweighted_shares(log_probs, weights):  # forgets w_m in the shares
        return sol.em_step(log_probs, np.ones_like(weights))

    def summed(log_probs, weights):  # total shares, not the mean
        return sol.em_step(log_probs, weights) * log_probs.shape[1]

    assert not nb08.check_em_step(naive)
    assert not nb08.check_em_step(unweighted_shares)
    assert not nb08.check_em_step(summed)
    assert not nb08.check_em_step(lambda log_probs, weights: weights)
