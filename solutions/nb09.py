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


def teacher_forcing_pair(ids, start, end, max_len):
    """Exercise 2: the decoder's inputs (start + words) and targets (words + end), padded."""
    inputs = np.zeros(max_len, dtype=np.int32)
    targets = np.zeros(max_len, dtype=np.int32)
    inputs[: len(ids) + 1] = [start, *ids]
    targets[: len(ids) + 1] = [*ids, end]
    return inputs, targets


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
