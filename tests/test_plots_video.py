"""Notebook 07 figures draw headless and check their inputs."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plots  # noqa: E402
from course_lib.plots import video  # noqa: E402

RNG = np.random.default_rng(0)


def test_frame_strips_with_rows_of_different_lengths():
    fig = video.plot_frame_strips(
        {"input": RNG.random((4, 8, 8, 1)), "truth": RNG.random((3, 8, 8))},
        column_labels=["a", "b", "c", "d"],
        title="strips",
    )
    assert len(fig.axes) == 8
    assert len(fig.axes[0].images) == 1 and len(fig.axes[7].images) == 0  # row 2 has 3 frames
    assert fig.axes[0].get_ylabel() == "input" and fig.axes[0].get_title() == "a"
    plt.close(fig)
    with pytest.raises(ValueError, match="rows"):
        video.plot_frame_strips({})
    with pytest.raises(ValueError, match="frames"):
        video.plot_frame_strips({"x": RNG.random((8, 8))})


def test_rollout_errors_one_line_per_model():
    ax = video.plot_rollout_errors({"a": [0.1, 0.2, 0.3], "b": [0.2, 0.2, 0.2]}, title="t")
    assert len(ax.lines) == 2 and ax.get_xlabel() == "steps ahead"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="errors"):
        video.plot_rollout_errors({})


@pytest.mark.filterwarnings("ignore:Animation was deleted")
def test_animation_renders_to_javascript_html_without_ffmpeg():
    rows = {"truth": RNG.random((3, 8, 8, 1)), "prediction": RNG.random((3, 8, 8, 1))}
    anim = video.animate_frames(rows, interval=100)
    assert anim._fig.axes[1].get_title() == "prediction"
    plt.close(anim._fig)
    html = video.animation_html(rows)
    assert "<script" in html and html.count("data:image/png;base64") == 3
    with pytest.raises(ValueError, match="same number"):
        video.animate_frames({"a": RNG.random((3, 8, 8)), "b": RNG.random((2, 8, 8))})


def test_hidden_channels_grid():
    fig = video.plot_hidden_channels(
        RNG.random((5, 8, 8, 1)), RNG.uniform(-1, 1, (5, 8, 8, 4)), channels=[0, 3]
    )
    assert len(fig.axes) == 15 and fig.axes[5].get_ylabel() == "h[0]"
    plt.close(fig)
    with pytest.raises(ValueError, match="channels"):
        video.plot_hidden_channels(RNG.random((5, 8, 8)), RNG.random((5, 8, 8, 4)), [4])
    with pytest.raises(ValueError, match="hidden"):
        video.plot_hidden_channels(RNG.random((5, 8, 8)), RNG.random((4, 8, 8, 4)))


def test_exported_from_the_package():
    assert plots.plot_frame_strips is video.plot_frame_strips
    assert plots.animation_html is video.animation_html


def test_hybrid_and_convlstm_draw_a_vector_state_and_a_map_state():
    ax = plots.plot_hybrid_and_convlstm()
    vector = [p for p in ax.patches if p.get_gid() == "vector_state"]
    maps = [p for p in ax.patches if p.get_gid() == "map_state"]
    assert len(vector) == 8 and len(maps) == 3 * 16  # a strip of 8; three 4x4 channels
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "CNN-LSTM hybrid" in texts and "ConvLSTM" in texts


def test_leaky_head_marks_the_target_frame_and_the_arrow_that_reads_it():
    ax = plots.plot_leaky_head(5, t=2)
    leak = [p for p in ax.patches if p.get_gid() == "leak"]
    window = [p for p in ax.patches if p.get_gid() == "window"]
    assert len(leak) == 2 and len(window) == 2  # the target box and H_3's arrow; H_1, H_2
    assert len([p for p in plots.plot_leaky_head(4, t=1).patches if p.get_gid() == "window"]) == 1
    for bad in (dict(steps=5, t=5), dict(steps=2, t=1), dict(steps=5, t=0)):
        with pytest.raises(ValueError):
            plots.plot_leaky_head(**bad)
