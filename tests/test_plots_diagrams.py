import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from course_lib.plots import diagrams  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _operations(ax):
    """The text of every element-wise operation (a circle with a label on it)."""
    centres = {tuple(np.round(p.center, 6)) for p in ax.patches if isinstance(p, Circle)}
    return [t.get_text() for t in ax.texts if tuple(np.round(t.get_position(), 6)) in centres]


def _labels_everywhere(ax, labels):
    texts = " ".join(_texts(ax)) + ax.get_title()
    return [label for label in labels if label not in texts]


def test_lstm_cell_has_its_inputs_gates_and_highway():
    ax = diagrams.plot_lstm_cell()
    missing = _labels_everywhere(
        ax,
        ["$x_t$", "$h_{t-1}$", "$c_{t-1}$", "$c_t$", "$h_t$", "$f_t$", "$i_t$", "$g_t$", "$o_t$"],
    )
    assert missing == []
    texts = _texts(ax)
    for gate in ("forget", "input", "candidate", "output"):
        assert any(t.startswith(gate) for t in texts), gate
    # the highway's × (forget) and +, the write ×, and the output ×; tanh(c_t) on the way out
    assert sorted(_operations(ax)) == sorted(["×", "+", "×", "×", "tanh"])
    assert r"h_t = o_t \odot \tanh(c_t)" in ax.get_title()
    assert not ax.axison


def test_gru_cell_uses_keras_convention():
    ax = diagrams.plot_gru_cell()
    title = ax.get_title()
    assert r"h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t" in title
    texts = _texts(ax)
    for gate in ("update", "reset", "candidate"):
        assert any(t.startswith(gate) for t in texts), gate
    assert (
        _labels_everywhere(ax, ["$x_t$", "$h_{t-1}$", "$h_t$", "$z_t$", "$r_t$", "$1-z_t$"]) == []
    )
    # z_t ⊙ h_{t-1}, the reset product, (1 - z_t) ⊙ candidate, and their sum
    assert sorted(_operations(ax)) == sorted(["×", "×", "×", "+", "1−"])
    assert any("U_h" in t and "b'_h" in t for t in texts), "reset-after: r scales h U_h + b'_h"


def test_convlstm_cell_draws_maps_and_convolutions():
    ax = diagrams.plot_convlstm_cell()
    texts = _texts(ax)
    assert _labels_everywhere(ax, ["$X_t$", "$H_{t-1}$", "$C_{t-1}$", "$C_t$", "$H_t$"]) == []
    assert _labels_everywhere(ax, ["$F_t$", "$I_t$", "$G_t$", "$O_t$"]) == []
    assert any("W * X_t" in t and "U * H_{t-1}" in t for t in texts), "the gates' convolutions"
    red = [p for p in ax.patches if p.get_edgecolor()[:3] == (1.0, 0.0, 0.0)]
    assert len(red) == 6  # a k x k window on X_t and H_{t-1}, one pixel on each of 4 gate maps
    assert any("No peepholes" in t for t in texts)
    n_patches = len(ax.patches)

    peep = diagrams.plot_convlstm_cell(peepholes=True)
    assert len(peep.patches) > n_patches  # the dashed peephole wires
    assert any("the new $C_t$ into $O_t$" in t for t in _texts(peep))
    with pytest.raises(ValueError, match="peepholes"):
        diagrams.plot_convlstm_cell(peepholes="yes")


@pytest.mark.parametrize(
    "draw", [diagrams.plot_lstm_cell, diagrams.plot_gru_cell, diagrams.plot_convlstm_cell]
)
def test_diagrams_draw_on_the_given_axes(draw):
    _, ax = plt.subplots()
    assert draw(ax=ax) is ax
    assert ax.get_aspect() == 1.0 and ax.patches


X = [0.3, 1.2, -0.5, 0.8, -1.0, 0.4, 0.6, -0.7, 0.2]


def test_gate_toy_writes_holds_and_erases():
    trace = diagrams.gate_toy_trace(X, write=1, erase=6)
    written = np.tanh(X[1])
    # by hand: nothing before the write, the candidate from then until the erase, then nothing
    want_c = np.array([0.0] + [written] * 5 + [0.0] * 3)
    assert np.array_equal(trace.c, want_c)  # held exactly, not approximately
    assert np.array_equal(trace.c[1:6], np.full(5, written))
    assert np.all(trace.c[6:] == 0.0)
    # gates as set by hand
    assert np.array_equal(trace.i, np.eye(9)[1])
    assert np.array_equal(trace.f, 1 - np.eye(9)[6])
    assert trace.read == (5,) and np.array_equal(trace.o, np.eye(9)[5])
    # the output shows the memory only where the output gate is open
    want_h = np.zeros(9)
    want_h[5] = np.tanh(written)
    np.testing.assert_allclose(trace.h, want_h, rtol=0, atol=0)
    np.testing.assert_allclose(trace.g, np.tanh(X))


