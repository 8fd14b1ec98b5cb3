"""Figures for stacked (deep) recurrent networks (notebook 06)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from course_lib.plots.core import _axes

__all__ = ["plot_layer_profile"]


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
