"""Self-checks for the exercises of notebook 10 (CTC speech recognition)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from course_lib.decoding.ctc import (
    bigram_lm,
    ctc_collapse,
    ctc_forward_loss,
    ctc_prefix_beam_step,
)
from course_lib.exercises import run_check


def check_collapse(fn: Callable) -> bool:
    """Exercise 1: ``fn(frame_labels)`` applies the CTC collapsing rule (blank = 0).

    Args:
        fn: takes a list of per-frame labels and returns the collapsed label list.

    Returns:
        True when the check passed.
    """

    def check(fn: Callable) -> None:
        cases = [
            ([1, 1, 0, 1, 2, 2], [1, 1, 2]),
            ([0, 3, 3, 3, 0, 0, 4], [3, 4]),
            ([0, 0, 0], []),
            ([5], [5]),
            ([2, 0, 2, 0, 2], [2, 2, 2]),
        ]
        rng = np.random.default_rng(10)
        for _ in range(20):
            frames = [int(v) for v in rng.integers(0, 4, size=rng.integers(1, 12))]
            cases.append((frames, ctc_collapse(frames)))
        for frames, want in cases:
            got = [int(v) for v in fn(list(frames))]
            assert got == want, (
                f"{frames} should collapse to {want}, got {got}: first merge runs of the same "
                "label into one, then remove the blanks (0); a blank between two equal labels "
                "keeps them apart."
            )

    return run_check("Exercise 1 (the collapsing rule)", fn, check)


def check_ctc_backward(fn: Callable) -> bool:
    """Exercise 2: ``fn(log_probs, labels)`` returns the log of the backward variable beta.

    ``beta[t, s]`` is the total probability of the partial alignments that sit on the extended
    symbol ``y'_s`` at frame ``t`` (its probability at that frame included) and read the rest of
    the extended transcript by the last frame; shape ``(frames, 2 * len(labels) + 1)``, ``-inf``
    where no such alignment exists. The reference is
    ``course_lib.solutions.nb10.ctc_backward``; the check also requires
    ``beta[0, 0] (+) beta[0, 1] = log p(y | x)``, the forward algorithm's total
    (``ctc.ctc_forward_loss``).
    """
    from course_lib.solutions.nb10 import ctc_backward

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(1010)
        for frames, classes, labels in [(6, 4, [1, 2]), (7, 3, [1, 1]), (9, 5, [2, 3, 3, 1]),
                                        (3, 3, [2])]:  # fmt: skip
            logits = rng.normal(size=(frames, classes))
            lp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
            got = np.asarray(fn(lp, labels), dtype=np.float64)
            want = ctc_backward(lp, labels)
            assert got.shape == want.shape, (
                f"beta must be (frames, 2 * len(labels) + 1) = {want.shape}; got {got.shape}."
            )
            finite = np.isfinite(want)
            assert np.array_equal(np.isfinite(got), finite) and np.allclose(
                got[finite], want[finite], atol=1e-9
            ), (
                f"beta is off for labels {labels}: start from the last frame (beta = p_T of the "
                "last label or the final blank, -inf elsewhere), then go back: a state can come "
                "from itself, the next state, or skip the next blank, but only between two "
                "different labels."
            )
            total = np.logaddexp(got[0, 0], got[0, 1])
            assert abs(total + ctc_forward_loss(lp, labels)) < 1e-9, (
                "beta[0, 0] and beta[0, 1] must add up to p(y | x), as the forward algorithm's "
                "alpha does at the last frame."
            )

    return run_check("Exercise 2 (the backward variable)", fn, check)


def _possible(beams: dict) -> dict:
    """The prefixes with a non-zero probability, as plain floats."""
    return {
        tuple(int(v) for v in prefix): (float(b), float(nb))
        for prefix, (b, nb) in beams.items()
        if max(b, nb) > -math.inf
    }


def check_prefix_beam_step(fn: Callable) -> bool:
    """Exercise 3: ``fn(beams, frame_log_probs)`` is one step of prefix beam search.

    Args:
        fn: extends every prefix of ``beams`` (prefix -> ``(log p_blank, log p_label)``) by one
            frame of log-probabilities ``(classes,)`` (blank 0), with no pruning, and returns
            the new dictionary.

    Returns:
        True when the check passed.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(12)
        # the worked case first: two frames of "a" (0.8) or blank (0.2)
        lp = np.log(np.array([0.2, 0.8]))
        beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, -math.inf)}
        for _ in range(2):
            want = _possible(ctc_prefix_beam_step(beams, lp))
            got = _possible(fn(dict(beams), lp.copy()))
            _compare(got, want, beams, lp)
            beams = want
        for _ in range(10):
            classes = int(rng.integers(2, 5))
            beams = {(): (0.0, -math.inf)}
            for _ in range(int(rng.integers(1, 4))):
                lp = np.log(rng.dirichlet(np.ones(classes)))
                want = _possible(ctc_prefix_beam_step(beams, lp))
                got = _possible(fn(dict(beams), lp.copy()))
                _compare(got, want, beams, lp)
                beams = want

    return run_check("Exercise 3 (one step of prefix beam search)", fn, check)


