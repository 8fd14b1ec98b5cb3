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


def test_unrolled_rnn_labels_the_shared_weights():
    ax = plots.plot_unrolled_rnn(3)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("$W_h$") == 4 and texts.count("$W_x$") == 4  # folded + 3 steps
    assert "$h_{3}$" in texts
    with pytest.raises(ValueError, match="steps"):
        plots.plot_unrolled_rnn(0)


def test_gradient_norms_plot_handles_underflow():
    ax = plots.plot_gradient_norms({"a": np.array([1.0, 1e-3, 0.0])})
    y = ax.lines[0].get_ydata()
    assert ax.get_yscale() == "log" and np.isnan(y[2]) and y[1] == 1e-3


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


def test_sequence_shapes_figure_has_five_shapes():
    ax = plots.plot_sequence_shapes()
    texts = [t.get_text() for t in ax.texts]
    for name in ("one-to-one", "one-to-many", "many-to-one", "many-to-many, aligned"):
        assert name in texts
    assert texts.count("x") == 1 + 1 + 3 + 3 + 3 and texts.count("y") == 1 + 3 + 1 + 3 + 3


def test_padded_batch_marks_padding():
    ax = plots.plot_padded_batch(
        np.array([[4, 5, 0], [6, 0, 0]]), ["<pad>", "", "", "", "a", "b", "c"]
    )
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["a", "b", "·", "c", "·", "·"]
    assert plots.plot_padded_batch(np.array([[1, 0]])).texts[0].get_text() == "1"
    with pytest.raises(ValueError, match="batch, time"):
        plots.plot_padded_batch(np.array([1, 2]))
    with pytest.raises(ValueError, match="lie in"):
        plots.plot_padded_batch(np.array([[9]]), ["<pad>", "a"])


def test_char_tags_draw_one_row_per_tagging():
    ax = plots.plot_char_tags("a(b)\n", {"truth": [0, 1, 1, 1, 0], "model": [0, 1, 1, 0, 0]})
    assert len(ax.get_yticklabels()) == 2 and ax.images[0].get_array().shape == (2, 5)
    assert "↵" in [t.get_text() for t in ax.texts]
    with pytest.raises(ValueError, match="model"):
        plots.plot_char_tags("ab", {"model": [0]})


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


def test_char_tags_wrap_long_text():
    text = "ab(cdefg)h"
    ax = plots.plot_char_tags(text, {"t": parenthesis_like(text)}, width=4)
    assert ax.images[0].get_array().shape == (3 * 2 - 1, 4)  # 3 blocks of 1 row, 2 gaps
    assert len(ax.texts) == len(text) and len(ax.get_yticklabels()) == 3
    with pytest.raises(ValueError, match="width"):
        plots.plot_char_tags(text, {"t": parenthesis_like(text)}, width=0)


def parenthesis_like(text):
    return np.array([1 if 2 <= i <= 8 else 0 for i in range(len(text))])
