"""Figures of notebook 10 draw under Agg and reject bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib import plots  # noqa: E402


def test_waveform_and_spectrogram():
    fig = plots.plot_waveform_and_spectrogram(np.zeros(800), np.zeros((9, 5)), 8000, title="x")
    assert isinstance(fig, Figure) and len(fig.axes) == 3  # two plots and a colour bar
    with pytest.raises(ValueError, match="wave"):
        plots.plot_waveform_and_spectrogram(np.zeros((2, 2)), np.zeros((9, 5)), 8000)
    plt.close("all")


def test_ctc_trellis_draws_allowed_moves_and_reachable_states():
    from course_lib.decoding import ctc

    # "ll": states _ l _ l _ ; no skip between the two l's
    ax = plots.plot_ctc_trellis([1, 1], 4, "l", title="ll")
    assert isinstance(ax, Axes) and ax.get_title() == "ll"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["∅", "l", "∅", "l", "∅"]
    moves, reachable, unreachable = ax.collections[:3]
    # 4 frames, "ll" needs 3; the complete alignments (states 0..4) are 0123, 1123, 1223, 1233
    # and 1234, which visit two states per frame: 8 reachable nodes of 20
    assert len(reachable.get_offsets()) == 8 and len(unreachable.get_offsets()) == 12
    segments = moves.get_segments()
    assert not any(a[1] == 1 and b[1] == 3 for a, b in segments)  # no skip between equal labels
    assert all(b[0] == a[0] + 1 and 0 <= b[1] - a[1] <= 2 for a, b in segments)
    # "ab" allows the skip over the blank between different labels
    ax2 = plots.plot_ctc_trellis([1, 2], 3, "ab")
    assert any(a[1] == 1 and b[1] == 3 for a, b in ax2.collections[0].get_segments())
    # posteriors shade the nodes and add a colour bar
    log_probs = np.log(np.full((4, 3), 1 / 3))
    gamma = ctc.ctc_state_posteriors(log_probs, [1, 2])
    ax3 = plots.plot_ctc_trellis([1, 2], 4, "ab", posteriors=gamma)
    assert len(ax3.figure.axes) == 2
    np.testing.assert_allclose(np.sort(ax3.collections[1].get_array()), np.sort(gamma[gamma > 0]))
    with pytest.raises(ValueError, match="frames"):
        plots.plot_ctc_trellis([1, 1], 2, "l")
    with pytest.raises(ValueError, match="labels"):
        plots.plot_ctc_trellis([0, 1], 4, "l")
    with pytest.raises(ValueError, match="posteriors"):
        plots.plot_ctc_trellis([1], 3, "a", posteriors=np.ones((3, 2)))
    plt.close("all")


def test_ctc_alignment_marks_blanks_and_symbols():
    ax = plots.plot_ctc_alignment(
        np.zeros((20, 8)), [0, 2, 0, 1, 3], "abc", frame_probs=np.full(5, 0.9), title="t"
    )
    assert isinstance(ax, Axes)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["b", "a", "c"]
    with pytest.raises(ValueError, match="frame_labels"):
        plots.plot_ctc_alignment(np.zeros((20, 8)), [0, 9], "abc")
    with pytest.raises(ValueError, match="frame_probs"):
        plots.plot_ctc_alignment(np.zeros((20, 8)), [0, 1], "abc", frame_probs=np.ones(3))
    plt.close("all")


def test_error_vs_noise():
    ax = plots.plot_error_vs_noise([np.inf, 20, 10], {"CER": [0.01, 0.02, 0.1]})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["clean", "20", "10"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1, 2, 10])
    with pytest.raises(ValueError, match="CER"):
        plots.plot_error_vs_noise([10, 20], {"CER": [0.1]})
    plt.close("all")


def test_ctc_model_prints_the_frame_rate_after_each_stage():
    ax = plots.plot_ctc_model(time_strides=(2, 2), rnn_layers=3)
    rates = [t.get_text() for t in ax.texts if t.get_gid() == "rate"]
    assert rates == ["100 frames/s", "50 frames/s", "25 frames/s", "25 frames/s", "25 frames/s"]
    assert any("3 x bidirectional" in t.get_text() for t in ax.texts)
    for bad in (dict(time_strides=()), dict(time_strides=(5,)), dict(rnn_layers=0)):
        with pytest.raises(ValueError):
            plots.plot_ctc_model(**bad)


def test_ctc_paths_write_what_each_path_collapses_to():
    ax = plots.plot_ctc_paths([[0, 1, 1, 0, 2], [1, 0, 0, 2, 2], [1, 1, 2, 0, 1]], "ab")
    collapsed = [t.get_text() for t in ax.texts if t.get_gid() == "collapsed"]
    assert collapsed == ["→ 'ab'", "→ 'ab'", "→ 'aba'"]
    for bad in ([], [[1, 2], [1]], [[3]]):
        with pytest.raises(ValueError):
            plots.plot_ctc_paths(bad, "ab")


def test_ctc_spikes_draw_the_blank_and_each_winning_character():
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7], [0.6, 0.3, 0.1]])
    ax = plots.plot_ctc_spikes(probs, "ab")
    assert len([line for line in ax.lines if line.get_gid() == "character"]) == 2
    assert [t.get_text() for t in ax.texts] == ["a", "b"]
    with pytest.raises(ValueError, match="frames"):
        plots.plot_ctc_spikes(probs[:, :2], "ab")
