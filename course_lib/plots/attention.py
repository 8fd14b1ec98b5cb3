"""Figures for notebook 08.

The encoder-decoder and beam-search diagrams, attention heatmaps and accuracy against input length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from course_lib.decoding.search import choose_final
from course_lib.metrics import accuracy_by_length
from course_lib.plots.base import _arrow, _axes, _box, _label

__all__ = [
    "plot_encoder_decoder",
    "plot_beam_tree",
    "plot_attention",
    "plot_accuracy_by_length",
]

_ENCODER, _DECODER, _CONTEXT, _TOKEN = "#dde8f5", "#f6dcdc", "#fbe9c6", "#eeeeee"


def _tokens(tokens: Sequence[str], label: str) -> list[str]:
    tokens = [str(t) for t in tokens]
    if not 1 <= len(tokens) <= 12:
        raise ValueError(f"{label} must hold 1 to 12 tokens to draw; got {len(tokens)}.")
    return tokens


def plot_encoder_decoder(
    source_tokens: Sequence[str],
    output_tokens: Sequence[str],
    attention: bool = False,
    weights: np.ndarray | None = None,
    step: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The encoder-decoder drawn for one example, with or without attention.

    Bottom left, the encoder reads the source tokens into states ``h_1 .. h_S`` (both ways);
    its final states, joined, are the context ``c`` that starts the decoder (``s_0``). On the
    right the decoder reads ``<start>`` and then each true previous token (teacher forcing) and
    writes the output tokens, the last being ``<end>``. With ``attention=True``, one decoder step
    ``t`` also reads its own context ``c_t``, a weighted average of every ``h_j``; the lines from
    the encoder states are as thick as their weights.

    Args:
        source_tokens: the input, 1 to 12 tokens.
        output_tokens: the output without ``<end>``, 1 to 11 tokens (``<end>`` is added).
        attention: draw the attention of one decoder step.
        weights: ``(len(output_tokens) + 1, len(source_tokens))`` attention weights (rows sum
            to 1) to set the line widths; equal weights when None.
        step: the decoder step (0-based) whose attention is drawn; the middle one when None.
        ax: where to draw.

    Returns:
        The axes.

    Raises:
        ValueError: for too few or too many tokens, ``weights`` of the wrong shape, or a
            ``step`` outside the output.
    """
    source = _tokens(source_tokens, "source_tokens")
    outputs = [*_tokens(output_tokens, "output_tokens"), "<end>"]
    if len(outputs) > 12:
        raise ValueError(f"output_tokens must hold at most 11 tokens; got {len(outputs) - 1}.")
    n_src, n_out = len(source), len(outputs)
    if step is None:
        step = (n_out - 1) // 2
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step < n_out:
        raise ValueError(f"step must be an output step from 0 to {n_out - 1}; got {step!r}.")
    if weights is None:
        weights = np.full((n_out, n_src), 1.0 / n_src)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (n_out, n_src):
        raise ValueError(
            f"weights has shape {weights.shape}; with <end> added it must be {(n_out, n_src)}."
        )
    gap = 1.0
    dec_x0 = n_src * gap + 1.6
    width = dec_x0 + n_out * gap
    ax = _axes(ax, figsize=(0.75 * width + 0.5, 3.9))
    enc_x = [j * gap for j in range(n_src)]
    dec_x = [dec_x0 + t * gap for t in range(n_out)]
    size = (0.62, 0.42)
    for j, x in enumerate(enc_x):
        _box(ax, (x, 0.0), source[j], _TOKEN, size=size, fontsize=9)
        _box(ax, (x, 1.1), f"$h_{{{j + 1}}}$", _ENCODER, size=size)
        _arrow(ax, (x, 0.22), (x, 0.88), "", "grey")
        if j:
            ax.annotate(
                "",
                (x - 0.3, 1.1),
                (x - gap + 0.3, 1.1),
                arrowprops=dict(arrowstyle="<|-|>", color="tab:blue", lw=1.2),
            )
    c_xy = (dec_x0 - 0.95, 1.1)
    _box(ax, c_xy, "$c = s_0$", _CONTEXT, size=(0.75, 0.42), fontsize=9)
    _arrow(ax, (enc_x[-1] + 0.32, 1.1), (c_xy[0] - 0.38, 1.1), "", "tab:blue")
    _arrow(ax, (c_xy[0] + 0.38, 1.1), (dec_x[0] - 0.32, 1.1), "", "tab:red")
    previous = ["<start>", *outputs[:-1]]
    for t, x in enumerate(dec_x):
        _box(ax, (x, 0.0), previous[t], _TOKEN, size=size, fontsize=8)
        _box(ax, (x, 1.1), f"$s_{{{t + 1}}}$", _DECODER, size=size)
        _box(ax, (x, 2.2), outputs[t], "white", size=size, fontsize=8)
        _arrow(ax, (x, 0.22), (x, 0.88), "", "grey")
        _arrow(ax, (x, 1.32), (x, 1.98), "", "grey")
        if t:
            _arrow(ax, (x - gap + 0.32, 1.1), (x - 0.32, 1.1), "", "tab:red")
    if attention:
        ct_xy = (dec_x[step] - 0.55, 3.05)
        _box(ax, ct_xy, f"$c_{{{step + 1}}}$", _CONTEXT, size=(0.55, 0.38), fontsize=9)
        top = max(weights[step].max(), 1e-9)
        for j, x in enumerate(enc_x):
            ax.plot(
                [x, ct_xy[0] - 0.28],
                [1.32, ct_xy[1]],
                color="tab:orange",
                lw=0.4 + 3.6 * weights[step, j] / top,
                alpha=0.8,
            )
        _arrow(ax, (ct_xy[0] + 0.2, ct_xy[1] - 0.19), (dec_x[step] - 0.12, 2.42), "", "tab:orange")
        ax.text(
            ct_xy[0] + 0.35,
            ct_xy[1] + 0.05,
            f"step {step + 1} looks at every $h_j$",
            fontsize=8,
            va="bottom",
            color="tab:orange",
        )
    ax.text((enc_x[0] + enc_x[-1]) / 2, -0.55, "encoder (reads both ways)", ha="center", fontsize=9)
    ax.text(
        (dec_x[0] + dec_x[-1]) / 2,
        -0.55,
        "decoder (reads the previous token)",
        ha="center",
        fontsize=9,
    )
    ax.set_xlim(-0.6, dec_x[-1] + 0.6)
    ax.set_ylim(-0.8, 3.5 if attention else 2.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("with attention" if attention else "without attention: one context vector")
    return ax


def plot_beam_tree(
    trace: Sequence[Mapping[str, np.ndarray]],
    tokens: Sequence[str],
    item: int = 0,
    length_penalty: float = 1.0,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The sequences a beam search kept at every step, and its answer with and without normalising.

    Each column is a step, each node a kept sequence's last token with its total log-probability;
    a line joins it to the sequence it extends. A finished sequence (its last token ``<end>``)
    is a grey node and is carried along, unchanged, as a dotted line. The answer without length
    normalisation (the best total log-probability) is traced in red, the answer with it (the
    best ``score / length ** length_penalty``) in blue.

    Args:
        trace: the list filled by ``decoding.beam_search(..., trace=trace)``.
        tokens: id -> token label.
        item: which batch item to draw.
        length_penalty: ``alpha`` of the normalised answer.
        ax: where to draw.
        title: the axes' title.

    Returns:
        The axes.

    Raises:
        ValueError: for an empty or malformed trace, or an ``item`` outside the batch.
    """
    keys = ("parents", "tokens", "scores", "lengths", "finished")
    if not trace or any(not all(k in step for k in keys) for step in trace):
        raise ValueError(f"trace must be a non-empty list of dicts with keys {keys}.")
    steps = [{k: np.asarray(step[k]) for k in keys} for step in trace]
    batch, width = steps[0]["scores"].shape
    if isinstance(item, bool) or not isinstance(item, (int, np.integer)) or not 0 <= item < batch:
        raise ValueError(f"item must be from 0 to {batch - 1}; got {item!r}.")
    if not np.isfinite(length_penalty) or length_penalty < 0:
        raise ValueError(f"length_penalty must be a number >= 0; got {length_penalty!r}.")
    ax = _axes(ax, figsize=(1.3 * len(steps) + 1.5, 0.9 * width + 1.2))
    dx = 1.6  # horizontal distance between steps; slots are 1 apart

    def y(slot: float) -> float:
        return -float(slot)

    root = (0.0, y((width - 1) / 2))
    ax.text(*root, "<start>", ha="center", va="center", fontsize=9)
    # Each sequence is drawn once, where it was made; a finished one that the search carries
    # along in later steps is not drawn again. origin[j]: the node of the sequence in slot j.
    nodes: list[tuple[float, float]] = []
    parent_of: list[int] = []
    origin = [-1] * width
    done_before = np.zeros(width, dtype=bool)
    for t, step in enumerate(steps, start=1):
        new_origin = [-1] * width
        for j in range(width):
            score = step["scores"][item, j]
            if np.isneginf(score):
                continue
            parent = int(step["parents"][item, j])
            if t > 1 and done_before[parent]:
                new_origin[j] = origin[parent]  # carried along unchanged
                continue
            parent_node = origin[parent] if t > 1 else -1
            start = nodes[parent_node] if parent_node >= 0 else root
            ax.plot([start[0], dx * t], [start[1], y(j)], color="grey", lw=0.8, zorder=1)
            finished = bool(step["finished"][item, j])
            label = str(tokens[int(step["tokens"][item, j])])
            ax.text(
                dx * t,
                y(j),
                f"{label}\n{score:.2f}",
                ha="center",
                va="center",
                fontsize=8,
                zorder=3,
                color="dimgrey" if finished else "black",
                bbox=dict(
                    boxstyle="round,pad=0.25",
                    facecolor="#eeeeee" if finished else "white",
                    edgecolor="grey",
                ),
            )
            new_origin[j] = len(nodes)
            nodes.append((dx * t, y(j)))
            parent_of.append(parent_node)
        origin = new_origin
        done_before = step["finished"][item]
    last = steps[-1]
    picks = {
        "answer, log-probability": (
            int(choose_final(last["scores"][item], last["lengths"][item])),
            "tab:red",
            0.07,
        ),
        f"answer, log-probability / length^{length_penalty:g}": (
            int(choose_final(last["scores"][item], last["lengths"][item], length_penalty)),
            "tab:blue",
            -0.07,
        ),
    }
    for slot, colour, shift in picks.values():
        node, path = origin[slot], []
        while node >= 0:
            path.append(nodes[node])
            node = parent_of[node]
        path.append(root)
        ax.plot(
            [x for x, _ in path],
            [v + shift for _, v in path],
            color=colour,
            lw=2.4,
            alpha=0.55,
            zorder=0,
        )
    ax.legend(
        [Line2D([], [], color=c, lw=2.2, alpha=0.55) for _, c, _ in picks.values()],
        list(picks),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncol=2,
    )
    ax.set_xlim(-0.6, dx * len(steps) + 0.6)
    ax.set_ylim(y(width - 1) - 0.6, 0.6)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


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
        correct: model label -> ``(n,)`` booleans, or scores in [0, 1].
        bins: increasing bin edges (see ``metrics.accuracy_by_length``).
        ax: where to draw.
        xlabel: the x axis' label.
        ylabel: the y axis' label.
        title: the axes' title.

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
    return _label(ax, xlabel, ylabel, title)
