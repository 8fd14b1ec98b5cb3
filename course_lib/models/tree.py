"""A recursive (tree) neural network: one composition function applied bottom-up (notebook 06).

A chain RNN folds a sequence left to right with one cell; a tree RNN folds a parse tree from the
leaves up with one *composition function*. Here a leaf (a digit) gets a learned vector, and an
inner node ``(op, left, right)`` gets

    h = tanh([h_left, h_right] @ kernel[op] + bias[op])

with one kernel ``(2 * units, units)`` and one bias per operator, shared by every node of every
tree. The root's vector goes to a classifier.

**Batching.** Trees of a batch have different shapes, so they cannot be run as one recursion.
Each tree is written as a *node table* (``pack_trees``): an int32 array ``(slots, 5)`` whose row
``j`` describes node ``j`` with the columns of ``NODE_COLUMNS``:

- ``leaf``: the digit of a leaf (0 for an inner node);
- ``op``: the operator's index of an inner node (0 for a leaf);
- ``left``, ``right``: the slots of its children (0 for a leaf);
- ``height``: 0 for a leaf, ``1 + max(height of children)`` for an inner node, -1 for an unused
  slot (a table is padded to the batch's largest tree).

Nodes are numbered in pre-order, so the root is slot 0. ``TreeComposition`` lays the batch's
tables end to end as one list of nodes, writes every leaf's vector, then makes one pass per
height: it gathers the nodes of that height from every tree of the batch, gathers their
children's vectors (already computed, since children are lower), composes them all in one
batched product, and scatters the results back. A batch of trees of height ``H`` costs ``H``
batched steps, however many nodes the trees hold. The number of nodes per height changes from
batch to batch, so the layer opts out of XLA compilation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from course_lib import handles
from course_lib._args import positive_int
from course_lib.models.recurrent import OUTPUT_DTYPE

__all__ = [
    "NODE_COLUMNS",
    "pack_trees",
    "TreeComposition",
    "build_tree_rnn_model",
    "compose_recursive",
]

NODE_COLUMNS = ("leaf", "op", "left", "right", "height")
_LEAF, _OP, _LEFT, _RIGHT, _HEIGHT = range(len(NODE_COLUMNS))


def _node_rows(tree: object, ops: tuple[str, ...], rows: list[list[int]]) -> int:
    """Append ``tree``'s nodes to ``rows`` in pre-order; return the height of ``tree``."""
    slot = len(rows)
    rows.append([0, 0, 0, 0, 0])
    if isinstance(tree, tuple):
        if len(tree) != 3 or tree[0] not in ops:
            raise ValueError(
                f"an inner node must be (op, left, right) with op in ops={ops}; got {tree!r:.60}."
            )
        op, left, right = tree
        left_slot = len(rows)
        left_height = _node_rows(left, ops, rows)
        right_slot = len(rows)
        right_height = _node_rows(right, ops, rows)
        height = 1 + max(left_height, right_height)
        rows[slot] = [0, ops.index(op), left_slot, right_slot, height]
        return height
    if isinstance(tree, (bool, np.bool_)) or not isinstance(tree, (int, np.integer)):
        raise ValueError(f"a leaf must be an integer id; got {tree!r}.")
    if tree < 0:
        raise ValueError(f"a leaf must be a non-negative id; got {tree!r}.")
    rows[slot] = [int(tree), 0, 0, 0, 0]
    return 0


