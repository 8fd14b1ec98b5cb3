"""The course's plot style, drawing helpers shared by every figure, and generic charts.

Generic charts: a training history, a forecast against the truth, a metric against a setting.
Each ``plot_*`` draws on ``ax`` (new when None) and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "STYLE",
    "WEIGHT_COLOURS",
    "SHAPE_COLOURS",
    "apply_style",
    "plot_history",
    "plot_runs",
    "plot_forecast",
    "plot_metric_vs",
]

STYLE: dict[RcKeyType, Any] = {
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


def plot_runs(
    runs: Mapping[str, Sequence[float]],
    ylabel: str,
    target: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """One metric of several training runs against the epoch; runs may stop at different epochs.

    Args:
        runs: label -> the metric's value after each epoch (at least one).
        ylabel: what the metric is.
        target: a level to mark with a dotted line (e.g. the accuracy that stops training).
        ax: where to draw.
        title: the axes' title.

    Raises:
        ValueError: for no runs or a run with no epochs.
    """
    if not runs or any(len(values) == 0 for values in runs.values()):
        raise ValueError("runs must map each label to at least one value per epoch.")
    ax = _axes(ax)
    for label, values in runs.items():
        epochs = np.arange(1, len(values) + 1)
        (line,) = ax.plot(epochs, values, label=label)
        ax.plot(epochs[-1], values[-1], "o", color=line.get_color())  # where the run stopped
    if target is not None:
        ax.axhline(target, color="grey", linestyle=":", label=f"target {target:g}")
    return _label(ax, "epoch", ylabel, title)


def _box(
    ax: Axes,
    xy: tuple[float, float],
    text: str,
    colour: str,
    size: tuple[float, float] = (0.7, 0.5),
    fontsize: int = 10,
) -> None:
    """A rounded, labelled box centred on ``xy`` (the boxes of the RNN diagrams)."""
    w, h = size
    ax.add_patch(
        FancyBboxPatch(
            (xy[0] - w / 2, xy[1] - h / 2),
            w,
            h,
            boxstyle="round,pad=0.04",
            facecolor=colour,
            edgecolor="black",
            lw=0.8,
        )
    )
    if text:
        ax.text(*xy, text, ha="center", va="center", fontsize=fontsize)


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str,
    colour: str,
    rad: float = 0.0,
) -> None:
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
        xlabel: the x axis' label.
        ylabel: the y axis' label.
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
    return _label(ax, xlabel, ylabel, title)


def _label(ax: Axes, xlabel: str, ylabel: str, title: str | None) -> Axes:
    """Axis labels, the title if any, and the legend: the finish of the course's line charts."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


SHAPE_COLOURS = {"input": "#dde8f5", "state": "#f6dcdc", "output": "#dcefdc"}


def _link(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=8, color="0.3", lw=1.0)
    )


# (title, example, steps, input steps, output steps) of each problem shape
