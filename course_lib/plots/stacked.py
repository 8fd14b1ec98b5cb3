"""Figures for stacked (deep) recurrent networks (notebook 06)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch

from course_lib._args import flag, int_in_range
from course_lib.plots.base import WEIGHT_COLOURS, _axes, _box

__all__ = ["plot_layer_profile", "plot_stacked_rnn", "plot_tree_and_chain"]

# what each kind of arrow of ``plot_stacked_rnn`` carries (the arrows' gid), and its colour
STACK_ARROWS = {
    "recurrent": WEIGHT_COLOURS["W_h"],  # along time, inside one layer
    "vertical": WEIGHT_COLOURS["W_x"],  # up the stack, at one time step
    "skip": "tab:purple",  # residual connection around a layer
}


def plot_layer_profile(
    values: Mapping[str, float],
    ax: Axes | None = None,
    style: str = "o-",
    label: str | None = None,
    ylabel: str = "value",
    log: bool = False,
) -> Axes:
    """One value per layer of a stack (e.g. a gradient norm), bottom layer on the left.

    Args:
        values: ``{"rnn1": v1, "rnn2": v2, ...}`` in order from the bottom layer up.
        ax: axes to draw on (new when None).
        style: matplotlib format string of the line.
        label: legend entry (a legend is drawn when given).
        ylabel: the y-axis label.
        log: use a logarithmic y-axis (for values spanning orders of magnitude).

    Returns:
        The axes.

    Raises:
        ValueError: when ``values`` is empty or holds a value that is not finite, or that is not
            positive while ``log`` is set.
    """
    if not values:
        raise ValueError("values must hold one number per layer; got none.")
    y = np.array([float(v) for v in values.values()])
    if not np.isfinite(y).all() or (log and (y <= 0).any()):
        raise ValueError(f"values must be finite (and positive with log=True); got {y}.")
    ax = _axes(ax)
    layers = np.arange(1, len(y) + 1)
    ax.plot(layers, y, style, label=label)
    ax.set_xticks(layers)
    ax.set(xlabel="layer (1 = bottom, next to the input)", ylabel=ylabel)
    if log:
        ax.set_yscale("log")
    if label is not None:
        ax.legend()
    return ax


def _stack_arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    kind: str,
    rad: float = 0.0,
    dashed: bool = False,
) -> None:
    arrow = FancyArrowPatch(
        start,
        end,
        arrowstyle="-|>",
        mutation_scale=11,
        color=STACK_ARROWS[kind],
        lw=1.6,
        linestyle="--" if dashed else "-",
        connectionstyle=f"arc3,rad={rad}",
        shrinkA=0,
        shrinkB=0,
    )
    arrow.set_gid(kind)
    ax.add_patch(arrow)


def plot_stacked_rnn(
    depth: int = 3, steps: int = 4, residual: bool = False, ax: Axes | None = None
) -> Axes:
    """A stacked RNN unrolled: layers (rows) by time steps (columns).

    Inputs ``x_t`` at the bottom, the state ``h^(l)_t`` of layer ``l`` in row ``l``, outputs at
    the top. Red arrows run along time inside a layer (each layer's own recurrence), blue arrows
    up the stack at one step (layer ``l`` reads the sequence of the layer below). With
    ``residual``, every layer from the second on also has a dashed purple skip: the stream
    ``z^(l-1)`` it reads goes around it and is added to its output, ``z^(l) = z^(l-1) + h^(l)``
    (the circles). Layer 1 has no skip: it changes the width from the input's to the layers'.

    Args:
        depth: number of recurrent layers, 1 to 6.
        steps: number of time steps, 1 to 8.
        residual: draw the residual connections.
        ax: where to draw (new when None).

    Returns:
        The axes. Each arrow's gid is ``"recurrent"``, ``"vertical"`` or ``"skip"``; each
        addition is a ``Circle`` with gid ``"add"``.

    Raises:
        ValueError: for ``depth`` or ``steps`` out of range, or a non-boolean ``residual``.
    """
    depth = int_in_range(depth, "depth", 1, 6)
    steps = int_in_range(steps, "steps", 1, 8)
    residual = flag(residual, "residual")
    dx, dy, half = 1.7, 1.5, 0.25  # column and row spacing, half the height of a box
    ax = _axes(ax, figsize=(1.2 + 1.45 * steps, 1.0 + 1.05 * (depth + 2)))
    top = (depth + 1) * dy

    def adds(layer: int) -> bool:  # does layer ``layer`` end in a residual addition?
        return residual and layer >= 2

    for t in range(steps):
        x = t * dx
        _box(ax, (x, 0.0), f"$x_{{{t + 1}}}$", "#dde8f5")
        _box(ax, (x, top), f"$y_{{{t + 1}}}$", "#dcefdc")
        below = (x, half)  # where the sequence read by the next layer leaves, at this step
        for layer in range(1, depth + 1):
            y = layer * dy
            _box(ax, (x, y), f"$h^{{({layer})}}_{{{t + 1}}}$", "#f6dcdc")
            _stack_arrow(ax, below, (x, y - half), "vertical")
            # recurrence: from the previous step of the same layer (from h_0 at the first step)
            start = (x - dx + 0.35, y) if t else (x - 0.75, y)
            _stack_arrow(ax, start, (x - 0.35, y), "recurrent")
            if t == 0:
                ax.text(x - 0.8, y, f"$h^{{({layer})}}_0$", ha="right", va="center", fontsize=9)
            if adds(layer):
                plus = (x, y + 0.62)
                circle = Circle(plus, 0.13, facecolor="white", edgecolor="black", lw=0.8)
                circle.set_gid("add")
                ax.add_patch(circle)
                ax.text(*plus, "+", ha="center", va="center", fontsize=10)
                _stack_arrow(ax, (x, y + half), (x, plus[1] - 0.13), "vertical")
                # the skip leaves the stream below the layer and joins it above
                fork = (x, y - half - 0.2)
                ax.plot(*fork, "o", color=STACK_ARROWS["skip"], ms=3)
                _stack_arrow(ax, fork, (x + 0.13, plus[1]), "skip", rad=0.9, dashed=True)
                below = (x, plus[1] + 0.13)
            else:
                below = (x, y + half)
        _stack_arrow(ax, below, (x, top - half), "vertical")
    handles = [
        Line2D([], [], color=STACK_ARROWS["recurrent"], label="in time (each layer's own $W_h$)"),
        Line2D([], [], color=STACK_ARROWS["vertical"], label="in depth (reads the layer below)"),
    ]
    if residual:
        handles.append(
            Line2D([], [], color=STACK_ARROWS["skip"], ls="--", label="residual skip, then add")
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=len(handles),
        fontsize=8,
    )
    ax.set_xlim(-1.5, (steps - 1) * dx + 0.9)
    ax.set_ylim(-0.5, top + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    kind = "residual" if residual else "plain"
    ax.set_title(f"a {kind} stack of {depth} recurrent layers, unrolled over {steps} steps")
    return ax


def _tree_tokens(tree: Any) -> list[str]:
    if isinstance(tree, int | np.integer):
        return [str(int(tree))]
    op, left, right = tree
    return ["(", *_tree_tokens(left), op, *_tree_tokens(right), ")"]


def _check_tree(tree: Any) -> None:
    if isinstance(tree, bool) or not (
        isinstance(tree, int | np.integer)
        or (isinstance(tree, tuple) and len(tree) == 3 and isinstance(tree[0], str))
    ):
        raise ValueError(
            f"a tree is a digit or a tuple (op, left, right) with op a string; got {tree!r}."
        )
    if isinstance(tree, tuple):
        _check_tree(tree[1])
        _check_tree(tree[2])


def plot_tree_and_chain(tree: Any, ax: Axes | None = None) -> Axes:
    """The same expression read two ways: folded along its parse tree, and as a chain of tokens.

    Top: the tree RNN. Every digit starts from its embedding, and every operator node composes
    its two children, ``h = tanh([h_left; h_right] W_op + b_op)``, so the root's vector is built
    in the order the structure dictates. Bottom: the chain RNN reads the same expression token by
    token, brackets included, and must work the nesting out from the brackets.

    Args:
        tree: a digit, or a tuple ``(op, left, right)`` of an operator name and two trees.
        ax: where to draw.

    Raises:
        ValueError: if ``tree`` is not such a tree.
    """
    _check_tree(tree)
    tokens = _tree_tokens(tree)
    step = 0.8  # distance between tokens of the chain; every tree node sits above its token
    ax = _axes(ax, figsize=(max(6.0, 0.62 * len(tokens) + 1.5), 5.0))
    compose_colour, chain_colour = "tab:purple", STACK_ARROWS["recurrent"]

    def draw(node: Any, first: int) -> tuple[tuple[float, float], int, int]:
        """Draw ``node`` whose first token is ``first``: (centre, height, tokens used)."""
        if not isinstance(node, tuple):
            xy = (step * first, 1.4)
            _box(ax, xy, str(int(node)), "#dde8f5", size=(0.55, 0.42), fontsize=9)
            return xy, 0, 1
        op, left, right = node
        lxy, lh, lused = draw(left, first + 1)  # after "("
        op_index = first + 1 + lused
        rxy, rh, rused = draw(right, op_index + 1)
        level = 1 + max(lh, rh)
        xy = (step * op_index, 1.4 + 0.95 * level)
        _box(ax, xy, op, "#e8def3", size=(0.8, 0.42), fontsize=9)
        for child in (lxy, rxy):
            ax.add_patch(
                FancyArrowPatch(
                    (child[0], child[1] + 0.23),
                    (xy[0], xy[1] - 0.23),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color=compose_colour,
                    lw=1.4,
                    gid="compose",
                )
            )
        return xy, level, lused + rused + 3  # "(", left, op, right, ")"

    root, top, _ = draw(tree, 0)
    # the root is drawn; the formula goes above the whole tree
    ax.text(
        step * (len(tokens) - 1) / 2,
        root[1] + 0.45,
        r"each operator: $h = \tanh([h_{left};\,h_{right}]\,W_{op} + b_{op})$",
        ha="center",
        va="bottom",
        fontsize=9,
        color=compose_colour,
    )
    ax.text(-0.6, 0.0, "chain", ha="right", va="center", fontsize=9)
    ax.text(-0.6, 1.4, "tree", ha="right", va="center", fontsize=9)
    for k, token in enumerate(tokens):
        colour = "#f6dcdc" if token in "()" else "0.93"
        _box(ax, (step * k, 0.0), token, colour, size=(0.6, 0.42), fontsize=8)
        if k:
            ax.add_patch(
                FancyArrowPatch(
                    (step * (k - 1) + 0.3, 0.0),
                    (step * k - 0.3, 0.0),
                    arrowstyle="-|>",
                    mutation_scale=7,
                    color=chain_colour,
                    lw=1.0,
                    gid="chain",
                )
            )
    ax.set_xlim(-1.4, step * (len(tokens) - 1) + 0.5)
    ax.set_ylim(-0.5, 1.4 + 0.95 * top + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("one expression, two readings: along its tree (top), token by token (bottom)")
    return ax