def pack_trees(trees: Sequence[object], ops: Sequence[str], slots: int | None = None) -> np.ndarray:
    """Node tables of a batch of trees, padded to the same number of slots.

    Args:
        trees: each a leaf id (an int, e.g. a digit) or ``(op, left, right)``.
        ops: the operator names, in the order of the model's kernels (``op`` column = index).
        slots: rows per table (default: the largest tree's node count).

    Returns:
        int32 array ``(len(trees), slots, 5)``, columns as ``NODE_COLUMNS``; unused slots have
        height -1.

    Raises:
        ValueError: for an empty ``trees``, an operator not in ``ops``, a bad leaf, or
            ``slots`` smaller than a tree.
    """
    if len(trees) == 0:
        raise ValueError("trees must hold at least one tree.")
    if isinstance(ops, str) or len(ops) == 0:
        raise ValueError(f"ops must be a non-empty sequence of operator names; got {ops!r}.")
    ops = tuple(ops)
    tables = []
    for tree in trees:
        rows: list[list[int]] = []
        _node_rows(tree, ops, rows)
        tables.append(rows)
    largest = max(len(t) for t in tables)
    slots = largest if slots is None else positive_int(slots, "slots", minimum=largest)
    out = np.zeros((len(tables), slots, len(NODE_COLUMNS)), dtype=np.int32)
    out[:, :, _HEIGHT] = -1
    for i, rows in enumerate(tables):
        out[i, : len(rows)] = rows
    return out


