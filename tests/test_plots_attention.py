"""Attention heatmaps and accuracy-by-length curves."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_plot_attention_labels_rows_and_columns():
    w = np.full((3, 4), 0.25)
    ax = plots.plot_attention(w, list("word"), ["W", "ER1", "<end>"], title="t")
    assert [t.get_text() for t in ax.get_xticklabels()] == list("word")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["W", "ER1", "<end>"]
    np.testing.assert_allclose(ax.images[0].get_array(), w)
    with pytest.raises(ValueError, match="shape"):
        plots.plot_attention(w, list("wor"), ["W", "ER1", "<end>"])


def test_accuracy_by_length_bins():
    labels, acc, counts = plots.accuracy_by_length(
        [1, 2, 3, 3, 7], [True, False, True, True, False], [1, 3, 5, 9, 12]
    )
    assert labels == ["1-2", "3-4", "5-8", "9-11"]
    np.testing.assert_allclose(acc[:3], [0.5, 1.0, 0.0])
    assert np.isnan(acc[3]) and counts.tolist() == [2, 2, 1, 0]
    with pytest.raises(ValueError, match="bins"):
        plots.accuracy_by_length([1], [True], [3, 2])
    with pytest.raises(ValueError, match="differ"):
        plots.accuracy_by_length([1, 2], [True], [0, 3])


def test_plot_accuracy_by_length_one_line_per_model():
    ax = plots.plot_accuracy_by_length(
        [2, 4, 6, 8], {"a": [1, 1, 0, 0], "b": [1, 1, 1, 1]}, [0, 5, 10]
    )
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.0])
