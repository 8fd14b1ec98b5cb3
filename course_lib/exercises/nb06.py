"""Self-checks for the exercises of notebook 06 (stacked RNNs, and tree RNNs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib.exercises import run_check


def check_residual_stack(fn: Callable) -> bool:
    """Exercise 1: ``fn(x, layers)`` applies a list of functions as a residual stack.

    The first layer's output replaces ``x``; every later output is added to that layer's input.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(606)
        x = rng.normal(size=(2, 5, 3))
        w_in = rng.normal(size=(3, 4))
        ws = [rng.normal(size=(4, 4)) / 2 for _ in range(3)]
        layers = [lambda z: np.tanh(z @ w_in)] + [lambda z, w=w: np.tanh(z @ w) for w in ws]
        for depth in (1, 2, 4):
            z = layers[0](x)
            for layer in layers[1:depth]:
                z = z + layer(z)
            got = np.asarray(fn(x, layers[:depth]))
            assert got.shape == z.shape, f"expected shape {z.shape}; got {got.shape}."
            assert np.allclose(got, z, atol=1e-10), (
                f"depth {depth}: wrong values. Layer 1: z = f1(x) (widths differ, no skip); "
                "then z = z + f(z) for every later layer, each reading the running z."
            )

    return run_check("Exercise 1 (a residual stack)", fn, check)


def _height(tree: object) -> int:
    return 1 + max(_height(tree[1]), _height(tree[2])) if isinstance(tree, tuple) else 0


def _inner_nodes(tree: object, out: list) -> list:
    """Every inner node of ``tree`` (children before parents), with its height."""
    if isinstance(tree, tuple):
        _inner_nodes(tree[1], out)
        _inner_nodes(tree[2], out)
        out.append((_height(tree), tree))
    return out


def check_encode_by_height(fn: Callable) -> bool:
    """Exercise 2: ``fn(trees, leaf_vector, compose)`` encodes trees height by height.

    It returns the root vectors ``(len(trees), units)`` and calls ``compose(ops, lefts, rights)``
    once per height, with every node of that height (in all the trees) at once.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(626)
        units, ops = 3, ("max", "min")
        table = rng.normal(size=(10, units))
        weights = {op: (rng.normal(size=(2 * units, units)), rng.normal(size=units)) for op in ops}

        def leaf_vector(digit: int) -> np.ndarray:
            return table[digit]

        def one(op: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
            kernel, bias = weights[op]
            return np.tanh(np.concatenate([left, right]) @ kernel + bias)

        def recursive(tree: Any) -> np.ndarray:
            if isinstance(tree, tuple):
                return one(tree[0], recursive(tree[1]), recursive(tree[2]))
            return leaf_vector(tree)

        cases: list[list[Any]] = [
            [("max", ("min", ("max", 1, 2), 3), ("min", 4, 5))],  # post-order is not by height
            [("max", 1, 2), 7, ("min", ("max", 3, 4), ("max", 5, 6))],
            [("min", ("max", 1, ("min", 2, ("max", 3, 4))), ("max", 9, 8)), ("max", 0, 0)],
        ]
        for trees in cases:
            calls: list[int] = []

            def compose(
                node_ops: list, lefts: np.ndarray, rights: np.ndarray, calls: list = calls
            ) -> np.ndarray:
                node_ops = list(node_ops)
                lefts, rights = np.asarray(lefts), np.asarray(rights)
                assert lefts.shape == rights.shape == (len(node_ops), units), (
                    f"compose(ops, lefts, rights) takes one operator per node and two arrays "
                    f"(nodes, {units}); got {len(node_ops)} ops, {lefts.shape} and {rights.shape}."
                )
                calls.append(len(node_ops))
                return np.stack([one(*args) for args in zip(node_ops, lefts, rights)])

            got = np.asarray(fn(trees, leaf_vector, compose))
            want = np.stack([recursive(t) for t in trees])
            assert got.shape == want.shape, f"expected root vectors {want.shape}; got {got.shape}."
            assert np.allclose(got, want, atol=1e-10), (
                f"trees {trees}: the root vectors differ from a plain recursion. Leaves get "
                "leaf_vector(digit); an inner node composes its left and right children's vectors."
            )
            heights = max(_height(t) for t in trees)
            assert len(calls) == heights, (
                f"trees {trees}: compose was called {len(calls)} times; expected once per height "
                f"({heights}), each time with every node of that height in all the trees."
            )
            nodes = [node for t in trees for node in _inner_nodes(t, [])]
            for level, size in enumerate(calls, start=1):
                at_level = [tree for height, tree in nodes if height == level]
                assert len(set(at_level)) <= size <= len(at_level), (
                    f"trees {trees}: call {level} composed {size} nodes; the trees have "
                    f"{len(at_level)} nodes of height {level}. Compose the nodes in order of "
                    "height: a node's height is 1 + the larger of its children's (leaves 0)."
                )

    return run_check("Exercise 2 (composing by height)", fn, check)


def check_max_min_weights(fn: Callable) -> bool:
    """Exercise 3: ``fn()`` returns hand-set tree RNN weights that compute max and min exactly.

    The weights are ``(embeddings, kernel, bias)`` of shapes ``(10, 9)``, ``(2, 18, 9)`` and
    ``(2, 9)`` (operators ``("max", "min")``); a node's value is the number of positive entries
    of its vector.
    """

    def check(fn: Callable) -> None:
        from course_lib.data import expressions
        from course_lib.models.tree import TreeComposition, pack_trees

        ops = ("max", "min")
        weights = [np.asarray(w, dtype="float32") for w in fn()]
        shapes = [w.shape for w in weights]
        assert shapes == [(10, 9), (2, 18, 9), (2, 9)], (
            f"return (embeddings, kernel, bias) of shapes (10, 9), (2, 18, 9), (2, 9); got "
            f"{shapes}."
        )
        leaves = (weights[0] > 0).sum(axis=1)
        assert (leaves == np.arange(10)).all(), (
            f"digit d's vector must have d positive entries; the counts are {leaves.tolist()}. "
            "Try a thermometer code: entry i is +1 when d > i, else -1."
        )
        layer = TreeComposition(9, n_leaves=10, n_ops=2)
        data = expressions.make_expression_data(300, (1, 2, 3, 6, 10), ops, seed=66)
        nodes = pack_trees(data.trees, ops)
        layer.build(nodes.shape)
        layer.set_weights(weights)
        got = (np.asarray(layer(nodes)) > 0).sum(axis=1)
        wrong = np.flatnonzero(got != data.values)
        if len(wrong):
            i = wrong[0]
            raise AssertionError(
                f"{len(wrong)} of {len(data)} expressions come out wrong, e.g. "
                f"{data.strings[i]} = {data.values[i]}, decoded as {got[i]}. On a thermometer "
                "code max is an OR per entry and min an AND: tanh of a large multiple of "
                "(left + right + 1) or (left + right - 1). Make the multiple large enough that "
                "tanh saturates, or the vectors fade with depth."
            )

    return run_check("Exercise 3 (max and min by hand)", fn, check)
