"""The notebook 09 exercise checks pass on the solutions and fail on wrong answers."""

from collections import Counter

import numpy as np

from course_lib.exercises import nb09
from solutions import nb09 as sol


def test_solutions_pass():
    assert nb09.check_attention_step(sol.attention_step)
    assert nb09.check_teacher_forcing_pairs(sol.teacher_forcing_pair)
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

    def unshifted(ids, start, end, max_len):  # inputs and targets the same sequence
        inputs, _ = sol.teacher_forcing_pair(ids, start, end, max_len)
        return inputs, inputs

    assert not nb09.check_teacher_forcing_pairs(unshifted)

    def no_end(ids, start, end, max_len):
        inputs, targets = sol.teacher_forcing_pair(ids, start, end, max_len)
        targets[len(ids)] = 0
        return inputs, targets

    assert not nb09.check_teacher_forcing_pairs(no_end)

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
