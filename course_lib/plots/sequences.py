"""Figures of recurrent networks over time and of sequence data (notebooks 01 and 02).

The recurrent loop unrolled, gradient norms back through time, the shapes of sequence problems,
a padded batch and per-character tags. Each ``plot_*`` draws on ``ax`` (new when None).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from course_lib._args import int_in_range, positive_int
from course_lib.plots.base import SHAPE_COLOURS, WEIGHT_COLOURS, _arrow, _axes, _box, _link

__all__ = [
    "plot_unrolled_rnn",
    "plot_bptt",
    "plot_gradient_norms",
    "SEQUENCE_SHAPES",
    "plot_sequence_shapes",
    "plot_padded_batch",
    "plot_masking",
    "plot_generator_feedback",
    "plot_handover",
    "plot_char_tags",
]


def plot_unrolled_rnn(steps: int = 4, ax: Axes | None = None) -> Axes:
    """The recurrent loop folded (left) and unrolled over ``steps`` time steps (right).

    The same three weight matrices appear at every step, drawn in the same colour: unrolling
    copies the computation, not the parameters.

    Args:
        steps: how many time steps to draw (1 to 8).
        ax: where to draw.

    Raises:
        ValueError: for ``steps`` outside 1..8.
    """
    steps = int_in_range(steps, "steps", 1, 8)
    ax = _axes(ax, figsize=(2.0 + 1.5 * steps, 3.4))
    cx, cy, cz = WEIGHT_COLOURS["W_x"], WEIGHT_COLOURS["W_h"], WEIGHT_COLOURS["W_y"]
    # folded form
    _box(ax, (0, 0), "$x_t$", "#dde8f5")
    _box(ax, (0, 1.3), "$h_t$", "#f6dcdc")
    _box(ax, (0, 2.6), "$y_t$", "#dcefdc")
    _arrow(ax, (0, 0.3), (0, 1.0), "$W_x$", cx)
    _arrow(ax, (0, 1.6), (0, 2.3), "$W_y$", cz)
    ax.add_patch(
        FancyArrowPatch(
            (0.42, 1.2),
            (0.42, 1.4),
            arrowstyle="-|>",
            mutation_scale=12,
            color=cy,
            lw=1.8,
            connectionstyle="arc,angleA=0,angleB=0,armA=22,armB=22,rad=6",
        )
    )
    ax.text(0.85, 1.3, "$W_h$", color=cy, fontsize=9, va="center")
    ax.text(1.45, 1.3, "=", fontsize=18, va="center", ha="center")
    # unrolled form
    x0 = 3.0
    for t in range(steps):
        x = x0 + 1.5 * t
        _box(ax, (x, 0), f"$x_{{{t + 1}}}$", "#dde8f5")
        _box(ax, (x, 1.3), f"$h_{{{t + 1}}}$", "#f6dcdc")
        _box(ax, (x, 2.6), f"$y_{{{t + 1}}}$", "#dcefdc")
        _arrow(ax, (x, 0.3), (x, 1.0), "$W_x$", cx)
        _arrow(ax, (x, 1.6), (x, 2.3), "$W_y$", cz)
        prev = (x - 1.1, 1.3)
        if t == 0:
            prev = (x - 0.95, 1.3)
            ax.text(x - 1.15, 1.3, "$h_0$", ha="center", va="center", fontsize=10)
        _arrow(ax, prev, (x - 0.4, 1.3), "$W_h$", cy)
    ax.set_xlim(-0.8, x0 + 1.5 * steps - 0.5)
    ax.set_ylim(-0.5, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("one set of weights ($W_x$, $W_h$, $W_y$) reused at every time step")
    return ax


# the colour of gradients flowing backward in the BPTT figure (forward computation is grey)
_GRADIENT = "tab:red"
_FORWARD = "0.55"


def plot_bptt(steps: int = 5, truncate: int | None = None, ax: Axes | None = None) -> Axes:
    """Backpropagation through time: gradients flow back along the chain and add up in ``W_h``.

    Grey arrows are the forward pass (``x_t`` and ``h_{t-1}`` make ``h_t``, which gives the loss
    term ``l_t``); red arrows are gradients: from each loss term into its state, then back from
    state to state. Every step uses the same ``W_h``, so every step's contribution (the thin red
    arrows at the bottom) is summed into its one gradient. With ``truncate=k`` the sequence is
    cut into chunks of ``k`` steps: the state still crosses each cut going forward, but no
    gradient crosses it going back (truncated BPTT).

    Args:
        steps: time steps to draw (2 to 8).
        truncate: chunk length for truncated BPTT (1 to ``steps``), or None for full BPTT.
        ax: where to draw.

    Raises:
        ValueError: for ``steps`` outside 2..8 or ``truncate`` outside 1..steps.
    """
    steps = int_in_range(steps, "steps", 2, 8)
    if truncate is not None:
        truncate = int_in_range(truncate, "truncate", 1, steps)
    ax = _axes(ax, figsize=(1.2 + 1.5 * steps, 4.4))
    xs = [1.5 * t for t in range(steps)]
    cuts = {t for t in range(1, steps) if truncate is not None and t % truncate == 0}
    for t, x in enumerate(xs):
        _box(ax, (x, 0), f"$x_{{{t + 1}}}$", "#dde8f5")
        _box(ax, (x, 1.3), f"$h_{{{t + 1}}}$", "#f6dcdc")
        _box(ax, (x, 2.6), f"$\\ell_{{{t + 1}}}$", "#f3ecd6")
        _arrow(ax, (x - 0.1, 0.3), (x - 0.1, 1.0), "", _FORWARD)
        _arrow(ax, (x - 0.1, 1.6), (x - 0.1, 2.3), "", _FORWARD)
        grad = FancyArrowPatch(
            (x + 0.1, 2.3),
            (x + 0.1, 1.6),
            arrowstyle="-|>",
            mutation_scale=11,
            color=_GRADIENT,
            lw=1.4,
            gid="gradient",
        )
        ax.add_patch(grad)
        if t == 0:
            ax.text(x - 1.1, 1.3, "$h_0$", ha="center", va="center", fontsize=10)
            _arrow(ax, (x - 0.95, 1.3), (x - 0.4, 1.3), "", _FORWARD)
        else:
            _arrow(ax, (x - 1.1, 1.38), (x - 0.4, 1.38), "", _FORWARD)
            if t not in cuts:  # the gradient goes back from h_t to h_(t-1)
                ax.add_patch(
                    FancyArrowPatch(
                        (x - 0.4, 1.2),
                        (x - 1.1, 1.2),
                        arrowstyle="-|>",
                        mutation_scale=11,
                        color=_GRADIENT,
                        lw=1.4,
                        gid="gradient",
                    )
                )
            else:
                cut_x = x - 0.75
                ax.plot([cut_x, cut_x], [-0.45, 3.0], ls=":", color="black", lw=1.2)
                ax.text(cut_x, 3.05, "cut", ha="center", va="bottom", fontsize=8)
        # this step's share of dL/dW_h, h_(t-1)^T delta_t, sits on the W_h arrow into h_t and
        # is added into the one gradient below
        ax.add_patch(
            FancyArrowPatch(
                (x - 0.75, 1.1),
                (x - 0.75, -0.97),
                arrowstyle="-|>",
                mutation_scale=8,
                color=_GRADIENT,
                lw=0.8,
                alpha=0.7,
                gid="contribution",
            )
        )
    left, right = xs[0] - 1.1, xs[-1] + 0.35
    _box(
        ax,
        ((left + right) / 2, -1.2),
        r"$\partial L/\partial W_h = \sum_t h_{t-1}^{\top}\,\delta_t$: "
        "one matrix, every step adds to it",
        "#fbe9e9",
        size=(right - left, 0.45),
        fontsize=9,
    )
    ax.set_xlim(-1.4, xs[-1] + 0.6)
    ax.set_ylim(-1.6, 3.3)
    ax.set_aspect("equal")
    ax.axis("off")
    title = (
        "full BPTT: gradients flow back to the first step"
        if truncate is None
        else f"truncated BPTT, chunks of {truncate}: no gradient crosses a cut"
    )
    ax.set_title(title)
    return ax


def plot_gradient_norms(
    curves: Mapping[str, np.ndarray], ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Gradient norm of the last state with respect to each earlier input, against the lag.

    Args:
        curves: label -> norms indexed by lag (as returned by
            ``gradients.bptt_gradient_norms``).
        ax: where to draw (log scale on y).
        title: the axes' title.
    """
    ax = _axes(ax)
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=np.float64)
        # a norm that underflowed to exactly 0 cannot sit on a log axis: the line stops there
        ax.plot(np.arange(len(norms)), np.where(norms > 0, norms, np.nan), label=label)
    ax.set_yscale("log")
    ax.set_xlabel("lag $T - t$ (steps back from the last input)")
    ax.set_ylabel(r"$\|\partial h_T / \partial x_t\|$")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