@keras.saving.register_keras_serializable(package="course_lib")
class TreeComposition(keras.layers.Layer):
    """Encode trees bottom-up with one composition per operator; outputs the root vectors.

    Leaves: ``h = embeddings[leaf]``. Inner nodes: ``h = tanh([h_left, h_right] @ kernel[op] +
    bias[op])``, computed height by height (see the module docstring).

    Args:
        units: size of every node's vector.
        n_leaves: number of leaf ids (10 for digits).
        n_ops: number of operators (one kernel and bias each).
        **kwargs: passed to ``keras.layers.Layer`` (e.g. ``name``).

    Call arguments:
        nodes: int node tables ``(batch, slots, 5)`` from ``pack_trees``.

    Returns (call):
        The root vectors ``(batch, units)``; ``node_states`` returns every node's.

    Raises:
        ValueError: for bad sizes, or (on build) input that is not ``(batch, slots, 5)``.
    """

    def __init__(self, units: int, n_leaves: int = 10, n_ops: int = 2, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.units = positive_int(units, "units")
        self.n_leaves = positive_int(n_leaves, "n_leaves")
        self.n_ops = positive_int(n_ops, "n_ops")
        # the number of nodes per height varies from batch to batch: no XLA (Keras checks this)
        self.supports_jit = False

    def build(self, input_shape: tuple) -> None:
        """Create the leaf embeddings and each operator's kernel and bias.

        Raises:
            ValueError: when ``input_shape`` is not ``(batch, slots, 5)``.
        """
        if len(input_shape) != 3 or input_shape[-1] != len(NODE_COLUMNS):
            raise ValueError(
                f"nodes must be (batch, slots, {len(NODE_COLUMNS)}) node tables from pack_trees; "
                f"got shape {tuple(input_shape)}."
            )
        u = self.units
        # leaf vectors start spread over (-1, 1), the range of every inner node's tanh
        self.embeddings = self.add_weight(
            shape=(self.n_leaves, u),
            initializer=keras.initializers.RandomUniform(-1.0, 1.0),
            name="embeddings",
        )
        self.kernel = self.add_weight(
            shape=(self.n_ops, 2 * u, u), initializer="glorot_uniform", name="kernel"
        )
        self.bias = self.add_weight(shape=(self.n_ops, u), initializer="zeros", name="bias")

    def node_states(self, nodes: Any) -> tf.Tensor:
        """Every node's vector.

        Args:
            nodes: int node tables ``(batch, slots, 5)``.

        Returns:
            ``(batch, slots, units)``; unused slots hold zeros.
        """
        nodes = tf.cast(nodes, "int32")
        if not self.built:
            self.build(tuple(nodes.shape))
        batch, slots = tf.shape(nodes)[0], tf.shape(nodes)[1]
        # one flat list of the batch's nodes: slot j of tree b is row b * slots + j
        flat = tf.reshape(nodes, (-1, len(NODE_COLUMNS)))
        offset = tf.repeat(tf.range(batch) * slots, slots)
        height, op = flat[:, _HEIGHT], flat[:, _OP]
        left, right = flat[:, _LEFT] + offset, flat[:, _RIGHT] + offset
        embeddings = tf.cast(self.embeddings, self.compute_dtype)
        kernel = tf.cast(self.kernel, self.compute_dtype)
        bias = tf.cast(self.bias, self.compute_dtype)
        leaf = tf.clip_by_value(flat[:, _LEAF], 0, self.n_leaves - 1)
        h = tf.where((height == 0)[:, None], tf.gather(embeddings, leaf), 0.0)

        def one_height(level: tf.Tensor, h: tf.Tensor) -> tf.Tensor:
            rows = tf.where(height == level)[:, 0]  # every node of this height, in every tree
            children = tf.concat(
                [tf.gather(h, tf.gather(left, rows)), tf.gather(h, tf.gather(right, rows))], -1
            )  # (nodes, 2 * units): computed at lower heights
            node_op = tf.gather(op, rows)
            composed = tf.tanh(
                tf.einsum("ni,nij->nj", children, tf.gather(kernel, node_op))
                + tf.gather(bias, node_op)
            )
            return tf.tensor_scatter_nd_update(h, rows[:, None], composed)

        h = keras.ops.fori_loop(1, tf.reduce_max(height) + 1, one_height, h)
        return tf.reshape(h, (batch, slots, self.units))

    def call(self, nodes: Any) -> tf.Tensor:
        """The root vectors ``(batch, units)`` of node tables ``(batch, slots, 5)``."""
        return self.node_states(nodes)[:, 0]

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """``(batch, units)``."""
        return (input_shape[0], self.units)

    def get_config(self) -> dict:
        """The constructor's arguments, for saving."""
        return super().get_config() | dict(
            units=self.units, n_leaves=self.n_leaves, n_ops=self.n_ops
        )


def build_tree_rnn_model(
    n_leaves: int = 10, n_ops: int = 2, units: int = 32, n_classes: int = 10
) -> keras.Model:
    """A tree RNN classifier: ``TreeComposition``, then logits (``handles.tree_handles``).

    Args:
        n_leaves: number of leaf ids.
        n_ops: number of operators.
        units: size of every node's vector.
        n_classes: number of classes scored from the root's vector.

    Returns:
        A model mapping node tables ``(batch, slots, 5)`` to logits ``(batch, n_classes)``.
    """
    nodes = keras.Input(shape=(None, len(NODE_COLUMNS)), dtype="int32", name=handles.TREE_NODES)
    root = TreeComposition(units, n_leaves, n_ops, name=handles.COMPOSITION)(nodes)
    logits = keras.layers.Dense(
        positive_int(n_classes, "n_classes"), dtype=OUTPUT_DTYPE, name=handles.LOGITS
    )(root)
    return keras.Model(nodes, logits, name="tree_rnn")


def compose_recursive(
    tree: Any,
    embeddings: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray,
    ops: Sequence[str],
) -> np.ndarray:
    """A tree's root vector by plain recursion, in NumPy: the reference for ``TreeComposition``.

    Args:
        tree: a leaf id or ``(op, left, right)``.
        embeddings: ``(n_leaves, units)``.
        kernel: ``(n_ops, 2 * units, units)``.
        bias: ``(n_ops, units)``.
        ops: the operator names, in the order of the kernels.

    Returns:
        The root's vector ``(units,)``.

    Raises:
        ValueError: for an operator not in ``ops``.
    """
    if isinstance(tree, tuple):
        op, left, right = tree
        if op not in ops:
            raise ValueError(f"operator {op!r} is not in ops={tuple(ops)}.")
        k = list(ops).index(op)
        children = np.concatenate(
            [
                compose_recursive(left, embeddings, kernel, bias, ops),
                compose_recursive(right, embeddings, kernel, bias, ops),
            ]
        )
        return np.tanh(children @ kernel[k] + bias[k])
    return np.asarray(embeddings)[int(tree)]
