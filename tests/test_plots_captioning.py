"""Notebook 09 figures draw under Agg and reject inconsistent inputs."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plots  # noqa: E402
from course_lib.data import scenes  # noqa: E402


@pytest.fixture(scope="module")
def few():
    return scenes.make_scenes(5, "test", seed=0)


def test_plot_captioned_scenes(few):
    fig = plots.plot_captioned_scenes(few.images, few.captions, second=few.captions, columns=3)
    assert len(fig.axes) == 6 and len(fig.axes[0].images) == 1
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[0].replace("\n", " ") == " ".join(few.captions[0])
    plt.close(fig)
    with pytest.raises(ValueError, match="equal length"):
        plots.plot_captioned_scenes(few.images, few.captions[:2])


def test_plot_caption_attention(few):
    words = few.captions[0]
    weights = np.random.default_rng(0).dirichlet(np.ones(16), size=len(words) + 1)
    fig = plots.plot_caption_attention(few.images[0], words, weights, columns=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == len(words) + 1 and titles[-1].startswith("<end>")
    assert titles[0].startswith(words[0])
    plt.close(fig)
    with pytest.raises(ValueError, match="one row per word"):
        plots.plot_caption_attention(few.images[0], words, weights[:-1])
    with pytest.raises(ValueError, match="square"):
        plots.plot_caption_attention(few.images[0], words, weights[:, :15])


def test_plot_captioner():
    ax = plots.plot_captioner()
    labels = {t.get_text() for t in ax.texts}
    assert {"CNN", "LSTM", "<start>", "<end>", "regions"} <= labels
    plt.close(ax.figure)
