"""Figures for stacked (deep) recurrent networks (notebook 06)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch

from course_lib._args import flag, int_in_range
from course_lib.plots.base import WEIGHT_COLOURS, _axes, _box

__all__ = ["plot_layer_profile", "plot_stacked_rnn"]

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
