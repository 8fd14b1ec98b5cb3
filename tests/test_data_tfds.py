import sys

import pytest

from course_lib.data import reviews, scenes, speech, video
from course_lib.data._tfds import require_tfds


def test_require_tfds_returns_the_module():
    pytest.importorskip("tensorflow_datasets")
    assert require_tfds("x").__name__ == "tensorflow_datasets"


@pytest.mark.parametrize(
    "load",
    [
        lambda: reviews.load_imdb_reviews(),
        lambda: video.load_moving_mnist(n_clips=1),
        lambda: speech.load_ljspeech(n=1),
        lambda: scenes.load_coco_captions(max_examples=1),
    ],
)
def test_full_profile_loaders_say_how_to_install_tfds(monkeypatch, load):
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", None)  # import now fails
    with pytest.raises(RuntimeError, match=r'pip install "course-lib\[full\]"'):
        load()
