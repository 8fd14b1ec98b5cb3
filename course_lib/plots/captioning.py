"""Figures for notebook 09: scenes, captions, the captioner's picture, attention over regions."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib._args import positive_int
from course_lib.plots.base import SHAPE_COLOURS, _axes, _box, _link

__all__ = ["plot_captioned_scenes", "plot_captioner", "plot_caption_attention"]


def plot_captioned_scenes(
    images: np.ndarray,
    captions: Sequence[Sequence[str]],
    second: Sequence[Sequence[str]] | None = None,
    columns: int = 4,
    width: int = 26,
) -> Figure:
    """Images with their captions written under them (needs several axes: returns a Figure).

    Args:
        images: ``(n, H, W, 3)`` in [0, 1].
        captions: one token list per image (e.g. a reference).
        second: optional second caption per image (e.g. the model's), written in blue above it.
        columns: images per row.
        width: characters per caption line.

    Returns:
        The figure.
    """
    n = len(images)
    if n == 0 or len(captions) != n or (second is not None and len(second) != n):
        raise ValueError("images, captions (and second) must be non-empty and of equal length.")
    columns = positive_int(columns, "columns")
    rows = -(-n // columns)
    lines = 4 if second is None else 8
    fig, axes = plt.subplots(
        rows, columns, figsize=(2.6 * columns, (2.4 + 0.17 * lines) * rows), squeeze=False
    )
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(np.clip(images[i], 0, 1), interpolation="nearest")
        text = textwrap.fill(" ".join(captions[i]), width)
        ax.text(0.5, -0.03, text, transform=ax.transAxes, ha="center", va="top", fontsize=8)
        if second is not None:
            ax.set_title(
                textwrap.fill(" ".join(second[i]) or "(nothing)", width),
                fontsize=8,
                color="tab:blue",
            )
    fig.tight_layout()
    return fig


def plot_captioner(ax: Axes | None = None) -> Axes:
    """The encoder-decoder picture of a captioner.

    A CNN turns the image into a grid of region features and a pooled vector; the pooled vector
    sets the LSTM's initial state; at every step the LSTM reads the previous word (the start
    marker first), looks at the regions through attention, and writes the next word, until it
    writes the end marker.

    Args:
        ax: where to draw (a wide figure when None).

    Returns:
        The axes.
    """
    ax = _axes(ax, figsize=(13, 3.8))
    _box(ax, (0.0, 1.0), "image", SHAPE_COLOURS["input"], size=(1.0, 0.8))
    _box(ax, (1.6, 1.0), "CNN", "#eeeeee", size=(0.8, 0.8))
    _link(ax, (0.5, 1.0), (1.2, 1.0))
    # the grid of regions
    for r in range(3):
        for c in range(3):
            ax.add_patch(
                plt.Rectangle((2.6 + 0.25 * c, 0.3 + 0.25 * r), 0.25, 0.25, fc="#fde9c9", ec="0.4")
            )
    ax.text(2.97, 0.15, "regions", ha="center", va="top", fontsize=9)
    _link(ax, (2.0, 0.8), (2.6, 0.6))
    _box(ax, (3.0, 1.9), "pooled", "#fde9c9", size=(0.8, 0.4), fontsize=9)
    _link(ax, (2.0, 1.2), (2.6, 1.85))
    words = ["a", "large", "red", "seven", "<end>"]
    inputs = ["<start>", *words[:-1]]
    x0, step = 4.6, 1.45
    for t, (word_in, word_out) in enumerate(zip(inputs, words, strict=True)):
        x = x0 + step * t
        _box(ax, (x, 1.9), "LSTM", SHAPE_COLOURS["state"], size=(0.8, 0.45), fontsize=9)
        _box(ax, (x, 0.9), word_in, SHAPE_COLOURS["input"], size=(0.9, 0.4), fontsize=8)
        _box(ax, (x, 2.9), word_out, SHAPE_COLOURS["output"], size=(0.9, 0.4), fontsize=8)
        _link(ax, (x, 1.1), (x, 1.67))
        _link(ax, (x, 2.13), (x, 2.7))
        if t:
            _link(ax, (x - step + 0.4, 1.9), (x - 0.4, 1.9))
            ax.add_patch(  # the word just written is the next step's input
                plt.matplotlib.patches.FancyArrowPatch(
                    (x - step + 0.45, 2.9),
                    (x - 0.2, 1.1),
                    arrowstyle="-|>",
                    mutation_scale=8,
                    color="0.6",
                    lw=0.8,
                    linestyle="--",
                    connectionstyle="arc3,rad=-0.25",
                )
            )
        ax.add_patch(  # attention: each step looks at the regions
            plt.matplotlib.patches.FancyArrowPatch(
                (3.35, 0.6),
                (x - 0.38, 1.8),
                arrowstyle="-|>",
                mutation_scale=7,
                color="tab:orange",
                lw=0.7,
                alpha=0.7,
                connectionstyle="arc3,rad=0.12",
            )
        )
    _link(ax, (3.4, 1.9), (x0 - 0.4, 1.9))
    ax.text(3.9, 2.05, "$h_0, c_0$", ha="center", fontsize=9)
    ax.text(
        x0 + 2 * step,
        0.25,
        "attention over the regions at every word (orange)",
        fontsize=9,
        ha="center",
        color="tab:orange",
    )
    ax.set_xlim(-0.6, x0 + step * (len(words) - 1) + 0.6)
    ax.set_ylim(-0.1, 3.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_caption_attention(
    image: np.ndarray,
    words: Sequence[str],
    weights: np.ndarray,
    columns: int = 6,
) -> Figure:
    """Where the decoder looked for each word it wrote (needs several axes: returns a Figure).

    Each panel shows the image darkened where the attention weights of one step are low (the
    region grid smoothly upsampled to the image: bright means looked at), titled with the word
    written at that step.

    Args:
        image: ``(H, W, 3)`` in [0, 1].
        words: the generated words; the last panel is the end marker.
        weights: ``(len(words) + 1, R)`` with ``R`` a square number of regions (row-major grid).
        columns: panels per row.

    Returns:
        The figure.

    Raises:
        ValueError: if the shapes do not fit.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[0] != len(words) + 1:
        raise ValueError(
            f"weights must have shape ({len(words) + 1}, regions): one row per word and one for "
            f"the end marker; got {weights.shape}."
        )
    side = int(round(np.sqrt(weights.shape[1])))
    if side * side != weights.shape[1]:
        raise ValueError(f"the number of regions {weights.shape[1]} is not a square grid.")
    labels = [*words, "<end>"]
    rows = -(-len(labels) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.9 * columns, 2.1 * rows), squeeze=False)
    height, width = image.shape[:2]
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= len(labels):
            continue
        grid = weights[i].reshape(side, side)
        ax.imshow(np.clip(image, 0, 1), interpolation="nearest")
        shade = np.zeros((side, side, 4))
        shade[..., 3] = 0.85 * (1.0 - grid / max(grid.max(), 1e-12))  # dark where weight is low
        ax.imshow(shade, extent=(-0.5, width - 0.5, height - 0.5, -0.5), interpolation="bilinear")
        ax.set_title(f"{labels[i]}  (max {grid.max():.2f})", fontsize=9)
    fig.tight_layout()
    return fig
