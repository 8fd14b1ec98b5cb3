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
