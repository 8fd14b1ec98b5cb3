"""Every figure of the course. Each ``plot_*`` draws on ``ax`` (new when None) and returns it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
}

# one colour per weight matrix, so weight sharing is visible in the unrolled picture
WEIGHT_COLOURS = {"W_x": "tab:blue", "W_h": "tab:red", "W_y": "tab:green"}


def apply_style() -> None:
    """Apply the course's plot style to matplotlib's global settings."""
    mpl.rcParams.update(STYLE)


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_history(
    history: Mapping[str, Sequence[float]],
    metrics: Sequence[str] = ("loss",),
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Learning curves: each metric and its ``val_`` twin (dashed) against the epoch.

    Args:
        history: per-epoch values, e.g. ``FitResult.history`` or Keras' ``History.history``.
        metrics: names to draw; their ``val_`` versions are drawn when present.
        ax: where to draw.
        title: the axes' title.

    Raises:
        ValueError: if a metric is not in ``history``.
    """
    ax = _axes(ax)
    for i, metric in enumerate(metrics):
        if metric not in history:
            raise ValueError(f"history has no {metric!r}; it has {sorted(history)}.")
        colour = f"C{i}"
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], color=colour, label=f"train {metric}")
        val = history.get(f"val_{metric}")
        if val is not None:
            ax.plot(epochs, val, color=colour, linestyle="--", label=f"validation {metric}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metrics[0] if len(metrics) == 1 else "value")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def _box(ax: Axes, xy: tuple[float, float], text: str, colour: str) -> None:
    w, h = 0.7, 0.5
    ax.add_patch(
        FancyBboxPatch(
            (xy[0] - w / 2, xy[1] - h / 2),
            w,
            h,
            boxstyle="round,pad=0.05",
            facecolor=colour,
            edgecolor="black",
            alpha=0.85,
        )
    )
    ax.text(*xy, text, ha="center", va="center", fontsize=10)


def _arrow(ax: Axes, start, end, label: str, colour: str, rad: float = 0.0) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            color=colour,
            lw=1.8,
            connectionstyle=f"arc3,rad={rad}",
        )
    )
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    offset = (0.12, 0.0) if start[0] == end[0] else (0.0, 0.12 + (0.35 if rad else 0.0))
    ax.text(
        mid[0] + offset[0],
        mid[1] + offset[1],
        label,
        color=colour,
        fontsize=9,
        ha="left" if start[0] == end[0] else "center",
        va="center",
    )


