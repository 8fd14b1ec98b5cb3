"""The notebook 08 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb08
from course_lib.solutions import nb08 as sol


def test_solutions_pass():
    assert nb08.check_luong_general(sol.luong_general)
    assert nb08.check_beam_step(sol.beam_step)
    assert nb08.check_switch_alpha(sol.switch_alpha)
    assert nb08.check_scheduled_inputs(sol.scheduled_inputs)
    assert nb08.check_g2p_word_error(sol.g2p_word_error)
    assert nb08.check_em_step(sol.em_step)


def test_wrong_answers_fail():
    def no_mask(query, values, kernel, mask):
        return sol.luong_general(query, values, kernel, np.ones_like(mask))

    def wrong_axis(query, values, kernel, mask):
        scores = np.where(mask[None, :], query @ kernel @ values.T, -1e9)
        weights = np.exp(scores - scores.max(axis=0, keepdims=True))
        weights /= weights.sum(axis=0, keepdims=True)
        return weights @ values, weights

    def transposed_kernel(query, values, kernel, mask):  # s^T W^T h
        return sol.luong_general(query, values, kernel.T, mask)

    def dot_only(query, values, kernel, mask):  # forgets W (works only when the sizes agree)
        return sol.luong_general(query, values, np.eye(query.shape[1], values.shape[1]), mask)

    assert not nb08.check_luong_general(no_mask)
    assert not nb08.check_luong_general(wrong_axis)
    assert not nb08.check_luong_general(transposed_kernel)
    assert not nb08.check_luong_general(dot_only)

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


def test_wrong_switch_alphas_fail():
    def against_the_first(scores, lengths):  # compares with sequence 0, not with the best
        s, n = np.asarray(scores, float), np.asarray(lengths, float)
        longer = n > n[0]
        if not longer.any():
            return np.inf
        return float(np.min(np.log(s[longer] / s[0]) / np.log(n[longer] / n[0])))

    def largest(scores, lengths):  # the last switch, not the first
        s, n = np.asarray(scores, float), np.asarray(lengths, float)
        best = int(np.argmax(s))
        longer = n > n[best]
        if not longer.any():
            return np.inf
        return float(np.max(np.log(s[longer] / s[best]) / np.log(n[longer] / n[best])))

    def never(scores, lengths):
        return np.inf

    for wrong in (against_the_first, largest, never, lambda s, n: 1.0):
        assert not nb08.check_switch_alpha(wrong)


def test_wrong_scheduled_inputs_fail():
    def not_shifted(previous, predicted, probability, rng):  # the prediction of step t itself
        coin = (rng.random(previous.shape) < probability) & (previous != 0)
        coin[:, 0] = False
        return np.where(coin, predicted, previous)

    def replaces_start(previous, predicted, probability, rng):
        out = sol.scheduled_inputs(previous, predicted, probability, rng)
        if probability == 1.0:
            out[:, 0] = predicted[:, 0]
        return out

    def fills_padding(previous, predicted, probability, rng):
        shifted = np.zeros_like(predicted)
        shifted[:, 1:] = predicted[:, :-1] + 1
        coin = rng.random(previous.shape) < probability
        coin[:, 0] = False
        return np.where(coin, shifted, previous)

    def one_coin_per_row(previous, predicted, probability, rng):
        coin = rng.random((len(previous), 1)) < probability
        return np.where(coin, sol.scheduled_inputs(previous, predicted, 1.0, rng), previous)

    def in_place(previous, predicted, probability, rng):
        previous[:] = sol.scheduled_inputs(previous, predicted, probability, rng)
        return previous

    for wrong in (not_shifted, replaces_start, fills_padding, one_coin_per_row, in_place):
        assert not nb08.check_scheduled_inputs(wrong)
