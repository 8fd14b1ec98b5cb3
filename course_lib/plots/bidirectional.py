"""Figures of bidirectional RNNs: the two directions unrolled, and accuracy by position."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from course_lib._args import int_in_range
from course_lib.plots.base import _arrow, _axes, _box

__all__ = [
    "BIDIRECTIONAL_COLOURS",
    "plot_bidirectional_rnn",
    "plot_bidirectional_leak",
    "plot_accuracy_by_position",
]

# the forward and the backward direction have their own weights, so their own colours
BIDIRECTIONAL_COLOURS = {"forward": "tab:blue", "backward": "tab:orange", "output": "tab:green"}


def plot_bidirectional_rnn(steps: int = 4, ax: Axes | None = None) -> Axes:
    """A bidirectional RNN unrolled over ``steps`` steps: two chains running in opposite ways.

    The forward chain (blue weights) carries the past to the right, the backward chain (orange
    weights, a separate set) carries the future to the left, and each step's output reads both.

    Args:
        steps: how many time steps to draw (2 to 8).
        ax: where to draw.

    Returns:
        The axes.

    Raises:
        ValueError: for ``steps`` outside 2..8.
    """
    steps = int_in_range(steps, "steps", 2, 8)
    ax = _axes(ax, figsize=(1.0 + 1.8 * steps, 4.4))
    cf, cb, co = (BIDIRECTIONAL_COLOURS[k] for k in ("forward", "backward", "output"))
    dx, shift = 1.8, 0.3
    for t in range(steps):
        x = 1.8 * t
        first, last = t == 0, t == steps - 1
        _box(ax, (x, 0), f"$x_{{{t + 1}}}$", "#dde8f5")
        _box(ax, (x - shift, 1.4), f"$\\overrightarrow{{h}}_{{{t + 1}}}$", "#dbe6f4")
        _box(ax, (x + shift, 2.6), f"$\\overleftarrow{{h}}_{{{t + 1}}}$", "#fbe3cc")
        _box(ax, (x, 4.0), f"$y_{{{t + 1}}}$", "#dcefdc")
        _arrow(ax, (x - shift, 0.3), (x - shift, 1.1), "", cf)
        _arrow(ax, (x + shift, 0.3), (x + shift, 2.3), "", cb)
        _arrow(ax, (x - shift, 1.7), (x - shift, 3.7), "", co)
        _arrow(ax, (x + shift, 2.9), (x + shift, 3.7), "", co)
        if not last:  # forward: step t -> t + 1; backward: step t + 1 -> t
            _arrow(ax, (x - shift + 0.4, 1.4), (x + dx - shift - 0.4, 1.4), "", cf)
            _arrow(ax, (x + dx + shift - 0.4, 2.6), (x + shift + 0.4, 2.6), "", cb)
        if first:
            ax.text(x - shift - 0.5, 0.75, r"$\overrightarrow{W}_x$", color=cf, ha="right")
            ax.text(x + shift + 0.08, 0.75, r"$\overleftarrow{W}_x$", color=cb, ha="left")
            ax.text(x + dx / 2 - shift, 1.62, r"$\overrightarrow{W}_h$", color=cf, ha="center")
            ax.text(x + dx / 2 + shift, 2.82, r"$\overleftarrow{W}_h$", color=cb, ha="center")
    end = 1.8 * (steps - 1)
    ax.text(end + 0.9, 1.4, "past → future", color=cf, va="center", fontsize=9)
    ax.text(end + 0.9, 2.6, "future → past", color=cb, va="center", fontsize=9)
    ax.set_xlim(-1.2, end + 2.6)
    ax.set_ylim(-0.5, 4.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("two chains with separate weights; each output reads both")
    return ax


def plot_bidirectional_leak(steps: int = 5, t: int = 2, ax: Axes | None = None) -> Axes:
    """Why a bidirectional layer cannot predict the next step: it has already read it.

    The bidirectional RNN of ``plot_bidirectional_rnn``, trained as a language model, with the
    target of step ``t``, ``y_t = x_{t+1}``, marked in red, and in red the path by which that
    very input reaches ``y_t``: into the backward chain at step ``t + 1``, one backward step to
    ``t``, and up to the output.

    Args:
        steps: time steps to draw (3 to 8).
        t: the step whose prediction leaks (1 to ``steps - 1``; steps count from 1).
        ax: where to draw.

    Raises:
        ValueError: for ``steps`` outside 3..8 or ``t`` outside 1..steps - 1.
    """
    steps = int_in_range(steps, "steps", 3, 8)
    t = int_in_range(t, "t", 1, steps - 1)
    ax = plot_bidirectional_rnn(steps, ax=ax)
    leak = "tab:red"
    dx, shift = 1.8, 0.3
    x_t, x_next = dx * (t - 1), dx * t
    for corner in ((x_next - 0.42, -0.32), (x_t - 0.42, 3.68)):  # the input x_(t+1), output y_t
        ax.add_patch(
            FancyBboxPatch(
                corner,
                0.84,
                0.64,
                boxstyle="round,pad=0.04",
                fill=False,
                edgecolor=leak,
                lw=2.2,
                gid="leak",
            )
        )
    for start, end in (
        ((x_next + shift, 0.3), (x_next + shift, 2.3)),  # x_(t+1) into the backward chain
        ((x_next + shift - 0.4, 2.6), (x_t + shift + 0.4, 2.6)),  # one step back, to t
        ((x_t + shift, 2.9), (x_t + shift, 3.7)),  # up to the output y_t
    ):
        ax.add_patch(
            FancyArrowPatch(
                start, end, arrowstyle="-|>", mutation_scale=14, color=leak, lw=2.6, gid="leak"
            )
        )
    ax.text(
        x_next, -0.55, f"the answer to $y_{{{t}}}$", color=leak, ha="center", va="top", fontsize=9
    )
    ax.text(
        x_t - 0.5,
        4.35,
        f"target $y_{{{t}}} = x_{{{t + 1}}}$",
        color=leak,
        ha="center",
        va="bottom",
        fontsize=9,
    )
    ax.set_ylim(-1.0, 4.8)
    ax.set_title(
        f"predicting the next input: at step {t} the backward chain "
        f"has already read $x_{{{t + 1}}}$"
    )
    return ax


def plot_accuracy_by_position(
    curves: Mapping[str, np.ndarray], ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Per-step accuracy of sequence taggers against the position in the window.

    A one-way tagger is about as good at every position after the first few; a bidirectional
    one loses its advantage at the last steps, where there is no future left to read.

    Args:
        curves: label -> accuracy at each position, shape ``(time,)`` (all the same length).
        ax: where to draw.
        title: the axes' title.

    Returns:
        The axes.

    Raises:
        ValueError: for no curves or curves of different lengths.
    """
    if not curves:
        raise ValueError("curves must hold at least one label -> accuracy array.")
    lengths = {len(np.asarray(v)) for v in curves.values()}
    if len(lengths) != 1:
        raise ValueError(f"every curve must have the same length; got lengths {sorted(lengths)}.")
    ax = _axes(ax)
    for label, acc in curves.items():
        acc = np.asarray(acc, dtype=float)
        ax.plot(np.arange(1, len(acc) + 1), acc, marker=".", label=label)
    ax.set_xlabel("position in the window (1 = first letter)")
    ax.set_ylabel("accuracy")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
