"""Figures for notebook 08: attention heatmaps and accuracy against input length."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from course_lib.plots.core import _axes

__all__ = ["plot_attention", "plot_accuracy_by_length", "accuracy_by_length"]


def plot_attention(
    weights: np.ndarray,
    source_tokens: Sequence[str],
    output_tokens: Sequence[str],
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Heatmap of attention weights: a row per output step, a column per source token.

    Args:
        weights: ``(len(output_tokens), len(source_tokens))``; each row sums to 1.
        source_tokens: labels of the columns (e.g. the letters of a word).
        output_tokens: labels of the rows (e.g. the predicted phonemes, then ``"<end>"``).
        ax: where to draw.
        title: the axes' title.

    Returns:
        The axes.

    Raises:
        ValueError: if the shape of ``weights`` does not match the labels.
    """
    weights = np.asarray(weights, dtype=float)
    want = (len(output_tokens), len(source_tokens))
    if weights.shape != want:
        raise ValueError(f"weights has shape {weights.shape}; the labels need {want}.")
    ax = _axes(ax, figsize=(0.35 * want[1] + 1.5, 0.3 * want[0] + 1.2))
    image = ax.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(want[1]), labels=list(source_tokens))
    ax.set_yticks(range(want[0]), labels=list(output_tokens))
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.grid(False)
    ax.set_xlabel("source (what the decoder looks at)")
    ax.set_ylabel("output step")
    ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="weight")
    if title:
        ax.set_title(title)
    return ax


def accuracy_by_length(
    lengths: Sequence[int], correct: Sequence[bool], bins: Sequence[int]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Fraction correct per length bin.

    Args:
        lengths: ``(n,)`` input lengths.
        correct: ``(n,)`` whether each output was right.
        bins: increasing bin edges; bin ``i`` holds ``bins[i] <= length < bins[i + 1]``.

    Returns:
        Bin labels (e.g. ``"4-6"``), the accuracy per bin (NaN where a bin is empty) and the
        number of examples per bin.

    Raises:
        ValueError: for arrays of different lengths or fewer than two increasing edges.
    """
    lengths, correct = np.asarray(lengths), np.asarray(correct, dtype=float)
    bins = np.asarray(bins)
    if lengths.shape != correct.shape:
        raise ValueError(f"lengths {lengths.shape} and correct {correct.shape} differ.")
    if bins.ndim != 1 or len(bins) < 2 or np.any(np.diff(bins) <= 0):
        raise ValueError(f"bins must be at least two increasing edges; got {bins.tolist()}.")
    labels, accuracy, counts = [], [], []
    for lo, hi in zip(bins[:-1], bins[1:]):
        inside = (lengths >= lo) & (lengths < hi)
        labels.append(f"{lo}" if hi == lo + 1 else f"{lo}-{hi - 1}")
        counts.append(int(inside.sum()))
        accuracy.append(correct[inside].mean() if inside.any() else np.nan)
    return labels, np.array(accuracy), np.array(counts)


def plot_accuracy_by_length(
    lengths: Sequence[int],
    correct: Mapping[str, Sequence[bool]],
    bins: Sequence[int],
    ax: Axes | None = None,
    xlabel: str = "input length",
    ylabel: str = "exact match",
    title: str | None = None,
) -> Axes:
    """One line per model: the fraction of exactly right outputs per input-length bin.

    Args:
        lengths: ``(n,)`` input lengths, shared by every model.
        correct: model label -> ``(n,)`` booleans.
        bins: increasing bin edges (see ``accuracy_by_length``).
        ax: where to draw.
        xlabel, ylabel, title: labels.

    Returns:
        The axes (bin sizes are written under the x labels).
    """
    ax = _axes(ax)
    labels: list[str] = []
    counts = np.array([])
    for name, right in correct.items():
        labels, accuracy, counts = accuracy_by_length(lengths, right, bins)
        ax.plot(range(len(labels)), accuracy, marker="o", label=name)
    ax.set_xticks(range(len(labels)), labels=[f"{b}\n(n={c})" for b, c in zip(labels, counts)])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
