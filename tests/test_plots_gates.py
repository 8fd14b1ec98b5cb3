import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plots  # noqa: E402
from course_lib.cells import GRUScratch  # noqa: E402


@pytest.fixture
def trace():
    rng = np.random.default_rng(0)
    cell = GRUScratch(rng.normal(size=(3, 12)), rng.normal(size=(4, 12)), rng.normal(size=(2, 12)))
    return cell.trace(rng.normal(size=(5, 9, 3)))


def test_plot_gru_gates_draws_four_panels(trace):
    axes = plots.plot_gru_gates(trace, example=2, mark=4)
    assert len(axes) == 4
    assert axes[0].images[0].get_array().shape == (4, 9)  # units x time
    np.testing.assert_allclose(axes[1].images[0].get_array(), trace.r[2].T)
    assert "update" in axes[0].get_title(loc="left")
    plt.close("all")


def test_plot_gate_timecourse(trace):
    ax = plots.plot_gate_timecourse(trace, mark=3, units=[0, 2])
    z_line, r_line = ax.get_lines()[:2]
    np.testing.assert_allclose(z_line.get_ydata(), trace.z[..., [0, 2]].mean(axis=(0, 2)))
    np.testing.assert_allclose(r_line.get_ydata(), trace.r[..., [0, 2]].mean(axis=(0, 2)))
    assert len(ax.get_lines()) == 3  # z, r and the mark
    plt.close("all")


def test_bad_arguments_raise(trace):
    with pytest.raises(ValueError, match="example"):
        plots.plot_gru_gates(trace, example=5)
    with pytest.raises(ValueError, match="GRUTrace"):
        plots.plot_gru_gates(object())
    with pytest.raises(ValueError, match="units"):
        plots.plot_gate_timecourse(trace, units=[4])
    _, axes = plt.subplots(2)
    with pytest.raises(ValueError, match="4 axes"):
        plots.plot_gru_gates(trace, axes=axes)
    plt.close("all")


def test_plot_lstm_gates_draws_four_panels():
    from course_lib.cells import LSTMScratch

    rng = np.random.default_rng(0)
    cell = LSTMScratch(rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), rng.normal(size=8))
    trace = cell.trace(rng.normal(size=(2, 6, 3)))
    axes = plots.plot_lstm_gates(trace, example=1, mark=2)
    assert len(axes) == 4 and axes[0].get_title(loc="left") == "input gate i"
    assert axes[3].images[0].get_array().shape == (2, 6)  # units x time
    with pytest.raises(ValueError, match="example"):
        plots.plot_lstm_gates(trace, example=2)
    _, three = plt.subplots(3, 1)
    with pytest.raises(ValueError, match="4 axes"):
        plots.plot_lstm_gates(trace, axes=three)
