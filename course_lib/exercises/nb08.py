"""Self-checks for the exercises of notebook 08 (seq2seq with attention) and its appendix 08b.

08b (the pronunciation benchmark) uses ``check_g2p_word_error`` and ``check_em_step``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib.decoding.ensemble import em_step
from course_lib.exercises import run_check


def _reference_luong_general(query: Any, values: Any, kernel: Any, mask: Any):
    scores = query @ kernel @ values.T
    scores = np.where(mask[None, :], scores, -np.inf)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = e / e.sum(axis=1, keepdims=True)
    return weights @ values, weights


def check_luong_general(fn: Callable) -> bool:
    """Exercise 1: Luong's general attention score.

    ``fn(query (Tq, dq), values (Tv, dv), kernel (dq, dv), mask (Tv,) bool)``
    returns ``(context (Tq, dv), weights (Tq, Tv))`` of Luong's "general" attention,
    ``score(s, h) = s^T W h``, with padded values masked.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(808)
        for tq, tv, dq, dv, real in [
            (1, 1, 1, 1, 1),
            (3, 5, 4, 6, 5),
            (4, 6, 3, 2, 2),
            (2, 7, 5, 5, 4),
        ]:
            query = rng.normal(size=(tq, dq)) * 2
            values = rng.normal(size=(tv, dv))
            kernel = rng.normal(size=(dq, dv))
            mask = np.arange(tv) < real
            context, weights = (np.asarray(a) for a in fn(query, values, kernel, mask))
            want_c, want_w = _reference_luong_general(query, values, kernel, mask)
            assert weights.shape == (tq, tv), (
                f"weights must have shape {(tq, tv)}; got {weights.shape}."
            )
            assert context.shape == (tq, dv), (
                f"context must have shape {(tq, dv)}: one average of the values per query; "
                f"got {context.shape}."
            )
            assert np.allclose(weights.sum(axis=1), 1.0, atol=1e-6), (
                "each row of weights must sum to 1: normalise over the values (axis 1)."
            )
            assert np.allclose(weights[:, ~mask], 0.0, atol=1e-9), (
                "padded values (mask False) must get weight 0: set their scores to -inf "
                "(or a very negative number) before the softmax."
            )
            assert np.allclose(weights, want_w, atol=1e-6), (
                "the weights are off: score(s, h) = s^T W h, i.e. query @ kernel @ values.T, "
                "then a softmax over the values."
            )
            assert np.allclose(context, want_c, atol=1e-6), (
                "the weights are right but the context is not: context = weights @ values."
            )
            if dq == dv:  # with W = I the general score is the dot score
                _, dot = fn(query, values, np.eye(dq), mask)
                _, want = _reference_luong_general(query, values, np.eye(dq), mask)
                assert np.allclose(dot, want, atol=1e-6), "with kernel = I it is the dot score."

    return run_check("Exercise 1 (Luong's general attention score)", fn, check)


def _reference_beam_step(scores: Any, log_probs: Any, beam_width: Any):
    k, vocab = log_probs.shape
    total = (scores[:, None] + log_probs).reshape(-1)
    top = np.argsort(-total, kind="stable")[:beam_width]
    return total[top], top // vocab, top % vocab


def check_beam_step(fn: Callable) -> bool:
    """Exercise 2: one step of beam search.

    ``fn(scores (k,), log_probs (k, vocab), beam_width)`` returns
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
    """08b, exercise 1: word error rate with several pronunciations per word.

    ``fn(pronunciations, predictions)`` returns the fraction of words whose
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

    return run_check("08b, exercise 1 (word error rate with several pronunciations)", fn, check)


