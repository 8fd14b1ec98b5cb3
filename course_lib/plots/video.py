"""Figures for notebook 07: frame strips, rollout errors, animations, hidden-state maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plots.base import _axes

__all__ = [
    "plot_frame_strips",
    "plot_rollout_errors",
    "animate_frames",
    "animation_html",
    "plot_hidden_channels",
]


def _frames(frames: np.ndarray, label: str) -> np.ndarray:
    """(time, h, w) or (time, h, w, 1) -> (time, h, w)."""
    frames = np.asarray(frames, dtype=np.float32)
    if frames.ndim == 4 and frames.shape[-1] == 1:
        frames = frames[..., 0]
    if frames.ndim != 3:
        raise ValueError(
            f"{label} must be frames (time, height, width) or (time, height, width, 1); "
            f"got shape {frames.shape}."
        )
    return frames


def _rows(rows: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    if not rows:
        raise ValueError("rows must map at least one label to its frames.")
    return {label: _frames(frames, f"rows[{label!r}]") for label, frames in rows.items()}


def plot_frame_strips(
    rows: Mapping[str, np.ndarray],
    column_labels: Sequence[str] | None = None,
    title: str | None = None,
    frame_inches: float = 0.9,
) -> Figure:
    """Rows of frames side by side: e.g. the input, the truth and each model's prediction.

    Rows may have different lengths; each is left-aligned and missing cells stay empty, so pass
    rows already aligned in time (e.g. all starting at the first predicted frame).

    Args:
        rows: label -> frames ``(time, h, w)`` or ``(time, h, w, 1)``, values in [0, 1].
        column_labels: one label per column (e.g. ``"t+1"``), optional.
        title: the figure's title.
        frame_inches: the size of one frame in inches.

    Returns:
        The Figure (one Axes per frame).

    Raises:
        ValueError: for empty rows or frames of the wrong shape.
    """
    rows = _rows(rows)
    n_cols = max(len(f) for f in rows.values())
    fig, axes = plt.subplots(
        len(rows),
        n_cols,
        figsize=(frame_inches * n_cols + 1.2, frame_inches * len(rows) + 0.4),
        squeeze=False,
    )
    for r, (label, frames) in enumerate(rows.items()):
        for c in range(n_cols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(c < len(frames))
            if c < len(frames):
                ax.imshow(frames[c], cmap="gray_r", vmin=0.0, vmax=1.0)
            else:
                ax.axis("off")
            if c == 0:
                ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
            if r == 0 and column_labels is not None and c < len(column_labels):
                ax.set_title(column_labels[c], fontsize=9)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.subplots_adjust(wspace=0.05, hspace=0.05, left=0.2)
    return fig


def plot_rollout_errors(
    errors: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str = "mean squared pixel error",
) -> Axes:
    """Forecast error against the number of steps ahead, one line per model.

    Args:
        errors: label -> error at steps ahead 1, 2, ... (e.g. from ``metrics.mse_per_step``).
        ax: where to draw.
        title: the axes' title.
        ylabel: the y-axis label.

    Returns:
        The Axes.

    Raises:
        ValueError: when ``errors`` is empty.
    """
    if not errors:
        raise ValueError("errors must map at least one label to its per-step errors.")
    ax = _axes(ax)
    for i, (label, values) in enumerate(errors.items()):
        curve = np.asarray(values, dtype=float)
        steps = np.arange(1, len(curve) + 1)
        ax.plot(steps, curve, marker="o", color=f"C{i}", label=label)
    ax.set_xlabel("steps ahead")
    ax.set_ylabel(ylabel)
    ax.set_xticks(steps)
    ax.set_ylim(bottom=0)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def animate_frames(
    rows: Mapping[str, np.ndarray], interval: int = 400, frame_inches: float = 1.6
) -> FuncAnimation:
    """An animation with one panel per row (e.g. truth and prediction), playing the frames.

    Rows must have the same length. Show it with ``IPython.display.HTML(anim.to_jshtml())``, or
    use ``animation_html``: the JavaScript player needs neither ffmpeg nor a display.

    Args:
        rows: label -> frames ``(time, h, w)`` or ``(time, h, w, 1)``, values in [0, 1].
        interval: milliseconds per frame.
        frame_inches: the size of one panel in inches.

    Returns:
        A ``matplotlib.animation.FuncAnimation``.

    Raises:
        ValueError: for empty rows, bad shapes or rows of different lengths.
    """
    rows = _rows(rows)
    lengths = {len(f) for f in rows.values()}
    if len(lengths) != 1:
        raise ValueError(f"every row must have the same number of frames; got {sorted(lengths)}.")
    n_frames = lengths.pop()
    fig, axes = plt.subplots(
        1, len(rows), figsize=(frame_inches * len(rows), frame_inches + 0.5), squeeze=False
    )
    images = []
    for ax, (label, frames) in zip(axes[0], rows.items()):
        images.append(ax.imshow(frames[0], cmap="gray_r", vmin=0.0, vmax=1.0))
        ax.set_title(label, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    caption = fig.suptitle("frame 0", fontsize=9)
    frames_by_row = list(rows.values())

    def draw(t: int):
        for image, frames in zip(images, frames_by_row):
            image.set_data(frames[t])
        caption.set_text(f"frame {t}")
        return [*images, caption]

    return FuncAnimation(fig, draw, frames=n_frames, interval=interval, blit=False)


def animation_html(rows: Mapping[str, np.ndarray], interval: int = 400) -> str:
    """``animate_frames`` rendered as a self-contained HTML/JavaScript player.

    Works headless, in JupyterLab and in Colab, without ffmpeg; the figure is closed so that no
    static copy is drawn as well. Display it with ``IPython.display.HTML(...)``.

    Args:
        rows: as for ``animate_frames``.
        interval: milliseconds per frame.

    Returns:
        The HTML as a string.
    """
    anim = animate_frames(rows, interval=interval)
    try:
        return anim.to_jshtml(default_mode="loop")
    finally:
        plt.close(anim._fig)  # type: ignore[attr-defined]  # the animation's own figure


def plot_hidden_channels(
    frames: np.ndarray,
    hidden: np.ndarray,
    channels: Sequence[int] | None = None,
    title: str | None = None,
    frame_inches: float = 0.8,
) -> Figure:
    """What hidden-state channels respond to: the input frames above each channel's map.

    Args:
        frames: the clip ``(time, h, w)`` or ``(time, h, w, 1)``.
        hidden: the ConvLSTM's hidden states on that clip, ``(time, h, w, filters)``, in (-1, 1).
        channels: which channels to draw (default: all).
        title: the figure's title.
        frame_inches: the size of one map in inches.

    Returns:
        The Figure: row 0 the input, then one row per channel (red positive, blue negative).

    Raises:
        ValueError: for bad shapes or channel indices.
    """
    frames = _frames(frames, "frames")
    hidden = np.asarray(hidden, dtype=np.float32)
    if hidden.ndim != 4 or hidden.shape[:3] != frames.shape:
        raise ValueError(
            f"hidden must be (time, h, w, filters) matching frames {frames.shape}; "
            f"got {hidden.shape}."
        )
    channels = list(range(hidden.shape[-1])) if channels is None else list(channels)
    if not channels or not all(0 <= c < hidden.shape[-1] for c in channels):
        raise ValueError(f"channels must be indices in 0..{hidden.shape[-1] - 1}; got {channels}.")
    steps = len(frames)
    fig, axes = plt.subplots(
        len(channels) + 1,
        steps,
        figsize=(frame_inches * steps + 1.2, frame_inches * (len(channels) + 1) + 0.4),
        squeeze=False,
    )
    for t in range(steps):
        axes[0, t].imshow(frames[t], cmap="gray_r", vmin=0.0, vmax=1.0)
        axes[0, t].set_title(f"t={t}", fontsize=8)
        for r, c in enumerate(channels, start=1):
            axes[r, t].imshow(hidden[t, ..., c], cmap="RdBu_r", vmin=-1.0, vmax=1.0)
    for r, ax_row in enumerate(axes):
        for ax in ax_row:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        label = "input" if r == 0 else f"h[{channels[r - 1]}]"
        ax_row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.subplots_adjust(wspace=0.05, hspace=0.05, left=0.15)
    return fig
