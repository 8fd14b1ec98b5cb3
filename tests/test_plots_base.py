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


def test_plot_history_draws_train_and_validation():
    ax = plots.plot_history(
        {"loss": [3, 2, 1], "val_loss": [3, 2.5, 2], "mae": [1, 1, 1]}, metrics=("loss", "mae")
    )
    assert len(ax.lines) == 3
    with pytest.raises(ValueError, match="accuracy"):
        plots.plot_history({"loss": [1]}, metrics=("accuracy",))


def test_forecast_and_metric_plots_check_lengths():
    ax = plots.plot_forecast(np.arange(5), {"m": np.arange(5) + 1.0})
    assert len(ax.lines) == 2
    with pytest.raises(ValueError, match="values"):
        plots.plot_forecast(np.arange(5), {"m": np.arange(4)})
    ax = plots.plot_metric_vs([1, 2], {"a": [0.1, 0.2]}, "length", "MAE", logx=True)
    assert ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="settings"):
        plots.plot_metric_vs([1, 2], {"a": [0.1]}, "x", "y")


def test_existing_axes_are_used():
    fig, ax = plt.subplots()
    assert plots.plot_history({"loss": [1.0]}, ax=ax) is ax


def test_plot_runs_draws_runs_of_different_lengths():
    ax = plots.plot_runs({"a": [0.2, 0.5, 0.99], "b": [0.3]}, "accuracy", target=0.99)
    lines = [line for line in ax.lines if line.get_label() in ("a", "b")]
    assert [len(line.get_xdata()) for line in lines] == [3, 1]
    assert any("target" in line.get_label() for line in ax.lines)
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "accuracy"
    for bad in ({}, {"a": []}):
        with pytest.raises(ValueError, match="runs"):
            plots.plot_runs(bad, "accuracy")
