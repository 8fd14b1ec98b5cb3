"""Self-checks for the exercises of notebook 08 (seq2seq with attention)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.exercises import run_check


def _reference_dot_attention(query, values, mask):
    scores = query @ values.T
    scores = np.where(mask[None, :], scores, -np.inf)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = e / e.sum(axis=1, keepdims=True)
    return weights @ values, weights


def check_dot_attention(fn: Callable) -> bool:
    """Exercise 1: ``fn(query (Tq, d), values (Tv, d), mask (Tv,) bool)`` returns
    ``(context (Tq, d), weights (Tq, Tv))`` of dot-product attention with padded values masked.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(808)
        for tq, tv, d, real in [(1, 1, 1, 1), (3, 5, 4, 5), (4, 6, 3, 2), (2, 7, 5, 4)]:
            query = rng.normal(size=(tq, d)) * 2
            values = rng.normal(size=(tv, d))
            mask = np.arange(tv) < real
            context, weights = (np.asarray(a) for a in fn(query, values, mask))
            want_c, want_w = _reference_dot_attention(query, values, mask)
            assert weights.shape == (tq, tv), (
                f"weights must have shape {(tq, tv)}; got {weights.shape}."
            )
            assert context.shape == (tq, d), (
                f"context must have shape {(tq, d)}; got {context.shape}."
            )
            assert np.allclose(weights.sum(axis=1), 1.0, atol=1e-6), (
                "each row of weights must sum to 1: normalise over the values (axis 1)."
            )
            assert np.allclose(weights[:, ~mask], 0.0, atol=1e-9), (
                "padded values (mask False) must get weight 0: set their scores to -inf "
                "(or a very negative number) before the softmax."
            )
            assert np.allclose(weights, want_w, atol=1e-6), (
                "the weights are off: score(q, k) = q . k, then a softmax over the values."
            )
            assert np.allclose(context, want_c, atol=1e-6), (
                "the weights are right but the context is not: context = weights @ values."
            )

    return run_check("Exercise 1 (dot-product attention with a mask)", fn, check)


def _reference_beam_step(scores, log_probs, beam_width):
    k, vocab = log_probs.shape
    total = (scores[:, None] + log_probs).reshape(-1)
    top = np.argsort(-total, kind="stable")[:beam_width]
    return total[top], top // vocab, top % vocab


def check_beam_step(fn: Callable) -> bool:
    """Exercise 2: ``fn(scores (k,), log_probs (k, vocab), beam_width)`` returns
    ``(new_scores, parents, tokens)``, each ``(beam_width,)``: the best extensions over all beams.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(809)
        for k, vocab, width in [(1, 5, 3), (3, 4, 3), (4, 6, 2), (2, 3, 5)]:
            scores = np.sort(rng.normal(size=k) - 3)[::-1]
            logits = rng.normal(size=(k, vocab)) * 2
            log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
            new, parents, tokens = (np.asarray(a) for a in fn(scores, log_probs, width))
            want_s, want_p, want_t = _reference_beam_step(scores, log_probs, width)
            assert new.shape == parents.shape == tokens.shape == (width,), (
                f"return three arrays of shape ({width},)."
            )
            assert np.allclose(np.sort(new)[::-1], want_s, atol=1e-9), (
                "the scores kept are not the best ones: add each beam's score to its "
                "log-probabilities and take the top beam_width over ALL beams and tokens together."
            )
            got = {(int(p), int(t)) for p, t in zip(parents, tokens)}
            assert got == {(int(p), int(t)) for p, t in zip(want_p, want_t)}, (
                "the (parent, token) pairs do not match the best scores."
            )
            for s, p, t in zip(new, parents, tokens):
                assert np.isclose(s, scores[p] + log_probs[p, t]), (
                    "a returned score is not scores[parent] + log_probs[parent, token]."
                )

    return run_check("Exercise 2 (one step of beam search)", fn, check)


def check_g2p_word_error(fn: Callable) -> bool:
    """Exercise 3: ``fn(pronunciations, predictions)`` returns the fraction of words whose
    prediction equals none of the word's listed pronunciations.
    """

    def check(fn: Callable) -> None:
        prons = [
            [["IY1", "DH", "ER0"], ["AY1", "DH", "ER0"]],
            [["K", "AE1", "T"]],
            [["T", "AH0", "M", "EY1", "T", "OW2"], ["T", "AH0", "M", "AA1", "T", "OW2"]],
            [["DH", "AH0"], ["DH", "AH1"], ["DH", "IY0"]],
        ]
        cases = [
            (
                [
                    ["AY1", "DH", "ER0"],
                    ["K", "AE1", "T"],
                    ["T", "AH0", "M", "AA1", "T", "OW2"],
                    ["DH", "IY0"],
                ],
                0.0,
            ),
            (
                [
                    ["IY1", "DH", "ER0"],
                    ["K", "AE1"],
                    ["T", "AH0", "M", "EY1", "T", "OW0"],
                    ["DH", "AH1"],
                ],
                0.5,
            ),
            ([["EY1"], ["K", "AE1", "T", "S"], [], ["DH"]], 1.0),
        ]
        for predictions, want in cases:
            got = float(fn(prons, predictions))
            assert np.isclose(got, want), (
                f"expected {want}, got {got}: a word is right when its prediction equals ANY of "
                "its pronunciations, and the result is the fraction of words that are wrong."
            )

    return run_check("Exercise 3 (word error rate with several pronunciations)", fn, check)


def _reference_em_step(log_probs, weights):
    joint = np.log(weights)[:, None] + log_probs
    joint -= joint.max(axis=0)
    share = np.exp(joint) / np.exp(joint).sum(axis=0)
    return share.mean(axis=1)


def check_em_step(fn: Callable) -> bool:
    """Exercise 4: ``fn(log_probs (M, N), weights (M,))`` returns the mixture weights after one
    EM update: each token shared among the members in proportion to ``w_m p_m``, each new weight
    the member's average share.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(810)
        for members, tokens, scale in [(2, 5, 1.0), (3, 40, 2.0), (4, 25, 1.0), (3, 30, 900.0)]:
            log_probs = -scale * rng.gamma(2.0, 0.5, size=(members, tokens))
            weights = rng.dirichlet(np.ones(members))
            got = np.asarray(fn(log_probs, weights), dtype=float)
            want = _reference_em_step(log_probs, weights)
            assert got.shape == (members,), f"return one weight per member, shape ({members},)."
            assert np.all(np.isfinite(got)), (
                "some weights are NaN or infinite. With log-probabilities near -1000, exp() "
                "gives 0 for every member: subtract each token's largest log(w_m) + log p_m "
                "before exp."
            )
            assert np.isclose(got.sum(), 1.0, atol=1e-9), (
                "the new weights must sum to 1: average each member's share over the tokens."
            )
            assert np.allclose(got, want, atol=1e-9), (
                "the weights are off: member m's share of token j is "
                "w_m p_m(j) / sum_k w_k p_k(j), and its new weight is the mean of its shares."
            )

    return run_check("Exercise 4 (one EM update of mixture weights)", fn, check)
