"""Cell diagrams: schematics of the LSTM, GRU and ConvLSTM cells, and a hand-set-gate toy.

The schematics are drawn, not computed: boxes are layers with weights (a gate's affine map and
its activation), circles are element-wise operations (``×``, ``+``, ``1−``, ``tanh``), and the
thick line on top is the state that runs from one step to the next. The gate toy is computed:
``gate_toy_trace`` runs one LSTM memory cell whose gates are set by hand, and
``plot_gate_toy`` shows what it does over time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.path import Path

from course_lib.plots.base import _axes, _box

__all__ = [
    "GATE_COLOURS",
    "GateToyTrace",
    "gate_toy_trace",
    "plot_lstm_cell",
    "plot_unrolled_lstm",
    "plot_gru_cell",
    "plot_lstm_to_gru",
    "plot_reset_placement",
    "plot_convlstm_cell",
    "plot_gate_toy",
]

# One colour per gate, shared by every diagram and by the toy's curves: the fill of a gate's box
# (light) and the colour of its line (dark).
GATE_COLOURS = {
    "forget": ("#f6dcdc", "tab:red"),
    "input": ("#dde8f5", "tab:blue"),
    "candidate": ("#dcefdc", "tab:green"),
    "output": ("#fbe6c8", "tab:orange"),
    "update": ("#f6dcdc", "tab:red"),
    "reset": ("#e8def3", "tab:purple"),
}
_WIRE = "0.25"  # colour of the wires
_STATE = "0.15"  # colour of the state line on top
_NODE_R = 0.27  # radius of an element-wise operation's circle


# ---------------------------------------------------------------------------------------------
# Drawing helpers


def _wire(
    ax: Axes,
    points: Sequence[tuple[float, float]],
    arrow: bool = True,
    colour: str = _WIRE,
    lw: float = 1.5,
    linestyle: str = "-",
) -> None:
    """A polyline through ``points``, with an arrow head at the last point when ``arrow``."""
    path = Path(np.asarray(points, dtype=float))
    ax.add_patch(
        FancyArrowPatch(
            path=path,
            arrowstyle="-|>" if arrow else "-",
            mutation_scale=11,
            color=colour,
            lw=lw,
            linestyle=linestyle,
            shrinkA=0,
            shrinkB=0,
            joinstyle="miter",
            capstyle="butt",
        )
    )


def _state_line(ax: Axes, x0: float, x1: float, y: float, arrow: bool = False) -> None:
    """A segment of the thick state line (the cell state of an LSTM, the state of a GRU)."""
    _wire(ax, [(x0, y), (x1, y)], arrow=arrow, colour=_STATE, lw=3.0)


def _node(ax: Axes, xy: tuple[float, float], text: str, r: float = _NODE_R) -> None:
    """A circle for an element-wise operation, e.g. ``×``, ``+`` or ``tanh``."""
    ax.add_patch(Circle(xy, r, facecolor="white", edgecolor="black", lw=1.2, zorder=3))
    size = 13 if len(text) == 1 else 8.5
    ax.text(*xy, text, ha="center", va="center", fontsize=size, zorder=4)


def _dot(ax: Axes, xy: tuple[float, float]) -> None:
    """A junction: the wire is copied to two places."""
    ax.add_patch(Circle(xy, 0.06, facecolor=_WIRE, edgecolor=_WIRE, zorder=3))


def _label(ax: Axes, xy: tuple[float, float], text: str, **kwargs: Any) -> None:
    kwargs.setdefault("fontsize", 10)
    kwargs.setdefault("ha", "center")
    kwargs.setdefault("va", "center")
    ax.text(*xy, text, **kwargs)


def _gate(ax: Axes, xy: tuple[float, float], name: str, activation: str) -> None:
    """A gate's layer: its name over its activation, in the gate's colour."""
    _box(ax, xy, f"{name}\n{activation}", GATE_COLOURS[name][0], size=(1.3, 0.78), fontsize=9)


def _cell_frame(ax: Axes, x0: float, y0: float, x1: float, y1: float) -> None:
    """The light background that marks what belongs to one cell (one time step)."""
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            boxstyle="round,pad=0.1",
            facecolor="0.96",
            edgecolor="0.6",
            lw=1.0,
            zorder=0,
        )
    )


def _finish(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float], title: str) -> Axes:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------------------------
# LSTM


def plot_lstm_cell(ax: Axes | None = None) -> Axes:
    """Schematic of one LSTM step (the cell with a forget gate, in Keras' notation).

    The cell state runs along the top and is changed only by an element-wise ``×`` (the forget
    gate) and ``+`` (the gated candidate): ``c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t``. Below it, the
    four layers read the previous hidden state and the input; on the right the output gate lets
    part of ``tanh(c_t)`` out as ``h_t = o_t ⊙ tanh(c_t)``.

    Args:
        ax: where to draw (a new figure when None).

    Returns:
        The axes.
    """
    ax = _axes(ax, figsize=(8.0, 4.6))
    top, gates, bus = 5.3, 2.55, 0.95
    xf, xi, xg, xo, xout = 2.6, 4.15, 5.7, 7.35, 9.1
    r = _NODE_R
    _cell_frame(ax, 1.05, 0.35, 10.0, 5.95)

    # the cell state: c_{t-1} -> × f -> + i*g -> c_t
    _label(ax, (0.25, top), "$c_{t-1}$", fontsize=11)
    _state_line(ax, 0.65, xf - r, top)
    _state_line(ax, xf + r, xg - r, top)
    _state_line(ax, xg + r, 11.35, top, arrow=True)
    _label(ax, (11.85, top), "$c_t$", fontsize=11)
    _node(ax, (xf, top), "×")
    _node(ax, (xg, top), "+")
    _label(ax, (7.6, top + 0.32), "cell state: only × and +", fontsize=9, style="italic")

    # previous hidden state and input, copied to the four layers
    _label(ax, (0.25, bus), "$h_{t-1}$", fontsize=11)
    _label(ax, (1.75, -0.55), "$x_t$", fontsize=11)
    _wire(ax, [(0.65, bus), (xo, bus)], arrow=False)
    _wire(ax, [(1.75, -0.3), (1.75, bus)], arrow=False)
    _dot(ax, (1.75, bus))
    for x in (xf, xi, xg, xo):
        _dot(ax, (x, bus))
        _wire(ax, [(x, bus), (x, gates - 0.43)])
    for x, name, activation in [
        (xf, "forget", r"$\sigma$"),
        (xi, "input", r"$\sigma$"),
        (xg, "candidate", r"$\tanh$"),
        (xo, "output", r"$\sigma$"),
    ]:
        _gate(ax, (x, gates), name, activation)

    # forget gate onto the state; input gate times candidate, added to the state
    _wire(ax, [(xf, gates + 0.43), (xf, top - r)])
    _label(ax, (xf + 0.12, 4.0), "$f_t$", ha="left")
    xm, ym = xg, 4.05
    _wire(ax, [(xi, gates + 0.43), (xi, ym), (xm - r, ym)])
    _label(ax, (xi - 0.12, 3.5), "$i_t$", ha="right")
    _wire(ax, [(xg, gates + 0.43), (xg, ym - r)])
    _label(ax, (xg + 0.12, 3.35), "$g_t$", ha="left")
    _node(ax, (xm, ym), "×")
    _wire(ax, [(xm, ym + r), (xg, top - r)])

    # output: o_t ⊙ tanh(c_t)
    _dot(ax, (xout, top))
    yt = 4.05
    _wire(ax, [(xout, top), (xout, yt + 0.33)])
    _node(ax, (xout, yt), "tanh", r=0.33)
    _wire(ax, [(xout, yt - 0.33), (xout, gates + r)])
    _node(ax, (xout, gates), "×")
    _wire(ax, [(xo + 0.69, gates), (xout - r, gates)])
    _label(ax, ((xo + xout) / 2 + 0.2, gates + 0.25), "$o_t$")
    _wire(ax, [(xout, gates - r), (xout, bus), (11.35, bus)])
    _label(ax, (11.85, bus), "$h_t$", fontsize=11)
    _label(
        ax,
        (5.5, -0.6),
        r"boxes: $\sigma$ or $\tanh$ of $x_t W + h_{t-1} U + b$ (one block each)"
        "\ncircles: element-wise operations",
        fontsize=8.5,
        color="0.3",
    )
    return _finish(
        ax,
        (-0.2, 12.3),
        (-1.1, 6.25),
        r"LSTM cell: $c_t = f_t \odot c_{t-1} + i_t \odot g_t$,  $h_t = o_t \odot \tanh(c_t)$",
    )


def plot_unrolled_lstm(steps: int = 4, ax: Axes | None = None) -> Axes:
    """An LSTM unrolled over ``steps`` steps, with the cell-state path from the first to the last.

    Each step is one box of gates (reading ``x_t`` and ``h_{t-1}``) under the cell-state line.
    Along that line the state meets only a ``×`` by the forget gate and a ``+`` of the gated
    candidate, so the derivative of ``c_T`` with respect to ``c_0`` along it is the product of the
    forget gates, drawn in red: no weight matrix and no ``tanh'`` on the way, unlike the hidden
    state's path of a SimpleRNN.

    Args:
        steps: time steps to draw (2 to 6).
        ax: where to draw.

    Raises:
        ValueError: for ``steps`` outside 2..6.
    """
    steps = _step_index(steps, "steps", 2, 7)
    width = 3.2
    ax = _axes(ax, figsize=(1.8 + 2.3 * steps, 4.2))
    top, gates, bus, r = 3.2, 1.55, 0.45, _NODE_R
    path_colour = GATE_COLOURS["forget"][1]
    _label(ax, (-0.75, top), "$c_0$", fontsize=11)
    _label(ax, (-0.75, bus), "$h_0$", fontsize=11)
    for t in range(steps):
        x0 = width * t
        xf, xa, xo = x0 + 0.75, x0 + 1.75, x0 + 2.55
        _cell_frame(ax, x0 + 0.15, -0.05, x0 + width - 0.15, top + 0.45)
        # the cell state: x f_t, + i_t g_t; the red overlay is the path the gradient can take
        start = -0.4 if t == 0 else x0 - 0.15
        _state_line(ax, start, xf - r, top)
        _state_line(ax, xf + r, xa - r, top)
        _wire(ax, [(start, top), (xf - r, top)], arrow=False, colour=path_colour, lw=1.4)
        _wire(ax, [(xf + r, top), (xa - r, top)], arrow=False, colour=path_colour, lw=1.4)
        last = t == steps - 1
        stop = width * steps + 0.2 if last else width * (t + 1) - 0.15
        _state_line(ax, xa + r, stop, top, arrow=last)
        _wire(
            ax,
            [(xa + r, top), (stop - (0.25 if last else 0), top)],
            arrow=False,
            colour=path_colour,
            lw=1.4,
        )
        _node(ax, (xf, top), "×")
        ax.patches[-1].set_gid("forget")
        _node(ax, (xa, top), "+")
        # the gates read x_t and h_(t-1)
        _box(ax, (x0 + 1.5, gates), "gates\n$f, i, g, o$", "0.93", size=(1.5, 0.7), fontsize=9)
        _wire(ax, [(xf, gates + 0.35), (xf, top - r)])
        _label(ax, (xf - 0.1, (gates + top) / 2), f"$f_{{{t + 1}}}$", ha="right", fontsize=9)
        _wire(ax, [(xa, gates + 0.35), (xa, top - r)])
        _label(ax, (xa + 0.1, (gates + top) / 2), "$i \\odot g$", ha="left", fontsize=8)
        _wire(ax, [(x0 + 1.5, -0.55), (x0 + 1.5, gates - 0.35)])
        _label(ax, (x0 + 1.5, -0.8), f"$x_{{{t + 1}}}$", fontsize=10)
        _wire(ax, [(start, bus), (x0 + 0.75, bus), (x0 + 0.75, gates - 0.35)])
        # h_t = o_t * tanh(c_t), handed to the next step
        _dot(ax, (xo, top))
        _wire(ax, [(xo, top), (xo, gates - 0.35), (xo, bus), (x0 + width - 0.15, bus)])
        _label(ax, (xo + 0.08, (gates + top) / 2), "$o\\,\\tanh$", ha="left", fontsize=8)
        _label(ax, (x0 + width - 0.35, bus + 0.22), f"$h_{{{t + 1}}}$", fontsize=9)
    end = width * steps
    _label(ax, (end + 0.55, top), f"$c_{{{steps}}}$", fontsize=11)
    _label(
        ax,
        (end / 2, top + 0.85),
        f"along the red path: $\\partial c_{{{steps}}}/\\partial c_0 = "
        + " \\odot ".join(f"f_{{{t + 1}}}" for t in range(steps))
        + "$, no weight matrix, no $\\tanh'$",
        fontsize=10,
        color=path_colour,
    )
    return _finish(
        ax,
        (-1.1, end + 0.9),
        (-1.1, top + 1.2),
        "LSTM unrolled: the cell state is a path of × and + only",
    )


# ---------------------------------------------------------------------------------------------
# GRU


def plot_gru_cell(ax: Axes | None = None) -> Axes:
    """Schematic of one GRU step in Keras' convention and default form (``reset_after=True``).

    One state runs along the top. The update gate ``z_t`` keeps that share of the old state
    (``z_t ⊙ h_{t-1}``) and lets the rest come from the candidate (``(1 − z_t) ⊙ h̃_t``); the reset
    gate ``r_t`` scales only what the candidate reads from the past, ``h_{t-1} U_h + b'_h``.

    Args:
        ax: where to draw (a new figure when None).

    Returns:
        The axes.
    """
    ax = _axes(ax, figsize=(8.0, 4.6))
    top, gates, bus, mix = 5.3, 2.55, 0.95, 4.05
    xz, xr, xreset, xc, xone = 2.6, 4.15, 5.75, 7.35, 5.0
    r = _NODE_R
    _cell_frame(ax, 1.05, 0.35, 9.3, 5.95)

    # the state: h_{t-1} -> × z -> + (1 - z) * candidate -> h_t
    _label(ax, (0.25, top), "$h_{t-1}$", fontsize=11)
    _state_line(ax, 0.65, xz - r, top)
    _state_line(ax, xz + r, xc - r, top)
    _state_line(ax, xc + r, 10.85, top, arrow=True)
    _label(ax, (11.35, top), "$h_t$", fontsize=11)
    _node(ax, (xz, top), "×")
    _node(ax, (xc, top), "+")
    _label(ax, (4.95, top + 0.32), "one state: memory and output", fontsize=9, style="italic")

    # the old state and the input, copied to the layers
    _dot(ax, (1.35, top))
    _wire(ax, [(1.35, top), (1.35, bus), (xc, bus)], arrow=False)
    _label(ax, (1.75, -0.55), "$x_t$", fontsize=11)
    _wire(ax, [(1.75, -0.3), (1.75, bus)], arrow=False)
    _dot(ax, (1.75, bus))
    for x, top_of in [(xz, gates), (xr, gates), (xreset, gates - r + 0.43), (xc, gates)]:
        _dot(ax, (x, bus))
        _wire(ax, [(x, bus), (x, top_of - 0.43)])
    _gate(ax, (xz, gates), "update", r"$\sigma$")
    _gate(ax, (xr, gates), "reset", r"$\sigma$")
    _gate(ax, (xc, gates), "candidate", r"$\tanh$")
    _label(ax, (xreset + 0.1, 1.55), "$h_{t-1}U_h{+}b'_h$", fontsize=8, ha="left")
    _label(ax, (xc + 0.1, 1.55), "$x_tW_h{+}b_h$", fontsize=8, ha="left")

    # reset after: r_t scales the recurrent part of the candidate
    _wire(ax, [(xr + 0.65, gates), (xreset - r, gates)])
    _label(ax, ((xr + 0.65 + xreset - r) / 2, gates + 0.25), "$r_t$")
    _node(ax, (xreset, gates), "×")
    _wire(ax, [(xreset + r, gates), (xc - 0.65, gates)])

    # update gate: z_t keeps the old state, 1 - z_t lets the candidate in
    _wire(ax, [(xz, gates + 0.43), (xz, top - r)])
    _label(ax, (xz - 0.12, 3.4), "$z_t$", ha="right")
    _dot(ax, (xz, mix))
    _wire(ax, [(xz, mix), (xone - 0.33, mix)])
    _node(ax, (xone, mix), "1−", r=0.33)
    _wire(ax, [(xone + 0.33, mix), (xc - r, mix)])
    _label(ax, ((xone + xc) / 2 + 0.1, mix + 0.25), "$1-z_t$")
    _wire(ax, [(xc, gates + 0.43), (xc, mix - r)])
    _label(ax, (xc + 0.12, 3.35), r"$\tilde h_t$", ha="left")
    _node(ax, (xc, mix), "×")
    _wire(ax, [(xc, mix + r), (xc, top - r)])
    _label(
        ax,
        (6.2, -0.6),
        r"$z_t$ near 1 keeps the old state (Keras, PyTorch, Cho et al.);"
        "\nsome papers swap $z_t$ and $1-z_t$",
        fontsize=8.5,
        color="0.3",
    )
    return _finish(
        ax,
        (-0.2, 11.8),
        (-1.1, 6.25),
        r"GRU cell: $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$",
    )


# the LSTM's parts and what each becomes in the GRU (Keras' convention: z keeps the old state)
LSTM_TO_GRU = (
    (
        "forget gate $f_t$\nkeeps part of $c_{t-1}$",
        "update gate $z_t$\nkeeps part of $h_{t-1}$",
        "same job",
        "forget",
    ),
    (
        "input gate $i_t$\nwrites part of $g_t$",
        "$1 - z_t$\nwrites part of $\\tilde h_t$",
        "tied: write what is not kept",
        "input",
    ),
    (
        "output gate $o_t$\nshows part of $\\tanh(c_t)$",
        "(none)\n$h_t$ is shown whole",
        "dropped",
        "output",
    ),
    ("cell state $c_t$ and\nhidden state $h_t$", "one state $h_t$", "merged", None),
    ("(none)", "reset gate $r_t$\nhow much of $h_{t-1}$ the\ncandidate reads", "new", "reset"),
)


def plot_lstm_to_gru(ax: Axes | None = None) -> Axes:
    """What each part of the LSTM becomes in the GRU: one row per part, LSTM left, GRU right.

    The forget gate becomes the update gate ``z_t`` (in Keras' convention, the share of the old
    state kept); the input gate is tied to it as ``1 - z_t``; the output gate is dropped; cell
    and hidden state merge into one ``h_t``; the reset gate ``r_t`` is new.

    Args:
        ax: where to draw.
    """
    ax = _axes(ax, figsize=(9.0, 5.6))
    rows = len(LSTM_TO_GRU)
    _label(ax, (1.6, rows + 0.1), "LSTM", fontsize=12, weight="bold")
    _label(ax, (7.4, rows + 0.1), "GRU", fontsize=12, weight="bold")
    for k, (lstm, gru, change, gate) in enumerate(LSTM_TO_GRU):
        y = rows - 1 - k + 0.3
        fill = GATE_COLOURS[gate][0] if gate in GATE_COLOURS else "0.93"
        left_fill = "white" if lstm == "(none)" else fill
        right_fill = "white" if gru.startswith("(none)") else fill
        _box(ax, (1.6, y), lstm, left_fill, size=(2.9, 0.78), fontsize=9)
        _box(ax, (7.4, y), gru, right_fill, size=(2.9, 0.78), fontsize=9)
        _wire(ax, [(3.15, y), (5.85, y)])
        _label(ax, (4.5, y + 0.2), change, fontsize=9, style="italic", color="0.25")
    return _finish(
        ax,
        (-0.1, 9.1),
        (-0.4, rows + 0.5),
        "From LSTM to GRU: two gates, one state",
    )


def plot_reset_placement(ax: Axes | None = None) -> Axes:
    """Where the reset gate acts in the GRU's candidate: before or after the recurrent matrix.

    Top, reset before (Cho et al., 2014; ``reset_after=False``): ``(r_t ⊙ h_{t-1}) U_h``, so the
    product waits for ``r_t``. Bottom, reset after (Keras' default, the form cuDNN runs):
    ``r_t ⊙ (h_{t-1} U_h + b'_h)``, so ``h_{t-1} U`` for all three blocks is one product that
    does not wait for the gate.

    Args:
        ax: where to draw.
    """
    ax = _axes(ax, figsize=(9.5, 4.4))
    reset = GATE_COLOURS["reset"][1]
    for y, before, title in (
        (
            2.6,
            True,
            "reset before: $(r_t \\odot h_{t-1})\\,U_h$   (Cho et al., 2014; reset_after=False)",
        ),
        (0.0, False, "reset after: $r_t \\odot (h_{t-1} U_h + b'_h)$   (Keras' default; cuDNN)"),
    ):
        _label(ax, (4.6, y + 1.05), title, fontsize=10)
        _label(ax, (0.0, y), "$h_{t-1}$", fontsize=11)
        first, second = (1.6, 3.3) if before else (3.3, 1.6)  # x of the x-node and of U_h
        _wire(ax, [(0.45, y), (1.6 - (_NODE_R if before else 0.55), y)])
        _node(ax, (first, y), "×")
        _box(
            ax,
            (second, y),
            "$U_h$" if before else "$U_h$, $+b'_h$",
            "0.93",
            size=(1.1, 0.55),
            fontsize=10,
        )
        _wire(ax, [(first, y - 0.75), (first, y - _NODE_R)], colour=reset)
        _label(ax, (first, y - 0.9), "$r_t$", color=reset, fontsize=11)
        if before:
            _wire(ax, [(first + _NODE_R, y), (second - 0.55, y)])
            _wire(ax, [(second + 0.55, y), (5.0 - _NODE_R, y)])
        else:
            _wire(ax, [(second + 0.55, y), (first - _NODE_R, y)])
            _wire(ax, [(first + _NODE_R, y), (5.0 - _NODE_R, y)])
        _node(ax, (5.0, y), "+")
        _wire(ax, [(5.0, y - 0.75), (5.0, y - _NODE_R)])
        _label(ax, (5.0, y - 0.9), "$x_t W_h + b_h$", fontsize=10)
        _wire(ax, [(5.0 + _NODE_R, y), (6.5 - 0.33, y)])
        _node(ax, (6.5, y), "tanh", r=0.33)
        _wire(ax, [(6.5 + 0.33, y), (7.7, y)])
        _label(ax, (8.05, y), "$\\tilde h_t$", fontsize=11)
        if not before:
            _label(
                ax,
                (2.45, y + 0.55),
                "one product for all three blocks,\nnot waiting for $r_t$",
                fontsize=8,
                color="0.3",
            )
    return _finish(ax, (-0.5, 8.6), (-1.2, 3.9), "")


# ---------------------------------------------------------------------------------------------
# ConvLSTM

_MAP_CELLS = 6  # pixels per side of the drawn feature maps
_MAP_SIZE = 0.9  # side of a drawn feature map
_MAP_SHIFT = 0.12  # offset between the maps of a stack (the channels)

# a stroke of lit pixels on the input frame, (row, column) from the top left
_STROKE = [(1, 3), (2, 2), (2, 3), (3, 3), (4, 3), (4, 2), (4, 4)]


def _map_stack(
    ax: Axes,
    centre: tuple[float, float],
    colour: str,
    n_maps: int = 3,
    lit: Sequence[tuple[int, int]] = (),
    window: tuple[int, int, int] | None = None,
) -> None:
    """A stack of feature maps (channels), front map centred on ``centre``, with its pixel grid.

    ``lit`` pixels of the front map are drawn dark; ``window = (row, col, size)`` outlines a
    square of pixels in red, starting at the top-left pixel ``(row, col)``.
    """
    cell = _MAP_SIZE / _MAP_CELLS
    x0, y0 = centre[0] - _MAP_SIZE / 2, centre[1] - _MAP_SIZE / 2
    for k in reversed(range(n_maps)):
        shift = k * _MAP_SHIFT
        ax.add_patch(
            Rectangle(
                (x0 + shift, y0 + shift),
                _MAP_SIZE,
                _MAP_SIZE,
                facecolor=colour,
                edgecolor="0.3",
                lw=0.8,
                zorder=2,
            )
        )
    for j in range(1, _MAP_CELLS):
        ax.plot([x0 + j * cell] * 2, [y0, y0 + _MAP_SIZE], color="0.55", lw=0.4, zorder=2)
        ax.plot([x0, x0 + _MAP_SIZE], [y0 + j * cell] * 2, color="0.55", lw=0.4, zorder=2)
    for row, col in lit:
        ax.add_patch(
            Rectangle(
                (x0 + col * cell, y0 + _MAP_SIZE - (row + 1) * cell),
                cell,
                cell,
                facecolor="0.2",
                lw=0,
                zorder=2,
            )
        )
    if window is not None:
        row, col, size = window
        ax.add_patch(
            Rectangle(
                (x0 + col * cell, y0 + _MAP_SIZE - (row + size) * cell),
                size * cell,
                size * cell,
                fill=False,
                edgecolor="red",
                lw=1.6,
                zorder=3,
            )
        )


def plot_convlstm_cell(ax: Axes | None = None, *, peepholes: bool = False) -> Axes:
    """Schematic of one ConvLSTM step: the LSTM cell with feature maps and convolutions.

    Inputs, gates and states are stacks of maps (height × width × channels). The four gates'
    pre-activations come from one convolution of the input frame ``X_t`` and one of the previous
    hidden state ``H_{t-1}``, so each gate value, one per pixel and filter, reads a k × k window
    of both (outlined in red). The cell state is updated element-wise, as in the LSTM.

    Args:
        ax: where to draw (a new figure when None).
        peepholes: also draw Shi et al.'s peephole terms (dashed): ``C_{t-1}`` into the input
            and forget gates, the new ``C_t`` into the output gate. ``keras.layers.ConvLSTM2D``
            has none, so the default leaves them out.

    Returns:
        The axes.

    Raises:
        ValueError: if ``peepholes`` is not a bool.
    """
    if not isinstance(peepholes, bool):
        raise ValueError(f"peepholes must be True or False; got {peepholes!r}.")
    ax = _axes(ax, figsize=(8.0, 5.0))
    top, gates, conv = 5.4, 2.85, 1.05
    xf, xi, xg, xo, xout = 2.9, 4.35, 5.8, 7.35, 9.1
    r = _NODE_R
    half = _MAP_SIZE / 2
    _cell_frame(ax, 1.75, 0.45, 10.0, 6.05)

    # the cell state, a stack of maps: C_{t-1} -> × F -> + I*G -> C_t
    _map_stack(ax, (0.75, top), "0.9")
    _label(ax, (0.75, top + 0.8), "$C_{t-1}$", fontsize=11)
    _state_line(ax, 0.75 + half + 0.25, xf - r, top)
    _state_line(ax, xf + r, xg - r, top)
    _state_line(ax, xg + r, 10.6, top, arrow=True)
    _map_stack(ax, (11.2, top), "0.9")
    _label(ax, (11.2, top + 0.8), "$C_t$", fontsize=11)
    _node(ax, (xf, top), "×")
    _node(ax, (xg, top), "+")

    # input frame and previous hidden state -> one convolution per gate
    _map_stack(ax, (0.75, conv), "white", n_maps=1, lit=_STROKE, window=(1, 1, 3))
    _label(ax, (0.75, conv - 0.75), "$X_t$", fontsize=11)
    _map_stack(ax, (0.75, 3.2), "#ececec", window=(1, 1, 3))
    _label(ax, (0.75, 3.2 - 0.75), "$H_{t-1}$", fontsize=11)
    _wire(ax, [(0.75 + half + 0.05, conv), (2.1, conv)])
    _wire(ax, [(0.75 + half + 0.3, 3.2), (1.6, 3.2), (1.6, conv + 0.2), (2.1, conv + 0.2)])
    _box(
        ax,
        (5.1, conv),
        r"$W * X_t \;+\; U * H_{t-1} \;+\; b$" "\n" r"($k \times k$ convolutions, 'same' padding)",
        "white",
        size=(5.8, 0.7),
        fontsize=9,
    )
    for x, name, activation in [
        (xf, "forget", r"\sigma"),
        (xi, "input", r"\sigma"),
        (xg, "candidate", r"\tanh"),
        (xo, "output", r"\sigma"),
    ]:
        _wire(ax, [(x, conv + 0.4), (x, gates - half - 0.05)])
        _label(ax, (x + 0.08, 1.95), f"${activation}$", fontsize=9, ha="left")
        _map_stack(ax, (x, gates), GATE_COLOURS[name][0], window=(2, 2, 1))

    # element-wise: forget, write, and the output
    tip = gates + half + 2 * _MAP_SHIFT + 0.05
    _wire(ax, [(xf, tip), (xf, top - r)])
    _label(ax, (xf + 0.12, 4.65), "$F_t$", ha="left")
    ym = 4.2
    _wire(ax, [(xi, tip), (xi, ym), (xg - r, ym)])
    _label(ax, ((xi + xg) / 2 - 0.1, ym + 0.22), "$I_t$")
    _wire(ax, [(xg, tip), (xg, ym - r)])
    _label(ax, (xg + 0.12, 3.75), "$G_t$", ha="left")
    _node(ax, (xg, ym), "×")
    _wire(ax, [(xg, ym + r), (xg, top - r)])
    _dot(ax, (xout, top))
    _wire(ax, [(xout, top), (xout, ym + 0.33)])
    _node(ax, (xout, ym), "tanh", r=0.33)
    _wire(ax, [(xout, ym - 0.33), (xout, gates + r)])
    _node(ax, (xout, gates), "×")
    _wire(ax, [(xo + half + 2 * _MAP_SHIFT + 0.05, gates), (xout - r, gates)])
    _label(ax, (xout - 0.62, gates + 0.27), "$O_t$")
    _wire(ax, [(xout, gates - r), (xout, conv), (10.6, conv)])
    _map_stack(ax, (11.2, conv), "#ececec")
    _label(ax, (11.2, conv - 0.75), "$H_t$", fontsize=11)

    if peepholes:
        dashed: dict[str, Any] = dict(arrow=True, colour="tab:purple", lw=1.2, linestyle="--")
        peep = 3.9
        _wire(ax, [(1.35, top), (1.35, peep), (xi - 0.3, peep), (xi - 0.3, tip)], **dashed)
        _dot(ax, (1.35, top))
        _wire(ax, [(2.15, peep), (2.15, gates), (xf - half - 0.05, gates)], **dashed)
        _wire(ax, [(8.3, top), (8.3, peep), (xo + 0.4, peep), (xo + 0.4, tip)], **dashed)
        _dot(ax, (8.3, top))
        note = (
            r"dashed: peepholes $W_{c} \odot C$ (Shi et al.): $C_{t-1}$ into $I_t$, $F_t$;"
            r" the new $C_t$ into $O_t$."
            "\n"
            "keras.layers.ConvLSTM2D has none."
        )
    else:
        note = (
            "red: each gate value (one per pixel and filter) reads a k × k window of $X_t$"
            " and $H_{t-1}$.\nNo peepholes, as in keras.layers.ConvLSTM2D."
        )
    _label(ax, (5.9, -0.55), note, fontsize=8.5, color="0.3")
    return _finish(
        ax,
        (-0.1, 12.0),
        (-1.05, 6.4),
        r"ConvLSTM cell: $C_t = F_t \odot C_{t-1} + I_t \odot G_t$,  "
        r"$H_t = O_t \odot \tanh(C_t)$",
    )


# ---------------------------------------------------------------------------------------------
# A memory cell with hand-set gates: write, hold, erase


@dataclass(frozen=True)
class GateToyTrace:
    """One LSTM memory cell run with hand-set gates; every array has shape ``(time,)``.

    Attributes:
        x: the input at each step.
        i: input gate (1 at the write step, else 0).
        f: forget gate (0 at the erase step, else 1).
        o: output gate (1 at the read steps, else 0).
        g: candidate, ``tanh(x_t)``.
        c: cell state, ``f_t c_{t-1} + i_t g_t`` from ``c_{-1} = 0``.
        h: hidden state, ``o_t tanh(c_t)``.
        write: the step whose candidate is written.
        erase: the step at which the cell is emptied.
        read: the steps at which the output gate is open.
    """

    x: np.ndarray
    i: np.ndarray
    f: np.ndarray
    o: np.ndarray
    g: np.ndarray
    c: np.ndarray
    h: np.ndarray
    write: int
    erase: int
    read: tuple[int, ...]


def _step_index(value: Any, name: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value < high
    ):
        raise ValueError(f"{name} must be an integer step in [{low}, {high}); got {value!r}.")
    return int(value)


def gate_toy_trace(
    x: Sequence[float] | np.ndarray,
    write: int,
    erase: int,
    read: Sequence[int] | None = None,
) -> GateToyTrace:
    """Run one LSTM memory cell whose gates are set by hand instead of computed.

    The candidate is ``g_t = tanh(x_t)`` (an input weight of 1, no recurrent weight, no bias).
    The gates are 0 or 1: the input gate opens only at ``write`` (the candidate goes in), the
    forget gate closes only at ``erase`` (the store is emptied), and the output gate opens only
    at the ``read`` steps. In between, ``f = 1`` and ``i = 0`` hold the stored value exactly:
    ``c_t = 1 · c_{t-1} + 0 · g_t``. The update is the LSTM's, ``c_t = f_t c_{t-1} + i_t g_t``
    and ``h_t = o_t tanh(c_t)``, starting from ``c = 0``.

    Args:
        x: the input sequence, shape ``(time,)``, finite, at least 3 steps.
        write: the step at which the input gate opens.
        erase: the step at which the forget gate closes; after ``write``.
        read: the steps at which the output gate opens (default: the step before ``erase``).

    Returns:
        A ``GateToyTrace`` with ``x, i, f, o, g, c, h`` of shape ``(time,)``.

    Raises:
        ValueError: for an ``x`` that is not a finite 1-D sequence of at least 3 values, a
            ``write`` or ``erase`` outside it or out of order, or a ``read`` step outside it.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 3 or not np.isfinite(x).all():
        raise ValueError(
            f"x must be a finite 1-D sequence of at least 3 values; got shape {x.shape}."
        )
    steps = x.size
    write = _step_index(write, "write", 0, steps)
    erase = _step_index(erase, "erase", write + 1, steps)
    read = (erase - 1,) if read is None else tuple(read)
    read = tuple(_step_index(t, "each read step", 0, steps) for t in read)

    i, f, o = np.zeros(steps), np.ones(steps), np.zeros(steps)
    i[write], f[erase] = 1.0, 0.0
    o[list(read)] = 1.0
    g = np.tanh(x)
    c, h = np.zeros(steps), np.zeros(steps)
    c_prev = 0.0
    for t in range(steps):
        c[t] = f[t] * c_prev + i[t] * g[t]
        h[t] = o[t] * np.tanh(c[t])
        c_prev = c[t]
    return GateToyTrace(x, i, f, o, g, c, h, write, erase, read)


def plot_gate_toy(trace: GateToyTrace, axes: Sequence[Axes] | None = None) -> Sequence[Axes]:
    """The hand-set-gate toy over time: input and candidate, the three gates, the two states.

    The write and erase steps are shaded in every panel; the held value is labelled "hold".

    Args:
        trace: what ``gate_toy_trace`` returned.
        axes: three axes to draw on (a new figure when None).

    Returns:
        The three axes: input, gates, states.

    Raises:
        ValueError: for something that is not a ``GateToyTrace``, or ``axes`` that are not three.
    """
    if not isinstance(trace, GateToyTrace):
        raise ValueError(f"trace must be a GateToyTrace from gate_toy_trace; got {type(trace)}.")
    if axes is None:
        _, axes = plt.subplots(3, 1, figsize=(7.5, 5.6), sharex=True, constrained_layout=True)
    if len(axes) != 3:
        raise ValueError(f"axes must hold 3 axes; got {len(axes)}.")
    steps = np.arange(trace.x.size)
    ax_in, ax_gates, ax_state = axes
    candidate = GATE_COLOURS["candidate"][1]
    ax_in.bar(steps, trace.x, width=0.5, color="0.65", label="input $x_t$")
    ax_in.plot(steps, trace.g, "o", color=candidate, label=r"candidate $g_t = \tanh(x_t)$")
    ax_in.axhline(0, color="0.3", lw=0.8)
    ax_in.set_ylabel("input")
    gate_lines = [
        ("input", trace.i, "input gate $i_t$", 0.04),
        ("forget", trace.f, "forget gate $f_t$", 0.0),
        ("output", trace.o, "output gate $o_t$", -0.04),
    ]
    for name, values, label, lift in gate_lines:  # lifted a little so equal values stay visible
        ax_gates.step(
            steps, values + lift, where="mid", color=GATE_COLOURS[name][1], lw=2, label=label
        )
    ax_gates.set(ylabel="gate", ylim=(-0.2, 1.25), yticks=[0, 1])
    ax_state.plot(steps, trace.c, "o-", color="black", lw=2, label="cell state $c_t$")
    ax_state.plot(steps, trace.h, "s--", color="0.5", label=r"$h_t = o_t \tanh(c_t)$")
    ax_state.axhline(0, color="0.3", lw=0.8)
    ax_state.set(xlabel="time step", ylabel="state", xticks=steps)
    ax_state.margins(y=0.25)  # room for the "hold" label
    for ax in axes:
        for t, colour in [(trace.write, "input"), (trace.erase, "forget")]:
            ax.axvspan(t - 0.5, t + 0.5, color=GATE_COLOURS[colour][0], alpha=0.8, zorder=0)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    top = ax_in.get_ylim()[1]
    events = [(trace.write, "write"), (trace.erase, "erase")]
    events += [(t, "read") for t in trace.read if t not in (trace.write, trace.erase)]
    for t, text in events:
        ax_in.text(t, top, text, ha="center", va="bottom", fontsize=9)
    if trace.erase - trace.write > 1:  # on the held value, in the state panel
        held = trace.c[trace.write]
        ax_state.text(
            (trace.write + trace.erase) / 2,
            held,
            "hold ($f_t = 1$, $i_t = 0$)",
            ha="center",
            va="bottom" if held >= 0 else "top",
            fontsize=9,
        )
    ax_in.set_title("An LSTM memory cell with hand-set gates", pad=16)
    return axes
