import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plots  # noqa: E402


def test_plot_bidirectional_rnn_draws_both_chains():
    ax = plots.plot_bidirectional_rnn(steps=3)
    colours = {tuple(p.get_edgecolor()) for p in ax.patches}
    assert len(ax.patches) >= 3 * 4 + 3 * 4  # boxes and arrows
    assert matplotlib.colors.to_rgba(plots.BIDIRECTIONAL_COLOURS["backward"]) in colours
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "overleftarrow" in texts and "overrightarrow" in texts
    plt.close("all")
    for bad in (1, 9, 2.5):
        with pytest.raises(ValueError, match="steps"):
            plots.plot_bidirectional_rnn(steps=bad)


def test_plot_accuracy_by_position():
    _, ax = plt.subplots()
    out = plots.plot_accuracy_by_position(
        {"one-way": np.full(5, 0.8), "bidirectional": np.linspace(0.95, 0.8, 5)}, ax=ax, title="t"
    )
    assert out is ax and len(ax.lines) == 2 and ax.get_title() == "t"
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [1, 2, 3, 4, 5])
    plt.close("all")
    with pytest.raises(ValueError, match="same length"):
        plots.plot_accuracy_by_position({"a": np.ones(3), "b": np.ones(4)})
    with pytest.raises(ValueError, match="curves"):
        plots.plot_accuracy_by_position({})


def test_bidirectional_leak_marks_the_answer_and_its_path():
    ax = plots.plot_bidirectional_leak(5, t=2)
    leak = [p for p in ax.patches if p.get_gid() == "leak"]
    assert len(leak) == 2 + 3  # the input x_3, the output y_2, and three arrows between them
    texts = [t.get_text() for t in ax.texts]
    assert "target $y_{2} = x_{3}$" in texts and "$x_{3}$" in ax.get_title()
    for bad in (dict(steps=5, t=5), dict(steps=5, t=0), dict(steps=2, t=1)):
        with pytest.raises(ValueError):
            plots.plot_bidirectional_leak(**bad)
