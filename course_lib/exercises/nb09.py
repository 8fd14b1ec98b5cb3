"""Self-checks for the exercises of notebook 09 (image captioning)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from course_lib.exercises import run_check


def _additive_attention(
    h: np.ndarray,
    regions: np.ndarray,
    w_query: np.ndarray,
    w_key: np.ndarray,
    b_key: np.ndarray,
    v: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    scores = np.tanh((h @ w_query)[:, None, :] + regions @ w_key + b_key) @ v  # (batch, R)
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return (weights[..., None] * regions).sum(axis=1), weights


def check_attention_step(fn: Callable) -> bool:
    """Exercise 1: check one step of additive attention over image regions.

    ``fn(h, regions, w_query, w_key, b_key, v)`` returns ``(context, weights)`` of additive
    attention for one decoder step: ``h (batch, units)``, ``regions (batch, R, d)``, ``w_query
    (units, a)``, ``w_key (d, a)``, ``b_key (a,)``, ``v (a,)``; ``weights (batch, R)`` and ``context
    (batch, d)``.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(909)
        for batch, units, regions_n, d, a in [(1, 3, 4, 2, 5), (3, 6, 16, 5, 4)]:
            h = rng.normal(size=(batch, units))
            regions = rng.normal(size=(batch, regions_n, d))
            w_query, w_key = rng.normal(size=(units, a)), rng.normal(size=(d, a))
            b_key, v = rng.normal(size=a), rng.normal(size=a) * 3
            want_context, want_weights = _additive_attention(h, regions, w_query, w_key, b_key, v)
            context, weights = fn(h, regions, w_query, w_key, b_key, v)
            context, weights = np.asarray(context), np.asarray(weights)
            assert weights.shape == (batch, regions_n), (
                f"weights must have shape {(batch, regions_n)} (one per region); "
                f"got {weights.shape}."
            )
            assert context.shape == (batch, d), f"context must have shape {(batch, d)}."
            assert np.allclose(weights.sum(axis=1), 1.0, atol=1e-6), (
                "each row of weights must sum to 1: a softmax over the regions."
            )
            assert np.allclose(weights, want_weights, atol=1e-6), (
                "the weights are off: score_r = v . tanh(h W_q + region_r W_k + b_k), then a "
                "softmax over r."
            )
            assert np.allclose(context, want_context, atol=1e-6), (
                "the weights are right but the context is not: sum_r weight_r * region_r."
            )

    return run_check("Exercise 1 (one attention step over image regions)", fn, check)


def check_pooling_and_position(global_average_pool: Callable, same_after_shuffle: Callable) -> bool:
    """Exercise 2: check global average pooling and a test of what it forgets.

    ``global_average_pool(regions)`` maps regions ``(batch, R, d)`` to their mean over the regions,
    ``(batch, d)``. ``same_after_shuffle(pool, regions, seed)`` shuffles the regions of ``regions``
    along ``R`` (with ``np.random.default_rng(seed)``, on a copy) and returns True when ``pool``
    gives the same vectors, to 1e-6, for the shuffled and the original regions.
    """

    def check(_: Callable) -> None:
        rng = np.random.default_rng(919)
        for batch, regions_n, d in [(1, 4, 3), (3, 16, 5), (2, 9, 1)]:
            regions = rng.normal(size=(batch, regions_n, d))
            got = np.asarray(global_average_pool(regions))
            assert got.shape == (batch, d), (
                f"regions of shape {regions.shape} must pool to {(batch, d)}; got {got.shape}. "
                "Average over the region axis (axis 1)."
            )
            assert np.allclose(got, regions.mean(axis=1), atol=1e-9), (
                "the pooled vectors are off: each is the mean of its image's R region vectors."
            )
        pools: dict[str, tuple[Callable[[np.ndarray], np.ndarray], bool]] = {
            "your global_average_pool": (global_average_pool, True),
            "a max over the regions": (lambda r: np.asarray(r).max(axis=1), True),
            "the flattened grid": (lambda r: np.asarray(r).reshape(len(r), -1), False),
            "the first region alone": (lambda r: np.asarray(r)[:, 0], False),
            "a position-weighted sum": (
                lambda r: (np.asarray(r) * np.arange(1, r.shape[1] + 1)[None, :, None]).sum(1),
                False,
            ),
        }
        regions = rng.normal(size=(3, 16, 4))
        for name, (pool, want) in pools.items():
            for seed in (0, 1, 2):
                untouched = regions.copy()
                same = bool(same_after_shuffle(pool, regions, seed))
                assert np.array_equal(regions, untouched), (
                    "same_after_shuffle changed the caller's regions: shuffle a copy."
                )
                assert same == want, (
                    f"{name} {'ignores' if want else 'depends on'} the order of the regions, but "
                    f"same_after_shuffle returned {same} (seed {seed}). Permute axis 1 (the "
                    "regions) of a copy, keep the batch and feature axes as they are, and compare "
                    "pool(original) with pool(shuffled)."
                )

    return run_check(
        "Exercise 2 (average pooling forgets where things were)", global_average_pool, check
    )


def _clipped(
    references: Sequence[Sequence[str]], hypothesis: Sequence[str], n: int
) -> tuple[int, int]:
    grams = Counter(tuple(hypothesis[i : i + n]) for i in range(len(hypothesis) - n + 1))
    best: Counter = Counter()
    for ref in references:
        best |= Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
    return sum(min(c, best[g]) for g, c in grams.items()), sum(grams.values())


def check_clipped_precision(fn: Callable) -> bool:
    """Exercise 3: check BLEU's clipped n-gram precision.

    ``fn(references, hypothesis, n)`` returns ``(matches, total)``: how many of the hypothesis'
    n-grams appear in the references, each counted at most as often as it appears in any single
    reference, and how many n-grams the hypothesis has.
    """

    def check(fn: Callable) -> None:
        refs = [
            "a large red seven left of a small blue two".split(),
            "a small blue two right of a large red seven".split(),
        ]
        cases = [
            (refs, "a a a a a".split(), 1),
            (refs, "a large red seven left of a small blue two".split(), 2),
            (refs, "a small red seven left of a large blue two".split(), 2),
            (refs, "a large red seven right of a small blue two".split(), 3),
            (refs, "two".split(), 2),
            ([["a", "b", "a"], ["a", "a", "b", "a"]], ["a", "a", "a", "a", "b"], 1),
        ]
        for references, hypothesis, n in cases:
            want = _clipped(references, hypothesis, n)
            got = tuple(int(x) for x in fn(references, hypothesis, n))
            assert got[1] == want[1], (
                f"{' '.join(hypothesis)!r} has {want[1]} {n}-grams; you counted {got[1]}."
            )
            assert got == want, (
                f"for {' '.join(hypothesis)!r} and n={n}: expected {want[0]} matches, got "
                f"{got[0]}. Clip each n-gram's count to its largest count in any ONE reference."
            )

    return run_check("Exercise 3 (clipped n-gram precision, the core of BLEU)", fn, check)
