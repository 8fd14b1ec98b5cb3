"""Expressions as trees and as token strings: generator, evaluation, printing, parsing."""

import numpy as np
import pytest

from course_lib.data import expressions as ex


def test_random_tree_has_the_depth_asked_for():
    rng = np.random.default_rng(0)
    for depth in range(0, 8):
        for _ in range(20):
            tree = ex.random_tree(depth, ("max", "min", "+"), rng)
            assert ex.tree_depth(tree) == depth
    assert isinstance(ex.random_tree(0, ("max",), rng), int)


def test_evaluate_by_hand():
    assert ex.evaluate(7) == 7
    assert ex.evaluate(("max", 3, ("min", 8, 5))) == 5
    assert ex.evaluate(("+", 7, 8)) == 5  # modulo 10
    assert ex.evaluate(("-", 2, 7)) == 5  # (2 - 7) % 10
    assert ex.evaluate(("*", ("+", 4, 5), 3)) == 7  # 9 * 3 = 27
    with pytest.raises(ValueError, match="op"):
        ex.evaluate(("pow", 2, 3))
    with pytest.raises(ValueError, match="digit"):
        ex.evaluate(("max", 12, 3))


def test_string_round_trip_and_the_parser():
    assert ex.to_string(("max", 3, ("min", 8, 5))) == "(3 max (8 min 5))"
    assert ex.tokenize("((1 - 2)*3)") == ["(", "(", "1", "-", "2", ")", "*", "3", ")"]
    rng = np.random.default_rng(1)
    for _ in range(200):
        tree = ex.random_tree(int(rng.integers(0, 6)), tuple(ex.OPS), rng)
        assert ex.parse(ex.to_string(tree)) == tree
    for bad in ["", "(3 max 5", "(3 max 5))", "(3 5)", "3 max 5", "(3 max x)", "((3) max 5)"]:
        with pytest.raises(ValueError):
            ex.parse(bad)


def test_encode_tokens_pads_with_zero_and_uses_the_vocabulary():
    trees = [("max", 3, 5), ("min", ("max", 1, 2), 0)]
    ids = ex.encode_tokens(trees)
    assert ids.shape == (2, 9) and ids.dtype == np.int32
    decoded = ["".join(ex.TOKENS[i] for i in row if i) for row in ids]
    assert decoded == ["(3max5)", "((1max2)min0)"]
    assert (ids[0, 5:] == 0).all() and (ids[1] > 0).all()
    assert ex.encode_tokens(trees, length=12).shape == (2, 12)
    with pytest.raises(ValueError, match="length"):
        ex.encode_tokens(trees, length=5)


def test_make_expression_data_is_deterministic_distinct_and_excludes():
    a = ex.make_expression_data(300, (1, 2, 3), seed=4)
    b = ex.make_expression_data(300, (1, 2, 3), seed=4)
    assert a.strings == b.strings and len(a) == 300
    assert len(set(a.strings)) == 300
    assert set(a.depths) == {1, 2, 3}
    np.testing.assert_array_equal(a.values, [ex.evaluate(t) for t in a.trees])
    np.testing.assert_array_equal(a.depths, [ex.tree_depth(t) for t in a.trees])
    test = ex.make_expression_data(100, (1, 2, 3), seed=5, exclude=a.strings)
    assert not set(test.strings) & set(a.strings)
    with pytest.raises(ValueError, match="distinct"):  # only 200 of depth 1 with max and min
        ex.make_expression_data(201, (1,), seed=0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n=0, depths=(1,)), "n"),
        (dict(n=5, depths=()), "depths"),
        (dict(n=5, depths=(0,)), "depths"),
        (dict(n=5, depths=(13,)), "depths"),
        (dict(n=5, depths=(1,), ops=("max", "pow")), "ops"),
        (dict(n=5, depths=(1,), ops="max"), "ops"),
    ],
)
def test_bad_arguments_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ex.make_expression_data(**kwargs)


def test_bracket_depth_reads_each_row_from_its_own_start():
    o, c = 1, 2
    ids = np.array([[0, o, 0, o, 0, c, 0, c, 0], [c, 0, c, o, 0, 0, 0, 0, 0]])
    depth = ex.bracket_depth(ids, o, c)
    np.testing.assert_array_equal(depth[0], [0, 1, 1, 2, 2, 2, 1, 1, 0])
    np.testing.assert_array_equal(depth[1], [0, 0, 0, 1, 1, 1, 1, 1, 1])  # stray ')' ignored
    np.testing.assert_array_equal(ex.bracket_depth(ids[0], o, c), depth[0])
    # on an expression, the deepest bracket is the depth of the tree
    tree = ("max", ("min", 1, ("+", 2, 3)), 4)
    ids = ex.encode_tokens([tree])
    open_id, close_id = ex.TOKENS.index("("), ex.TOKENS.index(")")
    assert ex.bracket_depth(ids, open_id, close_id).max() == ex.tree_depth(tree) == 3
    with pytest.raises(ValueError, match="differ"):
        ex.bracket_depth(ids, 1, 1)
    with pytest.raises(ValueError, match="shape"):
        ex.bracket_depth(np.zeros((1, 2, 3)), 1, 2)
