"""The notebook 09 exercise checks pass on the solutions and fail on wrong answers."""

from collections import Counter

import numpy as np

from course_lib.exercises import nb09
from course_lib.solutions import nb09 as sol


def test_solutions_pass():
    assert nb09.check_doubly_stochastic_penalty(sol.doubly_stochastic_penalty)
    assert nb09.check_pooling_and_position(sol.global_average_pool, sol.same_after_shuffle)
    assert nb09.check_clipped_precision(sol.clipped_precision)


def test_wrong_answers_fail():
    def over_regions(weights, lengths):  # sums each step over the regions: always 1
        totals = np.asarray(weights).sum(axis=2)
        return ((1 - totals) ** 2).sum(axis=1)

    def counts_padding(weights, lengths):  # ignores the lengths
        return sol.doubly_stochastic_penalty(weights, np.full(len(lengths), weights.shape[1]))

    def no_square(weights, lengths):
        real = np.arange(weights.shape[1])[None, :] < np.asarray(lengths)[:, None]
        return np.abs(1 - (weights * real[..., None]).sum(axis=1)).sum(axis=1)

    for wrong in (over_regions, counts_padding, no_square):
        assert not nb09.check_doubly_stochastic_penalty(wrong), wrong.__name__

    pool, shuffle = sol.global_average_pool, sol.same_after_shuffle
    check = nb09.check_pooling_and_position
    assert not check(lambda regions: np.asarray(regions).sum(axis=1), shuffle)  # a sum, not a mean
    assert not check(lambda regions: np.asarray(regions).mean(axis=2), shuffle)  # wrong axis
    assert not check(pool, lambda p, regions, seed: True)  # no test at all
    assert not check(pool, lambda p, regions, seed: np.allclose(p(regions), p(regions)))

    def shuffles_features(p, regions, seed):  # permutes the feature axis instead of the regions
        order = np.random.default_rng(seed).permutation(regions.shape[2])
        return bool(np.allclose(p(regions), p(regions[:, :, order]), atol=1e-6))

    assert not check(pool, shuffles_features)

    def shuffles_in_place(p, regions, seed):
        before = p(regions)
        np.random.default_rng(seed).shuffle(regions, axis=1)
        return bool(np.allclose(before, p(regions), atol=1e-6))

    assert not check(pool, shuffles_in_place)

    def todo(*args):
        raise NotImplementedError

    assert not check(pool, todo)

    def unclipped(references, hypothesis, n):  # counts every n-gram found in any reference
        grams = Counter(tuple(hypothesis[i : i + n]) for i in range(len(hypothesis) - n + 1))
        seen = {tuple(r[i : i + n]) for r in references for i in range(len(r) - n + 1)}
        return sum(c for g, c in grams.items() if g in seen), sum(grams.values())

    assert not nb09.check_clipped_precision(unclipped)

    def summed_references(references, hypothesis, n):  # clips to the total over references
        grams = Counter(tuple(hypothesis[i : i + n]) for i in range(len(hypothesis) - n + 1))
        total = Counter()
        for r in references:
            total += Counter(tuple(r[i : i + n]) for i in range(len(r) - n + 1))
        return sum(min(c, total[g]) for g, c in grams.items()), sum(grams.values())

    assert not nb09.check_clipped_precision(summed_references)
