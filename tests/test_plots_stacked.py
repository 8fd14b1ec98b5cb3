"""The stacked-RNN grid diagram: one box per layer and step, the right arrows, residual skips."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

from course_lib import plots  # noqa: E402


def _count(ax, kind):
    return sum(isinstance(p, FancyArrowPatch) and p.get_gid() == kind for p in ax.patches)


@pytest.mark.parametrize("depth, steps", [(1, 1), (3, 4), (6, 8)])
@pytest.mark.parametrize("residual", [False, True])
def test_grid_has_a_box_per_layer_and_step_and_the_right_arrows(depth, steps, residual):
    ax = plots.plot_stacked_rnn(depth, steps, residual=residual)
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == (depth + 2) * steps  # inputs, one row per layer, outputs
    texts = [t.get_text() for t in ax.texts]
    assert f"$h^{{({depth})}}_{{{steps}}}$" in texts and f"$x_{{{steps}}}$" in texts
    assert _count(ax, "recurrent") == depth * steps  # h_{t-1} -> h_t in every layer
    skipped = (depth - 1) * steps if residual else 0  # every layer but the first, every step
    # layer inputs, the output, and (residual) each layer's output into its addition
    assert _count(ax, "vertical") == (depth + 1) * steps + skipped
    assert _count(ax, "skip") == skipped
    adds = [p for p in ax.patches if isinstance(p, Circle) and p.get_gid() == "add"]
    assert len(adds) == skipped
    assert ("residual" if residual else "plain") in ax.get_title()
    plt.close("all")


def test_skip_joins_above_the_layer_it_skips():
    ax = plots.plot_stacked_rnn(2, 1, residual=True)
    (skip,) = [p for p in ax.patches if p.get_gid() == "skip"]
    (add,) = [p for p in ax.patches if p.get_gid() == "add"]
    (layer2,) = [t for t in ax.texts if t.get_text() == "$h^{(2)}_{1}$"]
    (start, end) = skip._posA_posB
    y_layer = layer2.get_position()[1]
    assert start[1] < y_layer < end[1]  # from below layer 2 to above it
    assert end[1] == pytest.approx(add.center[1])
    plt.close("all")


def test_draws_on_given_axes_and_rejects_bad_arguments():
    _, ax = plt.subplots()
    assert plots.plot_stacked_rnn(2, 3, ax=ax) is ax
    for kwargs, name in [
        (dict(depth=0), "depth"),
        (dict(depth=7), "depth"),
        (dict(steps=0), "steps"),
        (dict(steps=2.0), "steps"),
        (dict(residual=1), "residual"),
    ]:
        with pytest.raises(ValueError, match=name):
            plots.plot_stacked_rnn(**kwargs)
    plt.close("all")


def test_plot_layer_profile():
    import matplotlib

    matplotlib.use("Agg")
    from course_lib.plots.stacked import plot_layer_profile

    ax = plot_layer_profile({"rnn1": 0.1, "rnn2": 0.3, "rnn3": 0.2}, label="plain", log=True)
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [1, 2, 3] and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="values"):
        plot_layer_profile({})
    with pytest.raises(ValueError, match="positive"):
        plot_layer_profile({"rnn1": 0.0}, log=True)


def test_tree_and_chain_draws_one_composition_per_child_and_one_link_per_token():
    tree = ("max", 3, ("min", ("max", 8, 2), 5))
    ax = plots.plot_tree_and_chain(tree)
    compose = [p for p in ax.patches if p.get_gid() == "compose"]
    chain = [p for p in ax.patches if p.get_gid() == "chain"]
    assert len(compose) == 2 * 3  # three operators, two children each
    tokens = "( 3 max ( ( 8 max 2 ) min 5 ) )".split()
    assert len(chain) == len(tokens) - 1
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("max") == 2 * 2 and texts.count("(") == 3  # tree + chain; chain only
    assert len(plots.plot_tree_and_chain(7).patches) == 2  # a lone digit: one leaf, one token
    for bad in (("max", 1), [1, 2], True, ("max", 1, "x")):
        with pytest.raises(ValueError, match="tree"):
            plots.plot_tree_and_chain(bad)
