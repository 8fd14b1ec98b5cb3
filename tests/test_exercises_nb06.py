"""The notebook 06 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb06
from course_lib.solutions import nb06 as sol


def test_solutions_pass():
    assert nb06.check_residual_stack(sol.residual_stack)
    assert nb06.check_encode_by_height(sol.encode_by_height)
    assert nb06.check_max_min_weights(sol.max_min_weights)


def test_not_attempted_is_reported_not_raised():
    def todo(*args, **kwargs):
        raise NotImplementedError

    assert not nb06.check_residual_stack(todo)
    assert not nb06.check_encode_by_height(todo)
    assert not nb06.check_max_min_weights(todo)


def test_wrong_residual_stacks_fail():
    def skip_on_first_too(x, layers):
        z = x
        for layer in layers:
            out = layer(z)
            z = out + z if out.shape == z.shape else out
        return z

    def plain(x, layers):
        z = x
        for layer in layers:
            z = layer(z)
        return z

    def skip_from_input(x, layers):  # adds every layer's output to the first layer's output
        first = layers[0](x)
        return first + sum((layer(first) for layer in layers[1:]), np.zeros_like(first))

    assert not nb06.check_residual_stack(plain)
    assert not nb06.check_residual_stack(skip_from_input)
    # skip_on_first_too equals the solution here (widths 3 -> 4 cannot be added): it must pass
    assert nb06.check_residual_stack(skip_on_first_too)


def test_wrong_tree_encoders_fail():
    def recursive(trees, leaf_vector, compose):  # right values, but one call per node
        def encode(tree):
            if not isinstance(tree, tuple):
                return leaf_vector(tree)
            left, right = encode(tree[1])[None], encode(tree[2])[None]
            return compose([tree[0]], left, right)[0]

        return np.stack([encode(t) for t in trees])

    def one_tree_at_a_time(trees, leaf_vector, compose):  # batched by height, tree by tree
        return np.concatenate([sol.encode_by_height([t], leaf_vector, compose) for t in trees])

    def children_swapped(trees, leaf_vector, compose):
        def swap(tree):
            return (tree[0], swap(tree[2]), swap(tree[1])) if isinstance(tree, tuple) else tree

        return sol.encode_by_height([swap(t) for t in trees], leaf_vector, compose)

    assert not nb06.check_encode_by_height(recursive)
    assert not nb06.check_encode_by_height(one_tree_at_a_time)
    assert not nb06.check_encode_by_height(children_swapped)


def test_wrong_hand_set_weights_fail():
    def swapped():  # max and min exchanged
        embeddings, kernel, bias = sol.max_min_weights()
        return embeddings, kernel, bias[::-1]

    def too_soft():  # tanh does not saturate: the code fades with depth
        return sol.max_min_weights(scale=0.5)

    def one_hot():  # leaves that do not decode to their digit
        embeddings, kernel, bias = sol.max_min_weights()
        return np.eye(10)[:, :9] * 2 - 1, kernel, bias

    def wrong_shapes():
        embeddings, kernel, bias = sol.max_min_weights()
        return embeddings, kernel[0], bias

    for fn in (swapped, too_soft, one_hot, wrong_shapes):
        assert not nb06.check_max_min_weights(fn), fn.__name__
