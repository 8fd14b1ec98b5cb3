"""Figures for notebook 07: frame strips, rollout errors, animations, hidden-state maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from course_lib._args import int_in_range
from course_lib.plots.base import _arrow, _axes, _box

__all__ = [
    "plot_frame_strips",
    "plot_rollout_errors",
    "animate_frames",
    "animation_html",
    "plot_hidden_channels",
    "plot_hybrid_and_convlstm",
    "plot_leaky_head",
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


def _grid(
    ax: Axes,
    centre: tuple[float, float],
    rows: int,
    cols: int,
    cell: float,
    colour: str,
    layers: int = 1,
    gid: str | None = None,
) -> None:
    """A small grid of squares (a map), drawn ``layers`` times with an offset (its channels)."""
    x0, y0 = centre[0] - cols * cell / 2, centre[1] - rows * cell / 2
    for layer in reversed(range(layers)):
        dx = dy = 0.08 * layer
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(
                    Rectangle(
                        (x0 + c * cell + dx, y0 + r * cell + dy),
                        cell,
                        cell,
                        facecolor=colour,
                        edgecolor="0.4",
                        lw=0.5,
                        gid=gid,
                    )
                )


def _loop(ax: Axes, x: float, y: float, colour: str) -> None:
    """A self-loop above a state: it is carried to the next step."""
    ax.add_patch(
        FancyArrowPatch(
            (x + 0.35, y),
            (x - 0.35, y),
            arrowstyle="-|>",
            mutation_scale=11,
            color=colour,
            lw=1.5,
            connectionstyle="arc3,rad=1.2",
        )
    )


def plot_hybrid_and_convlstm(ax: Axes | None = None) -> Axes:
    """The two recurrent video models of notebook 07 side by side: what their state looks like.

    Top, the CNN-LSTM hybrid: a CNN encodes each frame, the code is flattened into a vector, an
    LSTM carries a *vector* state, and a dense decoder redraws the next frame from it. Bottom, the
    ConvLSTM: its state is a stack of *maps* aligned with the frame, and a convolution reads the
    next frame off it. The hybrid's state has lost the grid; the ConvLSTM's keeps it.

    Args:
        ax: where to draw.
    """
    ax = _axes(ax, figsize=(11.0, 4.6))
    state = "tab:red"
    for y, label in ((2.6, "CNN-LSTM hybrid"), (0.0, "ConvLSTM")):
        ax.text(-0.9, y, label, ha="right", va="center", fontsize=10, weight="bold")
        _grid(ax, (0.0, y), 4, 4, 0.22, "#dde8f5")
        ax.text(0.0, y - 0.7, "frame $X_t$", ha="center", va="top", fontsize=9)
    # hybrid: CNN -> flatten -> LSTM (vector) -> dense decoder -> frame
    y = 2.6
    _arrow(ax, (0.55, y), (1.25, y), "", "0.3")
    _box(ax, (1.9, y), "CNN\nencoder", "0.93", size=(1.1, 0.7), fontsize=9)
    _arrow(ax, (2.5, y), (3.35, y), "", "0.3")
    ax.text(2.95, y + 0.45, "flatten", ha="center", fontsize=8)
    _grid(ax, (3.55, y), 8, 1, 0.13, "#fbe3cc")
    _arrow(ax, (3.75, y), (4.45, y), "", "0.3")
    _box(ax, (5.15, y), "LSTM", "0.93", size=(1.1, 0.7), fontsize=9)
    _arrow(ax, (5.75, y), (6.35, y), "", "0.3")
    _grid(ax, (6.6, y), 8, 1, 0.13, "#f6dcdc", gid="vector_state")
    _loop(ax, 6.6, y + 0.62, state)
    ax.text(6.6, y - 0.75, "state $h_t$:\na vector", ha="center", va="top", fontsize=9, color=state)
    _arrow(ax, (6.85, y), (7.6, y), "", "0.3")
    _box(ax, (8.3, y), "dense\ndecoder", "0.93", size=(1.1, 0.7), fontsize=9)
    _arrow(ax, (8.9, y), (9.55, y), "", "0.3")
    _grid(ax, (10.1, y), 4, 4, 0.22, "#dcefdc")
    # ConvLSTM: the state is a stack of maps on the frame's grid
    y = 0.0
    _arrow(ax, (0.55, y), (1.25, y), "", "0.3")
    _box(ax, (2.0, y), "ConvLSTM\n(convolutions)", "0.93", size=(1.6, 0.7), fontsize=9)
    _arrow(ax, (2.85, y), (5.9, y), "", "0.3")
    _grid(ax, (6.6, y), 4, 4, 0.22, "#f6dcdc", layers=3, gid="map_state")
    _loop(ax, 6.7, y + 0.75, state)
    ax.text(
        6.6,
        y - 0.7,
        "state $H_t$: maps\non the frame's grid",
        ha="center",
        va="top",
        fontsize=9,
        color=state,
    )
    _arrow(ax, (7.3, y), (7.7, y), "", "0.3")
    _box(ax, (8.3, y), "conv\nhead", "0.93", size=(1.0, 0.7), fontsize=9)
    _arrow(ax, (8.85, y), (9.55, y), "", "0.3")
    for yy in (2.6, 0.0):
        _grid(ax, (10.1, yy), 4, 4, 0.22, "#dcefdc")
        ax.text(10.1, yy - 0.7, "next frame", ha="center", va="top", fontsize=9)
    ax.set_xlim(-2.6, 10.8)
    ax.set_ylim(-1.4, 3.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        "Where the state lives: a vector (hybrid) or maps aligned with the frame (ConvLSTM)"
    )
    return ax


def plot_leaky_head(steps: int = 5, t: int = 2, ax: Axes | None = None) -> Axes:
    """Why a 3-frame ``Conv3D`` head after a ConvLSTM sees the frame it must predict.

    Each hidden state ``H_s`` has read frames ``X_1..X_s``. An honest head makes output ``t``
    from ``H_t`` alone; a ``Conv3D`` head with a kernel 3 frames long and "same" padding mixes
    ``H_{t-1}``, ``H_t`` and ``H_{t+1}``, and ``H_{t+1}`` has read ``X_{t+1}``, the target of
    output ``t`` (red).

    Args:
        steps: time steps to draw (3 to 8).
        t: the output whose window is drawn (1 to ``steps - 1``; steps count from 1).
        ax: where to draw.

    Raises:
        ValueError: for ``steps`` outside 3..8 or ``t`` outside 1..steps - 1.
    """
    steps = int_in_range(steps, "steps", 3, 8)
    t = int_in_range(t, "t", 1, steps - 1)
    ax = _axes(ax, figsize=(1.2 + 1.6 * steps, 4.0))
    leak, dx = "tab:red", 1.6
    for s in range(1, steps + 1):
        x = dx * (s - 1)
        target = s == t + 1
        _box(ax, (x, 0), f"$X_{{{s}}}$", "#dde8f5")
        _box(ax, (x, 1.3), f"$H_{{{s}}}$", "#f6dcdc")
        _arrow(ax, (x, 0.3), (x, 1.0), "", leak if target else "0.4")
        if s > 1:
            _arrow(ax, (x - dx + 0.4, 1.3), (x - 0.4, 1.3), "", "0.4")
        if s == t:
            _box(ax, (x, 2.8), f"$\\hat X_{{{t + 1}}}$", "#dcefdc")
        if target:
            ax.add_patch(
                Rectangle(
                    (x - 0.45, -0.35), 0.9, 0.7, fill=False, edgecolor=leak, lw=2.0, gid="leak"
                )
            )
            ax.text(
                x, -0.5, f"the target of output {t}", ha="center", va="top", fontsize=9, color=leak
            )
    xt = dx * (t - 1)
    for s in (t - 1, t, t + 1):
        if s < 1:
            continue
        colour = leak if s == t + 1 else "tab:green"
        ax.add_patch(
            FancyArrowPatch(
                (dx * (s - 1), 1.6),
                (xt, 2.5),
                arrowstyle="-|>",
                mutation_scale=12,
                color=colour,
                lw=2.2 if s == t + 1 else 1.4,
                gid="leak" if s == t + 1 else "window",
            )
        )
    ax.text(
        xt + dx * 0.6,
        2.8,
        'Conv3D, 3 frames, padding "same"',
        va="center",
        fontsize=9,
        color="tab:green",
    )
    ax.set_xlim(-0.8, dx * (steps - 1) + 0.8)
    ax.set_ylim(-1.0, 3.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        f"A head that reads $H_{{{t + 1}}}$ has seen $X_{{{t + 1}}}$, the frame it predicts"
    )
    return ax
