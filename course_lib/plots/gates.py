"""Gate figures of the LSTM and the GRU (notebooks 03 and 04): heatmaps per unit over time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_lib._args import int_in_range
from course_lib.plots.base import _axes

if TYPE_CHECKING:
    from course_lib.cells import GRUTrace, LSTMTrace

__all__: list[str] = ["plot_lstm_gates", "plot_gru_gates", "plot_gate_timecourse"]


def plot_lstm_gates(
    trace: LSTMTrace, example: int = 0, mark: int | None = None, axes: Sequence[Axes] | None = None
) -> Sequence[Axes]:
    """Heatmaps of an LSTM's input, forget and output gates and its cell state over time.

    Args:
        trace: a ``cells.LSTMTrace`` (arrays ``(batch, time, units)``).
        example: which sequence of the batch to show.
        mark: a time step to highlight with a vertical line (e.g. where the task's cue is).
        axes: four axes to draw on (a new figure when None).

    Returns:
        The four axes: i, f, o, c.

    Raises:
        ValueError: for an example index outside the batch, or ``axes`` that are not four.
    """
    batch = trace.c.shape[0]
    example = int_in_range(example, "example", 0, batch - 1)
    c = trace.c[example].T
    limit = float(np.abs(c).max()) or 1.0
    panels = [
        ("input gate i", trace.i[example].T, "viridis", 0.0, 1.0),
        ("forget gate f", trace.f[example].T, "viridis", 0.0, 1.0),
        ("output gate o", trace.o[example].T, "viridis", 0.0, 1.0),
        ("cell state c", c, "RdBu_r", -limit, limit),
    ]
    return _unit_heatmaps(panels, mark, axes)


def _unit_heatmaps(
    panels: Sequence[tuple[str, np.ndarray, str, float, float]],
    mark: int | None,
    axes: Sequence[Axes] | None,
) -> Sequence[Axes]:
    """One (units, time) heatmap per panel ``(title, values, cmap, vmin, vmax)``, stacked.

    Shared by the LSTM and GRU gate figures. ``mark`` outlines one time step in red (an outline
    rather than a filled band, so the values under it stay visible).

    Raises:
        ValueError: if ``axes`` does not hold one axes per panel.
    """
    if axes is None:
        _, axes = plt.subplots(len(panels), 1, figsize=(9, 7), sharex=True, constrained_layout=True)
    if len(axes) != len(panels):
        raise ValueError(f"axes must hold {len(panels)} axes; got {len(axes)}.")
    for ax, (title, values, cmap, vmin, vmax) in zip(axes, panels, strict=True):
        image = ax.imshow(
            values, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
        )
        ax.figure.colorbar(image, ax=ax, pad=0.01)
        ax.set_ylabel("unit")
        ax.set_title(title, loc="left")
        ax.grid(False)
        if mark is not None:
            ax.axvspan(mark - 0.5, mark + 0.5, fill=False, edgecolor="red", lw=1.5)
    axes[-1].set_xlabel("time step")
    return axes


def _check_trace(trace: Any, example: int | None = None) -> None:
    for name in ("z", "r", "candidate", "h"):
        values = getattr(trace, name, None)
        if values is None or np.ndim(values) != 3:
            raise ValueError(
                f"trace must be a cells.GRUTrace with (batch, time, units) arrays; "
                f"its {name!r} is {None if values is None else np.shape(values)}."
            )
    batch = trace.h.shape[0]
    if example is not None:
        int_in_range(example, "example", 0, batch - 1)


def plot_gru_gates(
    trace: GRUTrace, example: int = 0, mark: int | None = None, axes: Sequence[Axes] | None = None
) -> Sequence[Axes]:
    """Heatmaps of a GRU's update gate, reset gate, candidate and hidden state over time.

    Args:
        trace: a ``cells.GRUTrace`` (arrays ``(batch, time, units)``).
        example: which sequence of the batch to show.
        mark: a time step to outline in red (e.g. where the task's cue is).
        axes: four axes to draw on (a new figure when None).

    Returns:
        The four axes: z, r, candidate, h.

    Raises:
        ValueError: for something that is not a GRU trace, or an example outside the batch.
    """
    _check_trace(trace, example)
    panels = [
        ("update gate z (1 = keep the old state)", trace.z[example].T, "viridis", 0.0, 1.0),
        (
            "reset gate r (how much of h_{t-1} the candidate reads)",
            trace.r[example].T,
            "viridis",
            0.0,
            1.0,
        ),
        ("candidate state", trace.candidate[example].T, "RdBu_r", -1.0, 1.0),
        ("hidden state h", trace.h[example].T, "RdBu_r", -1.0, 1.0),
    ]
    return _unit_heatmaps(panels, mark, axes)


def plot_gate_timecourse(
    trace: GRUTrace,
    mark: int | None = None,
    units: Sequence[int] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Mean update and reset gate at every step, averaged over the batch (and chosen units).

    Args:
        trace: a ``cells.GRUTrace`` (arrays ``(batch, time, units)``).
        mark: a time step to show with a dotted vertical line.
        units: which units to average over (all when None).
        ax: where to draw.

    Returns:
        The axes.

    Raises:
        ValueError: for something that is not a GRU trace, or a unit index out of range.
    """
    _check_trace(trace)
    n_units = trace.z.shape[-1]
    chosen = np.arange(n_units) if units is None else np.asarray(list(units), dtype=int)
    if chosen.size == 0 or chosen.min() < 0 or chosen.max() >= n_units:
        raise ValueError(f"units must be indices in [0, {n_units}); got {list(chosen)}.")
    ax = _axes(ax)
    steps = np.arange(trace.z.shape[1])
    ax.plot(steps, trace.z[..., chosen].mean(axis=(0, 2)), marker=".", label="update gate z")
    ax.plot(steps, trace.r[..., chosen].mean(axis=(0, 2)), marker=".", label="reset gate r")
    if mark is not None:
        ax.axvline(mark, color="grey", linestyle=":", label="marked step")
    ax.set(xlabel="time step", ylabel="mean gate value", ylim=(0, 1))
    ax.legend()
    return ax
