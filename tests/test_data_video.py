"""Moving handwritten digits, and the Moving MNIST loader (offline, through mock data)."""

import numpy as np
import pytest

from course_lib.data import video


def test_digit_splits_are_disjoint_and_cover_the_set():
    from sklearn.datasets import load_digits

    train_idx, test_idx = video._split_indices("train"), video._split_indices("test")
    assert len(train_idx) == 1348 and len(test_idx) == 449
    assert not set(train_idx) & set(test_idx)
    assert set(train_idx) | set(test_idx) == set(range(1797))
    bunch = load_digits()
    train, train_labels = video.digit_images("train")
    test, test_labels = video.digit_images("test")
    assert train.dtype == np.float32 and 0.0 <= train.min() and train.max() <= 1.0
    np.testing.assert_allclose(test, bunch.images[test_idx] / 16.0, atol=1e-7)
    np.testing.assert_array_equal(train_labels, bunch.target[train_idx])
    assert set(train_labels) == set(test_labels) == set(range(10))


def test_upscaled_digits():
    big, _ = video.digit_images("test", digit_size=12)
    assert big.shape == (449, 12, 12) and 0.0 <= big.min() and big.max() <= 1.0
    with pytest.raises(ValueError, match="digit_size"):
        video.digit_images("test", digit_size=6)
    with pytest.raises(ValueError, match="split"):
        video.digit_images("validation")


def test_bounce_step_reflects_at_the_walls():
    pos, vel = video.bounce_step(np.array([0, 9, 5, 1]), np.array([-2, 2, 1, -1]), high=10)
    np.testing.assert_array_equal(pos, [2, 9, 6, 0])
    np.testing.assert_array_equal(vel, [2, -2, 1, -1])
    pos, vel = video.bounce_step(np.array([10]), np.array([1]), high=10)
    assert pos[0] == 9 and vel[0] == -1


def test_moving_digits_shapes_range_and_determinism():
    clips = video.moving_digits(6, frames=7, canvas=20, n_digits=2, seed=3)
    assert clips.shape == (6, 7, 20, 20, 1) and clips.dtype == np.float32
    assert 0.0 <= clips.min() and clips.max() <= 1.0
    np.testing.assert_array_equal(clips, video.moving_digits(6, 7, 20, n_digits=2, seed=3))
    assert not np.array_equal(clips, video.moving_digits(6, 7, 20, n_digits=2, seed=4))
    test = video.moving_digits(6, 7, 20, n_digits=2, split="test", seed=3)
    assert not np.array_equal(clips, test)


def test_each_digit_moves_rigidly_with_its_velocity():
    clips = video.moving_digits(20, frames=6, canvas=16, max_speed=2, seed=0)[..., 0]
    images, _ = video.digit_images("train")
    for clip in clips:
        masses = clip.sum(axis=(1, 2))
        np.testing.assert_allclose(masses, masses[0], rtol=1e-5)  # the digit never leaves
        assert masses[0] > 0  # something was drawn
        shifts = [_shift(clip[t], clip[t + 1]) for t in range(5)]
        assert all(max(abs(dy), abs(dx)) <= 2 for dy, dx in shifts)
        assert any(dy or dx for dy, dx in shifts)
    # frame 0 holds one training digit, pasted unchanged, and nothing else
    train = {img.tobytes() for img in images}
    for clip in clips[:5]:
        found = [
            (i, j)
            for i in range(9)
            for j in range(9)
            if clip[0, i : i + 8, j : j + 8].tobytes() in train
            and np.isclose(clip[0, i : i + 8, j : j + 8].sum(), clip[0].sum())
        ]
        assert found, "frame 0 is not a training digit on a blank canvas"


def _shift(a, b):
    best, arg = np.inf, (0, 0)
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            err = np.abs(np.roll(np.roll(a, dy, 0), dx, 1) - b).sum()
            if err < best:
                best, arg = err, (dy, dx)
    return arg


def test_moving_digits_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_clips"):
        video.moving_digits(0)
    with pytest.raises(ValueError, match="canvas"):
        video.moving_digits(2, canvas=8)
    with pytest.raises(ValueError, match="max_speed"):
        video.moving_digits(2, canvas=10, max_speed=3)
    with pytest.raises(ValueError, match="split"):
        video.moving_digits(2, split="val")
    with pytest.raises(ValueError, match="seed"):
        video.moving_digits(2, seed=-1)


def test_load_moving_mnist_with_mock_data():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=3):
        clips = video.load_moving_mnist(n_clips=2, frame_size=32)
    assert clips.shape == (2, 20, 32, 32, 1) and clips.dtype == np.float32
    assert 0.0 <= clips.min() and clips.max() <= 1.0
    with pytest.raises(ValueError, match="frame_size"):
        video.load_moving_mnist(frame_size=48)


def test_load_moving_mnist_fails_clearly_without_the_data(tmp_path, monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets")

    def offline(*args, **kwargs):
        raise ConnectionError("network is unreachable")

    monkeypatch.setattr(tfds, "load", offline)
    with pytest.raises(RuntimeError, match="needs network access"):
        video.load_moving_mnist(n_clips=2, data_dir=str(tmp_path))