def plot_unrolled_rnn(steps: int = 4, ax: Axes | None = None) -> Axes:
    """The recurrent loop folded (left) and unrolled over ``steps`` time steps (right).

    The same three weight matrices appear at every step, drawn in the same colour: unrolling
    copies the computation, not the parameters.

    Args:
        steps: how many time steps to draw (1 to 8).
        ax: where to draw.

    Raises:
        ValueError: for ``steps`` outside 1..8.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 8:
        raise ValueError(f"steps must be an integer from 1 to 8; got {steps!r}.")
    ax = _axes(ax, figsize=(2.0 + 1.5 * steps, 3.4))
    cx, cy, cz = WEIGHT_COLOURS["W_x"], WEIGHT_COLOURS["W_h"], WEIGHT_COLOURS["W_y"]
    # folded form
    _box(ax, (0, 0), "$x_t$", "#dde8f5")
    _box(ax, (0, 1.3), "$h_t$", "#f6dcdc")
    _box(ax, (0, 2.6), "$y_t$", "#dcefdc")
    _arrow(ax, (0, 0.3), (0, 1.0), "$W_x$", cx)
    _arrow(ax, (0, 1.6), (0, 2.3), "$W_y$", cz)
    ax.add_patch(
        FancyArrowPatch(
            (0.42, 1.2),
            (0.42, 1.4),
            arrowstyle="-|>",
            mutation_scale=12,
            color=cy,
            lw=1.8,
            connectionstyle="arc,angleA=0,angleB=0,armA=22,armB=22,rad=6",
        )
    )
    ax.text(0.85, 1.3, "$W_h$", color=cy, fontsize=9, va="center")
    ax.text(1.45, 1.3, "=", fontsize=18, va="center", ha="center")
    # unrolled form
    x0 = 3.0
    for t in range(steps):
        x = x0 + 1.5 * t
        _box(ax, (x, 0), f"$x_{{{t + 1}}}$", "#dde8f5")
        _box(ax, (x, 1.3), f"$h_{{{t + 1}}}$", "#f6dcdc")
        _box(ax, (x, 2.6), f"$y_{{{t + 1}}}$", "#dcefdc")
        _arrow(ax, (x, 0.3), (x, 1.0), "$W_x$", cx)
        _arrow(ax, (x, 1.6), (x, 2.3), "$W_y$", cz)
        prev = (x - 1.1, 1.3)
        if t == 0:
            prev = (x - 0.95, 1.3)
            ax.text(x - 1.15, 1.3, "$h_0$", ha="center", va="center", fontsize=10)
        _arrow(ax, prev, (x - 0.4, 1.3), "$W_h$", cy)
    ax.set_xlim(-0.8, x0 + 1.5 * steps - 0.5)
    ax.set_ylim(-0.5, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("one set of weights ($W_x$, $W_h$, $W_y$) reused at every time step")
    return ax


def plot_gradient_norms(
    curves: Mapping[str, np.ndarray], ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Gradient norm of the last state with respect to each earlier input, against the lag.

    Args:
        curves: label -> norms indexed by lag (as returned by
            ``gradients.bptt_gradient_norms``).
        ax: where to draw (log scale on y).
        title: the axes' title.
    """
    ax = _axes(ax)
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=np.float64)
        # a norm that underflowed to exactly 0 cannot sit on a log axis: the line stops there
        ax.plot(np.arange(len(norms)), np.where(norms > 0, norms, np.nan), label=label)
    ax.set_yscale("log")
    ax.set_xlabel("lag $T - t$ (steps back from the last input)")
    ax.set_ylabel(r"$\|\partial h_T / \partial x_t\|$")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_forecast(
    truth: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str = "value",
) -> Axes:
    """A held-out stretch of a series and each model's predictions of it.

    Args:
        truth: shape ``(n,)``.
        predictions: label -> predictions of shape ``(n,)``.
        ax: where to draw.
        title: the axes' title.
        ylabel: the y axis label.

    Raises:
        ValueError: if a prediction's length differs from the truth's.
    """
    ax = _axes(ax)
    truth = np.asarray(truth).ravel()
    ax.plot(truth, color="black", lw=2, label="truth")
    for label, pred in predictions.items():
        pred = np.asarray(pred).ravel()
        if pred.shape != truth.shape:
            raise ValueError(f"{label!r} has {pred.size} values; the truth has {truth.size}.")
        ax.plot(pred, lw=1.2, label=label)
    ax.set_xlabel("step in the test period")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_metric_vs(
    xs: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    xlabel: str,
    ylabel: str,
    ax: Axes | None = None,
    title: str | None = None,
    logx: bool = False,
) -> Axes:
    """One line per model of a metric against a setting (length, lag, depth, noise, ...).

    Args:
        xs: the settings, shape ``(n,)``.
        curves: label -> metric values of shape ``(n,)``.
        xlabel, ylabel: axis labels.
        ax: where to draw.
        title: the axes' title.
        logx: use a log scale on x.

    Raises:
        ValueError: if a curve's length differs from ``xs``.
    """
    ax = _axes(ax)
    for label, ys in curves.items():
        if len(ys) != len(xs):
            raise ValueError(f"{label!r} has {len(ys)} values for {len(xs)} settings.")
        ax.plot(xs, ys, marker="o", label=label)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