SEQUENCE_SHAPES = (
    ("one-to-one", "letter counts\n→ language", 1, (0,), (0,)),
    ("one-to-many", "language\n→ a surname", 3, (0,), (0, 1, 2)),
    ("many-to-one", "surname\n→ language", 3, (0, 1, 2), (2,)),
    ("many-to-many, aligned", "text → one tag\nper character", 3, (0, 1, 2), (0, 1, 2)),
    (
        "many-to-many, unaligned",
        "a date → ISO form\n(encoder, then decoder)",
        6,
        (0, 1, 2),
        (3, 4, 5),
    ),
)


def plot_sequence_shapes(ax: Axes | None = None) -> Axes:
    """The five shapes of sequence problems side by side, as unrolled RNNs.

    Blue boxes are inputs, red boxes hidden states (one per step, left to right) and green
    boxes outputs. Below each shape: its name and this course's example of it.

    Args:
        ax: where to draw (a wide figure when None).

    Returns:
        The axes.
    """
    ax = _axes(ax, figsize=(14, 3.4))
    step, gap, x0 = 0.75, 1.1, 0.0
    for title, example, steps, inputs, outputs in SEQUENCE_SHAPES:
        xs = [x0 + step * t for t in range(steps)]
        for t, x in enumerate(xs):
            _box(ax, (x, 1.0), "h", SHAPE_COLOURS["state"], size=(0.5, 0.42), fontsize=8)
            if t in inputs:
                _box(ax, (x, 0.0), "x", SHAPE_COLOURS["input"], size=(0.5, 0.42), fontsize=8)
                _link(ax, (x, 0.21), (x, 0.79))
            if t in outputs:
                _box(ax, (x, 2.0), "y", SHAPE_COLOURS["output"], size=(0.5, 0.42), fontsize=8)
                _link(ax, (x, 1.21), (x, 1.79))
            if t:
                _link(ax, (x - step + 0.25, 1.0), (x - 0.25, 1.0))
        centre = (xs[0] + xs[-1]) / 2
        ax.text(centre, -0.55, title, ha="center", va="top", fontsize=10, weight="bold")
        ax.text(centre, -0.95, example, ha="center", va="top", fontsize=8.5)
        x0 = xs[-1] + step + gap
    ax.set_xlim(-0.5, x0 - gap - step + 0.5)
    ax.set_ylim(-1.75, 2.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_padded_batch(
    ids: np.ndarray, tokens: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """A padded batch of id sequences as a grid: real steps coloured, padding (id 0) grey.

    Args:
        ids: int array ``(batch, time)`` with 0 as padding.
        tokens: the vocabulary (``tokens[i]`` is id ``i``'s text) to write in each cell; ids
            are written when None.
        ax: where to draw.

    Returns:
        The axes.

    Raises:
        ValueError: if ``ids`` is not 2-D or holds an id outside ``tokens``.
    """
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"ids must have shape (batch, time); got {ids.shape}.")
    if tokens is not None and ids.size and not 0 <= ids.min() <= ids.max() < len(tokens):
        raise ValueError(f"ids must lie in [0, {len(tokens)}) to be written as tokens.")
    batch, time = ids.shape
    ax = _axes(ax, figsize=(max(4.0, 0.42 * time + 1.5), 0.42 * batch + 1.0))
    real = (ids != 0).astype(float)
    ax.imshow(
        real,
        cmap=mpl.colors.ListedColormap(["0.85", SHAPE_COLOURS["input"]]),
        vmin=0,
        vmax=1,
        aspect="equal",
    )
    for (row, col), value in np.ndenumerate(ids):
        label = "·" if value == 0 else (tokens[value] if tokens is not None else str(value))
        ax.text(col, row, label, ha="center", va="center", fontsize=10)
    ax.set_xticks(range(time))
    ax.set_yticks(range(batch))
    ax.set_xlabel("time step")
    ax.set_ylabel("sequence")
    ax.grid(False)
    ax.set_title("a padded batch: grey steps are padding (id 0), masked out", fontsize=10)
    return ax


def plot_char_tags(
    text: str,
    rows: Mapping[str, np.ndarray],
    ax: Axes | None = None,
    title: str | None = None,
    width: int | None = None,
) -> Axes:
    """Characters in a line, with one row of coloured cells per tagging (tag 1 coloured).

    Args:
        text: the characters, ``(time,)``; newlines are drawn as ``↵``.
        rows: label -> 0/1 tags of shape ``(time,)``, e.g. truth and each model's prediction.
        ax: where to draw.
        title: the axes' title.
        width: characters per line; longer text is wrapped into blocks of rows (no wrap when
            None).

    Returns:
        The axes.

    Raises:
        ValueError: if a row's length differs from the text's, or ``width`` is not positive.
    """
    for label, tags in rows.items():
        if len(tags) != len(text):
            raise ValueError(f"{label!r} has {len(tags)} tags for {len(text)} characters.")
    if width is None:
        width = max(len(text), 1)
    width = positive_int(width, "width", allow_none=True)
    n_rows, n_blocks = len(rows), max(1, -(-len(text) // width))
    height = n_blocks * (n_rows + 1) - 1  # a blank row between blocks
    grid = np.full((height, width), np.nan)
    tags = np.array([np.asarray(t, dtype=float) for t in rows.values()]).reshape(n_rows, len(text))
    labels_at, labels = [], []
    for block in range(n_blocks):
        chunk = slice(block * width, (block + 1) * width)
        top = block * (n_rows + 1)
        piece = tags[:, chunk]
        grid[top : top + n_rows, : piece.shape[1]] = piece
        for row, label in enumerate(rows):
            labels_at.append(top + row)
            labels.append(label)
    ax = _axes(ax, figsize=(max(6.0, 0.16 * width + 1.5), 0.4 * height + 0.9))
    cmap = mpl.colors.ListedColormap(["white", "#f3b6a6"]).with_extremes(bad="white")
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for block in range(n_blocks):
        top = block * (n_rows + 1)
        for col, char in enumerate(text[block * width : (block + 1) * width]):
            shown = "↵" if char == "\n" else char
            for row in range(n_rows):
                ax.text(
                    col, top + row, shown, ha="center", va="center", fontsize=8, family="monospace"
                )
    ax.set_yticks(labels_at, labels)
    ax.set_xticks([])
    ax.grid(False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _chain(ax: Axes, y: float, n: int, x0: float, label: str, colour: str, gid: str) -> list[float]:
    """``n`` state boxes in a row at height ``y``, linked left to right; their x positions."""
    xs = [x0 + 1.3 * t for t in range(n)]
    for t, x in enumerate(xs):
        _box(ax, (x, y), f"${label}_{{{t + 1}}}$", SHAPE_COLOURS["state"], size=(0.7, 0.45))
        if t:
            ax.add_patch(
                FancyArrowPatch(
                    (xs[t - 1] + 0.35, y),
                    (x - 0.35, y),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color=colour,
                    lw=1.4,
                    gid=gid,
                )
            )
    return xs


def plot_masking(
    tokens: Sequence[str] = ("N", "o", "w", "a", "k"), pads: int = 3, ax: Axes | None = None
) -> Axes:
    """What a mask changes: the state is carried unchanged over padded steps.

    Top, no mask: the RNN updates its state at every step, padding included, so the state it
    hands on is ``h`` after the last pad. Bottom, masked: on a padded step the layer copies the
    state forward, so the final state is the state after the last real token.

    Args:
        tokens: the real tokens (1 to 10).
        pads: padded steps after them (1 to 6).
        ax: where to draw.

    Raises:
        ValueError: for no tokens, more than 10, or ``pads`` outside 1..6.
    """
    tokens = [str(t) for t in tokens]
    if not 1 <= len(tokens) <= 10:
        raise ValueError(f"tokens must hold 1 to 10 tokens; got {len(tokens)}.")
    pads = int_in_range(pads, "pads", 1, 6)
    n, real = len(tokens) + pads, len(tokens)
    ax = _axes(ax, figsize=(1.6 + 1.3 * n, 4.2))
    update, carry = SHAPE_COLOURS["state"], "0.45"
    for y, masked, title in ((2.6, False, "no mask"), (0.0, True, "masked")):
        ax.text(-1.0, y + 0.6, title, ha="left", fontsize=10, weight="bold")
        for t in range(n):
            x = 1.3 * t
            pad = t >= real
            _box(
                ax,
                (x, y - 0.9),
                "0" if pad else tokens[t],
                "0.9" if pad else "#dde8f5",
                size=(0.5, 0.4),
            )
            copied = masked and pad
            label = f"$h_{{{real}}}$" if copied else f"$h_{{{t + 1}}}$"
            _box(ax, (x, y), label, "white" if copied else update, size=(0.7, 0.45))
            if not copied:
                ax.add_patch(
                    FancyArrowPatch(
                        (x, y - 0.7),
                        (x, y - 0.23),
                        arrowstyle="-|>",
                        mutation_scale=9,
                        color="0.3",
                        lw=1.0,
                    )
                )
            if t:
                ax.add_patch(
                    FancyArrowPatch(
                        (x - 0.95, y),
                        (x - 0.35, y),
                        arrowstyle="-|>",
                        mutation_scale=10,
                        color=carry if copied else "tab:red",
                        lw=1.4,
                        linestyle="--" if copied else "-",
                        gid="carried" if copied else "updated",
                    )
                )
        ax.text(1.3 * (n - 1) + 0.55, y, "→ final state", va="center", fontsize=9)
    ax.set_xlim(-1.1, 1.3 * (n - 1) + 2.2)
    ax.set_ylim(-1.3, 3.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Padding with and without a mask: masked steps copy the state forward")
    return ax


def _step_io(ax: Axes, x: float, token_in: str, token_out: str, width: float) -> None:
    """One decoder step's input box below its state and output box above, with both links."""
    _box(ax, (x, 0.0), token_in, SHAPE_COLOURS["input"], size=(width, 0.4), fontsize=8)
    _box(ax, (x, 2.4), token_out, SHAPE_COLOURS["output"], size=(width, 0.4), fontsize=8)
    _link(ax, (x, 0.2), (x, 0.97))
    _link(ax, (x, 1.43), (x, 2.2))


def plot_generator_feedback(
    tokens: Sequence[str] = ("N", "o", "w", "a", "k"),
    condition: str = "Polish",
    ax: Axes | None = None,
) -> Axes:
    """One-to-many: one input sets the initial state, and each output is fed back as the next input.

    Args:
        tokens: the generated tokens (1 to 10); ``<end>`` is added after them.
        condition: the single input (a label), drawn into the initial state.
        ax: where to draw.

    Raises:
        ValueError: for no tokens or more than 10.
    """
    tokens = [str(t) for t in tokens]
    if not 1 <= len(tokens) <= 10:
        raise ValueError(f"tokens must hold 1 to 10 tokens; got {len(tokens)}.")
    outputs = [*tokens, "<end>"]
    inputs = ["<start>", *tokens]
    n = len(outputs)
    ax = _axes(ax, figsize=(2.4 + 1.3 * n, 3.8))
    xs = _chain(ax, 1.2, n, 0.0, "h", "tab:red", "state")
    _box(ax, (-1.6, 1.2), condition, SHAPE_COLOURS["input"], size=(1.0, 0.45), fontsize=9)
    ax.add_patch(
        FancyArrowPatch(
            (-1.1, 1.2),
            (-0.35, 1.2),
            arrowstyle="-|>",
            mutation_scale=10,
            color="tab:purple",
            lw=1.6,
        )
    )
    ax.text(-0.72, 1.45, "$h_0$", ha="center", fontsize=9, color="tab:purple")
    for t, x in enumerate(xs):
        _step_io(ax, x, inputs[t], outputs[t], width=0.75)
        if t + 1 < n:  # the output of step t is the input of step t + 1
            ax.add_patch(
                FancyArrowPatch(
                    (x + 0.38, 2.4),
                    (xs[t + 1] - 0.1, 0.2),
                    arrowstyle="-|>",
                    mutation_scale=9,
                    color="tab:orange",
                    lw=1.1,
                    linestyle="--",
                    connectionstyle="arc3,rad=-0.25",
                    gid="feedback",
                )
            )
    ax.set_xlim(-2.3, xs[-1] + 0.6)
    ax.set_ylim(-0.4, 2.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        f"One-to-many: '{condition}' sets $h_0$; each output is fed back as the next input"
    )
    return ax


def plot_handover(
    source: Sequence[str] = ("5", "0", "7"),
    target: Sequence[str] = ("five", "hundred", "and", "seven"),
    ax: Axes | None = None,
) -> Axes:
    """Many-to-many, unaligned: the encoder's final state becomes the decoder's initial state.

    The encoder reads the source into states ``h_1 .. h_S`` and keeps only ``h_S``
    (``return_state=True``); the decoder starts from it (``initial_state=``), reads the target
    shifted right behind ``<start>``, and writes the target followed by ``<end>``.

    Args:
        source: the input tokens (1 to 8).
        target: the output tokens (1 to 8); ``<end>`` is added.
        ax: where to draw.

    Raises:
        ValueError: for a source or target of no tokens or more than 8.
    """
    source, target = [str(t) for t in source], [str(t) for t in target]
    for name, seq in (("source", source), ("target", target)):
        if not 1 <= len(seq) <= 8:
            raise ValueError(f"{name} must hold 1 to 8 tokens; got {len(seq)}.")
    outputs, inputs = [*target, "<end>"], ["<start>", *target]
    ax = _axes(ax, figsize=(2.0 + 1.3 * (len(source) + len(outputs)), 3.8))
    enc = _chain(ax, 1.2, len(source), 0.0, "h", "tab:blue", "encoder")
    for x, token in zip(enc, source):
        _box(ax, (x, 0.0), token, SHAPE_COLOURS["input"], size=(0.6, 0.4), fontsize=9)
        ax.add_patch(
            FancyArrowPatch(
                (x, 0.2), (x, 0.97), arrowstyle="-|>", mutation_scale=9, color="0.3", lw=1.0
            )
        )
    x0 = enc[-1] + 2.2
    dec = _chain(ax, 1.2, len(outputs), x0, "s", "tab:red", "decoder")
    ax.add_patch(
        FancyArrowPatch(
            (enc[-1] + 0.35, 1.2),
            (dec[0] - 0.35, 1.2),
            arrowstyle="-|>",
            mutation_scale=13,
            color="tab:purple",
            lw=2.4,
            gid="handover",
        )
    )
    ax.text(
        (enc[-1] + dec[0]) / 2,
        1.5,
        "final state\n= initial state",
        ha="center",
        va="bottom",
        fontsize=8,
        color="tab:purple",
    )
    for t, x in enumerate(dec):
        _step_io(ax, x, inputs[t], outputs[t], width=0.8)
    ax.text(enc[len(enc) // 2], -0.55, "encoder (outputs unused)", ha="center", fontsize=9)
    ax.text(
        dec[len(dec) // 2], -0.55, "decoder (teacher forcing in training)", ha="center", fontsize=9
    )
    ax.set_xlim(-0.6, dec[-1] + 0.6)
    ax.set_ylim(-0.8, 2.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        "Many-to-many, unaligned: everything the encoder read reaches the decoder as one state"
    )
    return ax
