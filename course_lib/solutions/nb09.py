"""Solutions to the exercises of notebook 09 (image captioning)."""

from __future__ import annotations

from collections import Counter

import numpy as np


def doubly_stochastic_penalty(weights, lengths):
    """Exercise 1: sum_r (1 - sum_t alpha_tr)^2 per caption, over its real steps only."""
    weights = np.asarray(weights, dtype=np.float64)
    real = np.arange(weights.shape[1])[None, :] < np.asarray(lengths)[:, None]  # (batch, steps)
    totals = (weights * real[..., None]).sum(axis=1)  # (batch, R): each region over the caption
    return ((1.0 - totals) ** 2).sum(axis=1)


def global_average_pool(regions):
    """Exercise 2: the mean of each image's region vectors, (batch, R, d) -> (batch, d)."""
    return np.asarray(regions).mean(axis=1)


def same_after_shuffle(pool, regions, seed):
    """Exercise 2: does ``pool`` give the same vectors when the regions are put in another order?"""
    regions = np.asarray(regions)
    order = np.random.default_rng(seed).permutation(regions.shape[1])
    return bool(np.allclose(pool(regions), pool(regions[:, order]), atol=1e-6))


# The question of exercise 2. A sum does not depend on the order of its terms, so the average of
# the regions is the same for any arrangement of them: two images whose regions hold the same
# features in other places pool to the same vector. The grid coordinates appended to each region
# average to the centre of the grid for every image, so they say nothing once pooled, and the
# cell probabilities appended to each region average to which digits the scene holds, not where.
# Position survives pooling only where a feature itself encodes it. A flattened grid keeps each
# region in its own slot, so shuffling changes it. (Training the baseline from the average is
# the open part: compare its digits named right and its scene accuracy with the grid baseline's.)


def clipped_precision(references, hypothesis, n):
    """Exercise 3: clipped n-gram matches and the number of n-grams of the hypothesis."""

    def grams(tokens):
        return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))

    counts = grams(hypothesis)
    most = Counter()
    for ref in references:
        for gram, count in grams(ref).items():
            most[gram] = max(most[gram], count)
    return sum(min(count, most[gram]) for gram, count in counts.items()), sum(counts.values())
