"""The notebook 09 exercise checks pass on the solutions and fail on wrong answers."""

from collections import Counter

import numpy as np

from course_lib.exercises import nb09
from course_lib.solutions import nb09 as sol


def test_solutions_pass():
    assert nb09.check_attention_step(sol.attention_step)
    assert nb09.check_pooling_and_position(sol.global_average_pool, sol.same_after_shuffle)
    assert nb09.check_clipped_precision(sol.clipped_precision)


def test_solution_matches_the_course_attention_layer():
    import keras  # noqa: F401  (the layer needs Keras)

    from course_lib.layers import BahdanauAttention

    rng = np.random.default_rng(0)
    h, regions = (
        rng.normal(size=(2, 5)).astype("float32"),
        rng.normal(size=(2, 9, 3)).astype("float32"),
    )
    layer = BahdanauAttention(4, name="att")
    context, weights = layer(h[:, None], regions)
    w_q = layer.query_dense.get_weights()[0]
    w_k, b_k = layer.key_dense.get_weights()
    v = layer.score_dense.get_weights()[0][:, 0]
    ours_context, ours_weights = sol.attention_step(h, regions, w_q, w_k, b_k, v)
    np.testing.assert_allclose(ours_weights, np.asarray(weights)[:, 0], atol=1e-5)
    np.testing.assert_allclose(ours_context, np.asarray(context)[:, 0], atol=1e-5)


def test_wrong_answers_fail():
    def no_softmax(h, regions, w_query, w_key, b_key, v):  # normalises by the sum of scores
        scores = np.tanh((h @ w_query)[:, None, :] + regions @ w_key + b_key) @ v
        weights = np.abs(scores) / np.abs(scores).sum(axis=1, keepdims=True)
        return np.einsum("br,brd->bd", weights, regions), weights

    assert not nb09.check_attention_step(no_softmax)

    def mean_context(h, regions, w_query, w_key, b_key, v):  # right weights, plain mean
        _, weights = sol.attention_step(h, regions, w_query, w_key, b_key, v)
        return regions.mean(axis=1), weights

    assert not nb09.check_attention_step(mean_context)

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
