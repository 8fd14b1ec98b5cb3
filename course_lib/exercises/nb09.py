"""Self-checks for the exercises of notebook 09 (image captioning)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from course_lib.exercises import run_check


def check_doubly_stochastic_penalty(fn: Callable) -> bool:
    """Exercise 1: check the doubly stochastic penalty of Xu et al. (2015).

    ``fn(weights, lengths)`` takes attention weights ``(batch, steps, R)`` (each step's row sums
    to 1 over the regions; steps at or after ``lengths[i]`` are padding and do not count) and
    returns, per caption, ``sum_r (1 - sum_t weights[i, t, r])**2`` over its real steps, shape
    ``(batch,)``. The reference is ``course_lib.solutions.nb09.doubly_stochastic_penalty``.
    """
    from course_lib.solutions.nb09 import doubly_stochastic_penalty

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(909)
        for batch, steps, regions in [(1, 4, 4), (3, 7, 16), (2, 5, 9)]:
            weights = rng.dirichlet(np.full(regions, 0.5), size=(batch, steps))
            lengths = rng.integers(1, steps + 1, size=batch)
            weights[np.arange(steps)[None, :] >= lengths[:, None]] = 1.0 / regions  # padding
            got = np.asarray(fn(weights, lengths), dtype=np.float64)
            want = doubly_stochastic_penalty(weights, lengths)
            assert got.shape == (batch,), f"expected one penalty per caption, shape {(batch,)}."
            assert np.allclose(got, want, rtol=1e-9), (
                f"penalties {np.round(got, 4)} should be {np.round(want, 4)}: sum each region's "
                "weight over the caption's real steps (not over the regions, which always gives "
                "1), subtract from 1, square, and add over the regions."
            )
        # attention that visits every region exactly once in total costs nothing
        eye = np.eye(5)[None]
        assert np.allclose(np.asarray(fn(eye, np.array([5]))), 0.0), (
            "a caption of 5 steps that looks at each of 5 regions once must have penalty 0."
        )

    return run_check("Exercise 1 (the doubly stochastic penalty)", fn, check)


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