def test_gate_toy_read_steps_and_later_inputs():
    trace = diagrams.gate_toy_trace(X, write=2, erase=4, read=[0, 3, 8])
    assert np.array_equal(trace.o, np.isin(np.arange(9), [0, 3, 8]).astype(float))
    assert trace.h[0] == 0.0 and trace.h[8] == 0.0  # open gate, empty cell
    assert trace.h[3] == np.tanh(np.tanh(X[2]))
    assert np.all(trace.c[4:] == 0.0)  # the inputs after the erase are not written


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(x=[1.0, 2.0], write=0, erase=1), "x must"),
        (dict(x=[[1.0, 2.0, 3.0]], write=0, erase=1), "x must"),
        (dict(x=[1.0, np.nan, 3.0], write=0, erase=1), "x must"),
        (dict(x=X, write=9, erase=10), "write"),
        (dict(x=X, write=True, erase=3), "write"),
        (dict(x=X, write=4, erase=4), "erase"),
        (dict(x=X, write=1, erase=9), "erase"),
        (dict(x=X, write=1, erase=3, read=[9]), "read"),
        (dict(x=X, write=1, erase=3, read=[1.5]), "read"),
    ],
)
def test_gate_toy_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        diagrams.gate_toy_trace(**kwargs)


def test_plot_gate_toy_draws_input_gates_and_states():
    trace = diagrams.gate_toy_trace(X, write=1, erase=6)
    axes = diagrams.plot_gate_toy(trace)
    assert len(axes) == 3
    ax_in, ax_gates, ax_state = axes
    labels = [t.get_text() for ax in axes for t in ax.get_legend().get_texts()]
    for name in ("$x_t$", "$i_t$", "$f_t$", "$o_t$", "$c_t$"):
        assert any(name in label for label in labels), name
    assert len(ax_gates.lines) == 3
    np.testing.assert_array_equal(ax_state.lines[0].get_ydata(), trace.c)
    events = [t.get_text() for t in ax_in.texts]
    assert events[:2] == ["write", "erase"] and "read" in events
    assert any(t.get_text().startswith("hold") for t in ax_state.texts)

    _, given = plt.subplots(3, 1)
    assert list(diagrams.plot_gate_toy(trace, axes=given)) == list(given)
    with pytest.raises(ValueError, match="3 axes"):
        diagrams.plot_gate_toy(trace, axes=given[:2])
    with pytest.raises(ValueError, match="GateToyTrace"):
        diagrams.plot_gate_toy(trace.c)


def test_unrolled_lstm_draws_one_forget_gate_per_step_on_the_cell_path():
    ax = diagrams.plot_unrolled_lstm(3)
    assert len([p for p in ax.patches if p.get_gid() == "forget"]) == 3
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "f_{1} \\odot f_{2} \\odot f_{3}" in texts and "$c_{3}$" in texts
    with pytest.raises(ValueError, match="steps"):
        diagrams.plot_unrolled_lstm(1)
    with pytest.raises(ValueError, match="steps"):
        diagrams.plot_unrolled_lstm(7)


def test_lstm_to_gru_maps_every_lstm_part():
    ax = diagrams.plot_lstm_to_gru()
    texts = [t.get_text() for t in ax.texts]
    for change in ("same job", "tied: write what is not kept", "dropped", "merged", "new"):
        assert change in texts
    assert any("update gate" in t for t in texts) and any("reset gate" in t for t in texts)
    assert texts.count("(none)") == 1  # the LSTM has no reset gate; the GRU no output gate


def test_reset_placement_draws_both_forms_with_the_gate_in_different_places():
    ax = diagrams.plot_reset_placement()
    titles = [t.get_text() for t in ax.texts if "reset" in t.get_text()]
    assert any("before" in t for t in titles) and any("after" in t for t in titles)
    r_labels = [t for t in ax.texts if t.get_text() == "$r_t$"]
    # the reset gate meets h_(t-1) before U_h in one form and after it in the other
    assert len(r_labels) == 2 and r_labels[0].get_position()[0] < r_labels[1].get_position()[0]
