"""The tree RNN: node tables, the batched bottom-up composition, and the plain recursion."""

import keras
import numpy as np
import pytest

from course_lib import handles, models
from course_lib.data import expressions as ex
from course_lib.models import tree

OPS = ("max", "min", "+")


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return models.build_tree_rnn_model(n_leaves=10, n_ops=len(OPS), units=6, n_classes=10)


def _weights(model):
    return [np.asarray(w) for w in handles.tree_handles(model).composition.weights]


def test_pack_trees_writes_a_pre_order_node_table():
    table = tree.pack_trees([("max", 3, ("+", 4, 5)), 7], OPS)
    assert table.shape == (2, 5, len(tree.NODE_COLUMNS)) and table.dtype == np.int32
    # columns: leaf, op, left, right, height
    np.testing.assert_array_equal(
        table[0],
        [[0, 0, 1, 2, 2], [3, 0, 0, 0, 0], [0, 2, 3, 4, 1], [4, 0, 0, 0, 0], [5, 0, 0, 0, 0]],
    )
    np.testing.assert_array_equal(table[1, 0], [7, 0, 0, 0, 0])
    assert (table[1, 1:, 4] == -1).all()  # unused slots
    assert tree.pack_trees([7], OPS, slots=4).shape == (1, 4, 5)
    with pytest.raises(ValueError, match="slots"):
        tree.pack_trees([("max", 1, 2)], OPS, slots=2)
    with pytest.raises(ValueError, match="op"):
        tree.pack_trees([("*", 1, 2)], OPS)
    with pytest.raises(ValueError, match="trees"):
        tree.pack_trees([], OPS)
    with pytest.raises(ValueError, match="leaf"):
        tree.pack_trees([("max", 1.5, 2)], OPS)


def test_shapes_and_output_dtype(model):
    data = ex.make_expression_data(9, (1, 2, 4), OPS, seed=1)
    nodes = tree.pack_trees(data.trees, OPS)
    assert model(nodes).shape == (9, 10)
    states = handles.tree_handles(model).composition.node_states(nodes)
    assert states.shape == (*nodes.shape[:2], 6)
    padding = nodes[..., 4] == -1
    assert np.all(np.asarray(states)[padding] == 0)
    assert model.predict(nodes, verbose=0).dtype == np.float32


def test_batched_evaluation_equals_plain_recursion(model):
    data = ex.make_expression_data(40, (1, 2, 3, 5, 7), OPS, seed=2)
    roots = np.asarray(handles.tree_handles(model).composition(tree.pack_trees(data.trees, OPS)))
    by_recursion = np.stack([tree.compose_recursive(t, *_weights(model), OPS) for t in data.trees])
    np.testing.assert_allclose(roots, by_recursion, atol=1e-5)


def test_composition_follows_the_tree(model):
    layer = handles.tree_handles(model).composition
    sub = ("min", ("+", 1, 2), 8)
    trees = [("max", sub, sub), ("+", 4, sub), sub, ("max", 9, ("min", sub, 3))]
    nodes = tree.pack_trees(trees, OPS)
    states = np.asarray(layer.node_states(nodes))
    roots = states[:, 0]
    # the subtree gets the same vector wherever it occurs: both children of tree 0, the right
    # child of tree 1, a deeper node of tree 3, and on its own (tree 2)
    left_0, right_0 = nodes[0, 0, 2], nodes[0, 0, 3]
    for vector in [states[0, left_0], states[0, right_0], states[1, nodes[1, 0, 3]]]:
        np.testing.assert_allclose(vector, roots[2], atol=1e-6)
    inner = nodes[3, 0, 3]  # ("min", sub, 3)
    np.testing.assert_allclose(states[3, nodes[3, inner, 2]], roots[2], atol=1e-6)
    # order matters for the composition: swapping the children changes the vector in general
    swapped = np.asarray(layer(tree.pack_trees([("+", sub, 4)], OPS)))[0]
    assert not np.allclose(swapped, roots[1], atol=1e-4)


def test_a_tree_does_not_depend_on_its_batch_or_padding(model):
    layer = handles.tree_handles(model).composition
    one = ("max", ("min", 3, 4), 5)
    alone = np.asarray(layer(tree.pack_trees([one], OPS)))[0]
    crowd = ex.make_expression_data(7, (3, 6), OPS, seed=3).trees
    mixed = np.asarray(layer(tree.pack_trees([*crowd, one], OPS, slots=200)))[-1]
    np.testing.assert_allclose(alone, mixed, atol=1e-6)


def test_model_learns_max_and_min():
    keras.utils.set_random_seed(1)
    ops = ("max", "min")
    train = ex.make_expression_data(400, (1, 2), ops, seed=0)
    test = ex.make_expression_data(200, (1, 2), ops, seed=1, exclude=train.strings)
    model = models.build_tree_rnn_model(n_ops=2, units=12)
    model.compile(
        keras.optimizers.Adam(0.03),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(tree.pack_trees(train.trees, ops), train.values, batch_size=32, epochs=8, verbose=0)
    predicted = model.predict(tree.pack_trees(test.trees, ops), verbose=0).argmax(-1)
    chance = np.bincount(test.values).max() / len(test)
    assert np.mean(predicted == test.values) > chance + 0.3


def test_save_and_reload(tmp_path, model):
    nodes = tree.pack_trees(ex.make_expression_data(5, (2, 3), OPS, seed=4).trees, OPS)
    path = tmp_path / "tree.keras"
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_allclose(again.predict(nodes, verbose=0), model.predict(nodes, verbose=0))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="units"):
        models.build_tree_rnn_model(units=0)
    with pytest.raises(ValueError, match="n_ops"):
        tree.TreeComposition(4, n_ops=0)
    with pytest.raises(ValueError, match="node tables"):
        tree.TreeComposition(4).build((None, 3, 4))
    with pytest.raises(ValueError, match="ops"):
        tree.compose_recursive(("*", 1, 2), *_weights_of(4), OPS)


def _weights_of(units):
    rng = np.random.default_rng(0)
    return (
        rng.normal(size=(10, units)),
        rng.normal(size=(len(OPS), 2 * units, units)),
        rng.normal(size=(len(OPS), units)),
    )