def _compare(got: dict, want: dict, beams: dict, lp: np.ndarray) -> None:
    probs = np.round(np.exp(lp), 3).tolist()
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    assert not missing, (
        f"from {sorted(beams)} with frame probabilities {probs}, prefix {missing[0]} is missing: "
        "each prefix can stay (a blank, or its last label again) or grow by any other label; a "
        "repeat of the last label grows the prefix only from the alignments ending in a blank."
    )
    assert not extra, (
        f"prefix {extra[0]} should have probability 0 here: a label equal to the last one can "
        "only start a new character after a blank."
    )
    for prefix, (b, nb) in want.items():
        gb, gnb = got[prefix]
        assert np.allclose([gb, gnb], [b, nb], atol=1e-9), (
            f"from {sorted(beams)} with frame probabilities {probs}: prefix {prefix} should have "
            f"(log p_blank, log p_label) = ({b:.4f}, {nb:.4f}), got ({gb:.4f}, {gnb:.4f}). A "
            "blank adds total * p(blank) to p_blank; the last label again adds "
            "p_label * p(label) to p_label of the same prefix; a new label adds total * p(label) "
            "(p_blank * p(label) when it repeats the last one) to the longer prefix; sums of "
            "probabilities are logaddexp in log space."
        )


def check_rescore(fn: Callable) -> bool:
    """Exercise 4: ``fn(hypotheses, lm, alpha, beta)`` rescores an n-best list.

    Args:
        fn: picks the labels of the best hypothesis under
            ``log p_ctc + alpha * log P_LM + beta * length``; ``hypotheses`` is a list of
            ``(labels, log p_ctc)`` and ``lm(prefix, k)`` gives ``log P(k | prefix)``.

    Returns:
        True when the check passed.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(13)
        corpus = [[1, 2, 3], [1, 2], [3, 1, 2, 2], [2, 3]]
        lm = bigram_lm(corpus, n_classes=4)

        def score(labels: tuple, log_prob: float, alpha: float, beta: float) -> float:
            lm_log_prob = sum(lm(tuple(labels[:i]), k) for i, k in enumerate(labels))
            return log_prob + alpha * lm_log_prob + beta * len(labels)

        for _ in range(30):
            hyps = []
            for _ in range(int(rng.integers(2, 6))):
                labels = tuple(int(v) for v in rng.integers(1, 4, size=rng.integers(1, 5)))
                hyps.append((labels, float(-rng.exponential(3.0))))
            alpha, beta = float(rng.choice([0.0, 0.5, 1.0])), float(rng.choice([0.0, 0.5, 2.0]))
            scores = [score(labels, lp, alpha, beta) for labels, lp in hyps]
            if sorted(scores)[-1] - sorted(scores)[-2] < 1e-6:
                continue  # a tie: either answer is right
            want = hyps[int(np.argmax(scores))][0]
            got = tuple(int(v) for v in fn(list(hyps), lm, alpha, beta))
            assert got == want, (
                f"with alpha={alpha}, beta={beta} the best of {hyps} is {want}, not {got}: add "
                "alpha times the LM log-probability of each label given the labels before it "
                "(the empty prefix for the first) and beta per label to the CTC log-probability."
            )

    return run_check("Exercise 4 (rescoring with a language model and a length bonus)", fn, check)
