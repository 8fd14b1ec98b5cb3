"""Figures for notebook 10: waveforms, spectrograms, the CTC trellis, alignments, noise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from course_lib._args import int_in_range, positive_int
from course_lib.decoding.ctc import ctc_collapse, ctc_extended_labels, ctc_min_frames
from course_lib.plots.base import _arrow, _axes, _box

__all__ = [
    "plot_waveform_and_spectrogram",
    "plot_ctc_trellis",
    "plot_ctc_alignment",
    "plot_error_vs_noise",
    "plot_ctc_model",
    "plot_ctc_paths",
    "plot_ctc_spikes",
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


def _trellis_moves(extended: list[int], blank: int) -> list[tuple[int, int]]:
    """Allowed moves (s, s') between consecutive frames: stay, step, or skip a blank."""
    moves = []
    for s, symbol in enumerate(extended):
        moves.append((s, s))
        if s + 1 < len(extended):
            moves.append((s, s + 1))
        if s + 2 < len(extended) and extended[s + 2] not in (blank, symbol):
            moves.append((s, s + 2))
    return moves


def plot_ctc_trellis(
    labels: Sequence[int],
    frames: int,
    alphabet: str,
    *,
    posteriors: np.ndarray | None = None,
    blank: int = 0,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The CTC trellis: the states of a transcript against time, with the moves CTC allows.

    The states (rows, top to bottom) are the labels with a blank before, between and after them;
    the columns are frames. From one frame to the next an alignment may stay on its state, step
    to the next one, or skip a blank between two different labels (never between two equal
    ones: the blank is what separates them). An alignment starts on the first blank or the first
    label and ends on the last label or the final blank. Nodes that no complete alignment can
    visit are drawn as faint crosses; the others as circles, shaded by ``posteriors`` when given
    (e.g. ``decoding.ctc_state_posteriors`` of a trained model's outputs).

    Args:
        labels: the transcript's labels (no blanks), shape ``(length,)``; label ``i`` is
            ``alphabet[i - 1]``.
        frames: number of frames (at least ``ctc_min_frames(labels)``).
        alphabet: the characters of labels 1, 2, ...
        posteriors: state posteriors ``(frames, 2 * length + 1)`` in [0, 1], or None.
        blank: the blank label.
        title: axes title.
        ax: axes to draw on (new when None).

    Returns:
        The Axes: its first collection holds the allowed moves, then the reachable nodes, then
        the unreachable ones.

    Raises:
        ValueError: for a blank or out-of-range label, too few frames, or posteriors of the
            wrong shape.
    """
    labels = [int(v) for v in np.asarray(labels).reshape(-1)]
    if any(v == blank or not 1 <= v <= len(alphabet) for v in labels):
        raise ValueError(f"labels must be in 1..{len(alphabet)} and not the blank ({blank}).")
    frames = positive_int(frames, "frames")
    if frames < ctc_min_frames(labels):
        raise ValueError(
            f"frames must be at least {ctc_min_frames(labels)} for these labels; got {frames}."
        )
    extended = ctc_extended_labels(labels, blank)
    states = len(extended)
    if posteriors is not None:
        posteriors = np.asarray(posteriors, dtype=float)
        if posteriors.shape != (frames, states):
            raise ValueError(
                f"posteriors must have shape {(frames, states)}; got {posteriors.shape}."
            )
    moves = _trellis_moves(extended, blank)
    # reachable from a start state, and able to reach an end state
    forward = np.zeros((frames, states), bool)
    forward[0, : min(2, states)] = True
    backward = np.zeros((frames, states), bool)
    backward[-1, max(0, states - 2) :] = True
    for t in range(1, frames):
        for s, s2 in moves:
            forward[t, s2] |= forward[t - 1, s]
            backward[frames - 1 - t, s] |= backward[frames - t, s2]
    valid = forward & backward
    ax = _axes(ax, figsize=(max(5.0, 0.5 * frames + 1.5), max(2.5, 0.4 * states + 1.0)))
    segments = [
        [(t, s), (t + 1, s2)]
        for t in range(frames - 1)
        for s, s2 in moves
        if valid[t, s] and valid[t + 1, s2]
    ]
    ax.add_collection(LineCollection(segments, colors="0.55", linewidths=0.8, zorder=1))
    ts, ss = np.nonzero(valid)
    shade = posteriors[ts, ss] if posteriors is not None else np.zeros(ts.size)
    nodes = ax.scatter(
        ts, ss, c=shade, cmap="Blues", vmin=0.0, vmax=1.0, s=90, edgecolors="0.2", zorder=2
    )
    bad_t, bad_s = np.nonzero(~valid)
    ax.scatter(bad_t, bad_s, marker="x", color="0.8", s=25, zorder=2)
    if posteriors is not None:
        ax.figure.colorbar(nodes, ax=ax, pad=0.01, label="posterior of the state")
    names = ["∅" if v == blank else ("␣" if alphabet[v - 1] == " " else alphabet[v - 1])
             for v in extended]  # fmt: skip
    ax.set_yticks(range(states), names)
    ax.set_ylim(states - 0.5, -0.5)  # the first state at the top
    ax.set_xlim(-0.5, frames - 0.5)
    ax.set_xlabel("frame")
    ax.set_ylabel("state (∅ = blank)")
    if title:
        ax.set_title(title)
    return ax


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
    for name, series in rates.items():
        values = np.asarray(series, dtype=float)
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


def plot_ctc_model(
    time_strides: Sequence[int] = (2, 2),
    rnn_layers: int = 2,
    frame_ms: float = 10.0,
    ax: Axes | None = None,
) -> Axes:
    """The recogniser of notebook 10 as a pipeline, with the frame rate after every stage.

    Audio becomes log-mel frames (one per ``frame_ms``), each strided convolution divides the
    frame rate by its stride, the bidirectional GRUs and the softmax keep it, and CTC's collapse
    turns the per-frame symbols into text.

    Args:
        time_strides: the strides of the convolution blocks (each 1 to 4; 1 to 4 blocks).
        rnn_layers: bidirectional GRU layers (1 to 6).
        frame_ms: hop between feature frames in milliseconds.
        ax: where to draw.

    Raises:
        ValueError: for strides, layers or a hop outside those ranges.
    """
    strides = [int_in_range(s, "time_strides", 1, 4) for s in time_strides]
    if not 1 <= len(strides) <= 4:
        raise ValueError(f"time_strides must hold 1 to 4 strides; got {list(time_strides)}.")
    rnn_layers = int_in_range(rnn_layers, "rnn_layers", 1, 6)
    if not 1.0 <= float(frame_ms) <= 100.0:
        raise ValueError(f"frame_ms must be between 1 and 100; got {frame_ms!r}.")
    rate = 1000.0 / float(frame_ms)
    stages = [("audio\nwaveform", None), ("log-mel\nfeatures", rate)]
    for stride in strides:
        rate /= stride
        stages.append((f"Conv1D\nstride {stride}", rate))
    stages.append((f"{rnn_layers} x bidirectional\nGRU", rate))
    stages.append(("softmax:\nchars + blank", rate))
    stages.append(("CTC collapse\n→ text", None))
    ax = _axes(ax, figsize=(1.9 * len(stages), 2.8))
    for k, (label, per_second) in enumerate(stages):
        x = 1.9 * k
        _box(
            ax,
            (x, 0.0),
            label,
            "#dde8f5" if per_second is None else "#f6dcdc",
            size=(1.55, 0.75),
            fontsize=8,
        )
        if per_second is not None:
            ax.text(
                x,
                -0.62,
                f"{per_second:g} frames/s",
                ha="center",
                va="top",
                fontsize=9,
                color="tab:red",
                gid="rate",
            )
        if k:
            _arrow(ax, (x - 1.9 + 0.8, 0.0), (x - 0.8, 0.0), "", "0.3")
    ax.set_xlim(-1.0, 1.9 * (len(stages) - 1) + 1.0)
    ax.set_ylim(-1.1, 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("The recogniser, and how many frames per second each stage runs at")
    return ax


def plot_ctc_paths(paths: Sequence[Sequence[int]], alphabet: str, ax: Axes | None = None) -> Axes:
    """Several alignments (one symbol per frame) that collapse to the same transcript.

    One row per path, one cell per frame (blanks grey, labels coloured by label), and on the
    right what each collapses to: CTC's loss adds the probabilities of all of them.

    Args:
        paths: label sequences of equal length (0 is the blank; label ``i`` is
            ``alphabet[i - 1]``), 1 to 12 of them.
        alphabet: the characters of labels 1, 2, ...
        ax: where to draw.

    Raises:
        ValueError: for no paths, more than 12, paths of different lengths, or a label outside
            the alphabet.
    """
    rows = [[int(v) for v in p] for p in paths]
    if not 1 <= len(rows) <= 12 or len({len(r) for r in rows}) != 1 or not rows[0]:
        raise ValueError("paths must be 1 to 12 non-empty label sequences of equal length.")
    if any(not 0 <= v <= len(alphabet) for r in rows for v in r):
        raise ValueError(f"labels must lie in 0..{len(alphabet)} (0 is the blank).")
    frames = len(rows[0])
    ax = _axes(ax, figsize=(2.5 + 0.42 * frames, 0.5 + 0.42 * len(rows)))
    cmap = plt.get_cmap("tab10")
    for i, row in enumerate(rows):
        y = len(rows) - 1 - i
        for t, v in enumerate(row):
            colour = "0.88" if v == 0 else cmap((v - 1) % 10)
            ax.add_patch(plt.Rectangle((t, y), 0.92, 0.85, facecolor=colour, edgecolor="white"))
            ax.text(
                t + 0.46,
                y + 0.42,
                "∅" if v == 0 else alphabet[v - 1].replace(" ", "␣"),
                ha="center",
                va="center",
                fontsize=8,
                color="0.3" if v == 0 else "white",
            )
        text = "".join(alphabet[v - 1] for v in ctc_collapse(row))
        ax.text(frames + 0.4, y + 0.42, f"→ {text!r}", va="center", fontsize=9, gid="collapsed")
    ax.set_xlim(-0.2, frames + 3.5)
    ax.set_ylim(-0.2, len(rows) + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Different alignments, one transcript: CTC sums over all of them")
    return ax


def plot_ctc_spikes(
    probs: np.ndarray, alphabet: str, *, frame_ms: float = 40.0, ax: Axes | None = None
) -> Axes:
    """Per-frame posteriors of a CTC model: the blank, and a spike for every character.

    Args:
        probs: softmax outputs ``(frames, 1 + len(alphabet))``, column 0 the blank.
        alphabet: the characters of columns 1, 2, ...
        frame_ms: duration of one output frame in milliseconds (the x axis is in seconds).
        ax: where to draw.

    Raises:
        ValueError: if ``probs`` is not ``(frames, 1 + len(alphabet))``.
    """
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 2 or probs.shape[1] != len(alphabet) + 1:
        raise ValueError(
            f"probs must have shape (frames, {len(alphabet) + 1}): the blank and one column per "
            f"character; got {probs.shape}."
        )
    ax = _axes(ax, figsize=(11.0, 3.2))
    seconds = np.arange(len(probs)) * frame_ms / 1000.0
    ax.plot(seconds, probs[:, 0], color="0.6", lw=1.2, linestyle="--", label="blank")
    best = probs.argmax(-1)
    cmap = plt.get_cmap("tab10")
    for k in sorted(set(int(v) for v in best if v > 0)):
        ax.plot(seconds, probs[:, k], color=cmap((k - 1) % 10), lw=1.2, gid="character")
        for t in np.flatnonzero(best == k):
            ax.text(
                seconds[t],
                min(probs[t, k] + 0.03, 1.05),
                alphabet[k - 1].replace(" ", "␣"),
                ha="center",
                va="bottom",
                fontsize=8,
                color=cmap((k - 1) % 10),
            )
    ax.set_ylim(0, 1.12)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("posterior probability")
    ax.legend(loc="lower right")
    ax.set_title("Per-frame posteriors: the blank, and each character that wins a frame")
    return ax
