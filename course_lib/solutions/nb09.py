"""Solutions to the exercises of notebook 09 (image captioning)."""

from __future__ import annotations

from collections import Counter

import numpy as np


def attention_step(h, regions, w_query, w_key, b_key, v):
    """Exercise 1: additive attention of one decoder state over the image regions."""
    hidden = np.tanh((h @ w_query)[:, None, :] + regions @ w_key + b_key)  # (batch, R, a)
    scores = hidden @ v  # (batch, R)
    scores = scores - scores.max(axis=1, keepdims=True)  # a stable softmax
    weights = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    context = np.einsum("br,brd->bd", weights, regions)
    return context, weights


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