def check_em_step(fn: Callable) -> bool:
    """08b, exercise 2: one EM update of mixture weights.

    ``fn(log_probs (M, N), weights (M,))`` returns the mixture weights after one
    EM update: each token shared among the members in proportion to ``w_m p_m``, each new weight
    the member's average share.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(810)
        for members, tokens, scale in [(2, 5, 1.0), (3, 40, 2.0), (4, 25, 1.0), (3, 30, 900.0)]:
            log_probs = -scale * rng.gamma(2.0, 0.5, size=(members, tokens))
            weights = rng.dirichlet(np.ones(members))
            got = np.asarray(fn(log_probs, weights), dtype=float)
            want = em_step(log_probs, weights)  # course_lib's, used by mixture_weights
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

    return run_check("08b, exercise 2 (one EM update of mixture weights)", fn, check)


def _reference_switch_alpha(scores: Any, lengths: Any):
    scores, lengths = np.asarray(scores, float), np.asarray(lengths, float)
    best = int(np.argmax(scores))
    if scores[best] == 0.0:
        return np.inf
    longer = (lengths > lengths[best]) & np.isfinite(scores)
    if not longer.any():
        return np.inf
    return float(
        np.min(np.log(scores[longer] / scores[best]) / np.log(lengths[longer] / lengths[best]))
    )


def check_switch_alpha(fn: Callable) -> bool:
    """Exercise 3: the alpha at which length normalisation changes the answer.

    ``fn(scores (k,), lengths (k,))`` returns the smallest ``alpha`` at which the
    choice ``argmax(scores / lengths ** alpha)`` stops being ``argmax(scores)`` (``np.inf`` if
    it never does).
    """

    def check(fn: Callable) -> None:
        toy = (np.log([0.4 * 0.9, 0.6 * 0.7 * 0.7 * 0.9, 0.6 * 0.7 * 0.2]), [2, 4, 3])
        cases: list[tuple[Any, Any]] = [
            toy,
            ([-1.0, -3.0], [2, 2]),  # same length: normalisation cannot change the order
            ([-2.0, -1.0], [5, 2]),  # the best is the shorter one
            ([-1.0, -2.0], [4, 2]),  # the best is the longest: nothing longer can win
            ([-0.5, -0.9, -2.5, -1.2], [2, 3, 9, 4]),
        ]
        rng = np.random.default_rng(811)
        for _ in range(20):
            cases.append((-rng.gamma(2.0, 1.0, size=5), rng.integers(1, 10, size=5)))
        for case_scores, case_lengths in cases:
            scores, lengths = np.asarray(case_scores, float), np.asarray(case_lengths)
            got = float(fn(scores, lengths))
            want = _reference_switch_alpha(scores, lengths)
            if np.isinf(want):
                assert np.isinf(got), (
                    f"scores {np.round(scores, 3).tolist()}, lengths {lengths.tolist()}: no "
                    f"alpha changes the choice (nothing longer than the best), so return np.inf; "
                    f"got {got}."
                )
                continue
            assert np.isclose(got, want, rtol=1e-6), (
                f"scores {np.round(scores, 3).tolist()}, lengths {lengths.tolist()}: expected "
                f"{want:.4f}, got {got:.4f}. A longer sequence j beats the best i once "
                "s_j / L_j^alpha > s_i / L_i^alpha; solve for alpha (both scores are negative), "
                "and take the smallest over the longer sequences."
            )
            plain = int(np.argmax(scores))
            below, above = want * (1 - 1e-6), want * (1 + 1e-6) + 1e-9
            assert int(np.argmax(scores / lengths**below)) == plain
            assert int(np.argmax(scores / lengths**above)) != plain

    return run_check(
        "Exercise 3 (the alpha at which length normalisation changes the answer)", fn, check
    )


def check_scheduled_inputs(fn: Callable) -> bool:
    """Exercise 4: the decoder's inputs for scheduled sampling.

    ``fn(previous (batch, T), predicted (batch, T), probability, rng)`` returns the
    decoder's inputs for scheduled sampling: ``previous`` with each real token after the first
    column replaced, with the given probability, by the model's prediction for that position,
    ``predicted[:, t - 1]``.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(812)
        batch, width = 400, 12
        lengths = rng.integers(2, width + 1, size=batch)
        real = np.arange(width)[None, :] < lengths[:, None]
        previous = np.where(real, rng.integers(4, 30, size=(batch, width)), 0)
        previous[:, 0] = 2  # the start marker
        predicted = np.where(real, rng.integers(30, 60, size=(batch, width)), 0)
        keep = previous.copy()
        same = np.asarray(fn(previous, predicted, 0.0, np.random.default_rng(0)))
        assert same.shape == previous.shape, f"return shape {previous.shape}; got {same.shape}."
        assert np.array_equal(same, previous), "with probability 0 the inputs are the true ones."
        assert np.array_equal(previous, keep), "do not change previous in place: return a copy."
        model_only = np.asarray(fn(previous, predicted, 1.0, np.random.default_rng(0)))
        assert np.array_equal(previous, keep), "do not change previous in place: return a copy."
        assert np.array_equal(model_only[:, 0], previous[:, 0]), (
            "the first input is the start marker, whatever the probability: nothing was "
            "predicted before it."
        )
        assert np.array_equal(model_only[~real], previous[~real]), "padding (0) must stay 0."
        inside = real.copy()
        inside[:, 0] = False
        shifted = np.zeros_like(predicted)
        shifted[:, 1:] = predicted[:, :-1]
        assert np.array_equal(model_only[inside], shifted[inside]), (
            "with probability 1 the input at step t is the model's prediction of step t - 1, "
            "predicted[:, t - 1] (the token the decoder would have written)."
        )
        mixed = np.asarray(fn(previous, predicted, 0.25, np.random.default_rng(1)))
        swapped = mixed[inside] != previous[inside]
        assert np.all((mixed[inside] == previous[inside]) | (mixed[inside] == shifted[inside]))
        assert abs(swapped.mean() - 0.25) < 0.03, (
            f"about a quarter of the real inputs should come from the model; got "
            f"{swapped.mean():.3f}. Draw one coin per position with rng.random(...) < probability."
        )
        per_row = (mixed != previous).sum(axis=1)
        long_rows = inside.sum(axis=1) >= 6
        mixed_rows = (per_row > 0) & (per_row < inside.sum(axis=1))
        assert mixed_rows[long_rows].mean() > 0.5, (
            "most sequences should mix true and predicted inputs: draw one coin per position, "
            "not one per sequence."
        )
        again = np.asarray(fn(previous, predicted, 0.25, np.random.default_rng(1)))
        assert np.array_equal(mixed, again), "use the rng you are given, so the draw repeats."

    return run_check("Exercise 4 (scheduled sampling: the decoder's mixed inputs)", fn, check)
