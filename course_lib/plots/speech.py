"""Figures for notebook 10: waveforms, spectrograms, CTC alignments, error rate against noise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plots.core import _axes

__all__ = [
    "plot_waveform_and_spectrogram",
    "plot_ctc_alignment",
    "plot_error_vs_noise",
]


def plot_waveform_and_spectrogram(
    wave: np.ndarray,
    spectrogram: np.ndarray,
    sample_rate: int,
    *,
    step_ms: float = 10.0,
    title: str | None = None,
) -> Figure:
    """The waveform above its (log-mel) spectrogram, on a shared time axis.

    Args:
        wave: the signal, shape ``(samples,)``.
        spectrogram: features, shape ``(frames, channels)``.
        sample_rate: Hz.
        step_ms: hop between feature frames in milliseconds.
        title: figure title.

    Returns:
        A Figure with two axes (it needs two, so it returns the Figure rather than one Axes).

    Raises:
        ValueError: for arrays of the wrong rank or a bad sample rate.
    """
    wave, spectrogram = np.asarray(wave), np.asarray(spectrogram)
    if wave.ndim != 1 or spectrogram.ndim != 2:
        raise ValueError(
            f"wave must be 1-D and spectrogram 2-D; got {wave.shape} and {spectrogram.shape}."
        )
    if sample_rate <= 0 or step_ms <= 0:
        raise ValueError(f"sample_rate and step_ms must be positive; got {sample_rate}, {step_ms}.")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 4.5), sharex=True)
    top.plot(np.arange(wave.size) / sample_rate, wave, lw=0.5)
    top.set_ylabel("amplitude")
    seconds = spectrogram.shape[0] * step_ms / 1000
    image = bottom.imshow(
        spectrogram.T, origin="lower", aspect="auto", extent=(0, seconds, 0, spectrogram.shape[1]),
        cmap="magma",
    )  # fmt: skip
    bottom.set_xlabel("time (s)")
    bottom.set_ylabel("mel channel")
    fig.colorbar(image, ax=[top, bottom], pad=0.01, label="normalised log energy")
    if title:
        top.set_title(title)
    return fig


def plot_ctc_alignment(
    spectrogram: np.ndarray,
    frame_labels: Sequence[int],
    alphabet: str,
    *,
    frame_probs: np.ndarray | None = None,
    step_ms: float = 10.0,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A spectrogram with the best symbol of every output frame written under it.

    Blanks are shown as grey dots, symbols as letters (``"␣"`` for a space), placed at the
    centre of the input frames each output frame covers; the probability of the best symbol is
    drawn as a line when given.

    Args:
        spectrogram: features ``(frames, channels)``.
        frame_labels: best label per output frame ``(out_frames,)``; 0 is the blank and label
            ``i`` (>= 1) is ``alphabet[i - 1]``.
        alphabet: the characters of labels 1, 2, ...
        frame_probs: probability of the best label per output frame ``(out_frames,)``, or None.
        step_ms: hop between input frames in milliseconds.
        title: axes title.
        ax: axes to draw on (new when None).

    Returns:
        The Axes.

    Raises:
        ValueError: for bad shapes or labels outside the alphabet.
    """
    spectrogram = np.asarray(spectrogram)
    labels = np.asarray(frame_labels).reshape(-1)
    if spectrogram.ndim != 2 or labels.size == 0:
        raise ValueError(
            f"spectrogram must be 2-D and frame_labels non-empty; got {spectrogram.shape}, "
            f"{labels.shape}."
        )
    if labels.min() < 0 or labels.max() > len(alphabet):
        raise ValueError(f"frame_labels must be in 0..{len(alphabet)}.")
    ax = _axes(ax, figsize=(10, 3.2))
    frames, channels = spectrogram.shape
    seconds = frames * step_ms / 1000
    ax.imshow(
        spectrogram.T, origin="lower", aspect="auto", extent=(0, seconds, 0, channels),
        cmap="magma", alpha=0.85,
    )  # fmt: skip
    centres = (np.arange(labels.size) + 0.5) * seconds / labels.size
    for x, label in zip(centres, labels):
        if label == 0:
            ax.plot(x, -0.06 * channels, ".", color="0.6", ms=3, clip_on=False)
        else:
            char = alphabet[label - 1]
            ax.text(
                x, -0.08 * channels, "␣" if char == " " else char, ha="center", va="top",
                fontsize=9, color="C0", fontweight="bold", clip_on=False,
            )  # fmt: skip
    if frame_probs is not None:
        probs = np.asarray(frame_probs).reshape(-1)
        if probs.shape != labels.shape:
            raise ValueError(f"frame_probs must have shape {labels.shape}; got {probs.shape}.")
        ax.plot(centres, probs * channels, color="white", lw=1, label="p(best symbol)")
        ax.legend(loc="upper right", fontsize=8)
    ax.set_ylim(0, channels)
    ax.set_xlim(0, seconds)
    ax.set_ylabel("mel channel")
    ax.set_xlabel("time (s); under the axis: best symbol per output frame (grey dot = blank)",
                  labelpad=18)  # fmt: skip
    if title:
        ax.set_title(title)
    return ax


def plot_error_vs_noise(
    snr_db: Sequence[float],
    rates: Mapping[str, Sequence[float]],
    *,
    ylabel: str = "character error rate",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Error rates against the signal-to-noise ratio, one line per series.

    Args:
        snr_db: SNR levels in dB ``(levels,)``; ``inf`` (clean) is drawn at the right end.
        rates: series name -> error rate per level ``(levels,)``, as fractions.
        ylabel: y-axis label.
        title: axes title.
        ax: axes to draw on (new when None).

    Returns:
        The Axes.

    Raises:
        ValueError: when a series' length differs from ``snr_db``'s.
    """
    levels = np.asarray(snr_db, dtype=float)
    finite = levels[np.isfinite(levels)]
    clean_at = (finite.max() + 10) if finite.size else 0.0
    x = np.where(np.isfinite(levels), levels, clean_at)
    ax = _axes(ax, figsize=(6, 3.5))
    for name, values in rates.items():
        values = np.asarray(values, dtype=float)
        if values.shape != levels.shape:
            raise ValueError(f"rates[{name!r}] has {values.shape}; expected {levels.shape}.")
        ax.plot(x, 100 * values, "o-", label=name)
    ax.set_xticks(x, [f"{v:g}" if np.isfinite(v) else "clean" for v in levels])
    ax.set_xlabel("signal-to-noise ratio (dB)")
    ax.set_ylabel(f"{ylabel} (%)")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
