import numpy as np
import pytest

from course_lib.data.synthetic import echo_tags, marked_recall


def test_marked_recall_layout():
    x, y = marked_recall(50, lag=6, n_symbols=3, prefix=2, seed=0)
    assert x.shape == (50, 9, 4) and y.shape == (50,) and y.dtype == np.int32
    assert (x[..., :3].sum(-1) == 1).all()  # one symbol per step
    marker = x[..., 3]
    assert (marker.sum(1) == 1).all() and (
        marker[:, 2] == 1
    ).all()  # the mark: 6 steps before the end
    np.testing.assert_array_equal(x[:, 2, :3].argmax(-1), y)
    assert set(np.unique(y)) == {0, 1, 2}


def test_marked_recall_is_deterministic():
    a, b = marked_recall(10, 3, seed=5), marked_recall(10, 3, seed=5)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], marked_recall(10, 3, seed=6)[0])


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(n=0, lag=1), "n"),
        (dict(n=2, lag=-1), "lag"),
        (dict(n=2, lag=1, n_symbols=1), "n_symbols"),
        (dict(n=2, lag=1, prefix=-2), "prefix"),
    ],
)
def test_marked_recall_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        marked_recall(**kwargs)


def test_marked_recall_random_position():
    fixed_x, fixed_y = marked_recall(400, lag=6, n_symbols=3, prefix=3, noise_channels=1, seed=2)
    x, y = marked_recall(
        400, lag=6, n_symbols=3, prefix=3, noise_channels=1, seed=2, random_position=True
    )
    positions = x[..., 3].argmax(1)
    assert (x[..., 3].sum(1) == 1).all()  # still one mark per sequence
    assert set(np.unique(positions)) == {0, 1, 2, 3}  # among the first prefix + 1 steps
    np.testing.assert_array_equal(x[np.arange(400), positions, :3].argmax(-1), y)
    # the same symbols and noise as the fixed layout; only the marker moved
    np.testing.assert_array_equal(np.delete(x, 3, axis=-1), np.delete(fixed_x, 3, axis=-1))
    assert not np.array_equal(y, fixed_y)
    with pytest.raises(ValueError, match="random_position"):
        marked_recall(5, 2, random_position="yes")


def test_echo_tags_mark_repeats_of_the_symbol_gap_steps_back():
    x, y, flipped = echo_tags(200, 12, n_symbols=3, gap=2, seed=1)
    assert x.shape == y.shape == flipped.shape == (200, 12) and x.dtype == y.dtype == np.int32
    assert x.min() == 1 and x.max() == 3 and not flipped.any()
    assert (y[:, :2] == 0).all()
    np.testing.assert_array_equal(y[:, 2:], (x[:, 2:] == x[:, :-2]).astype(np.int32))
    assert 0.25 < y[:, 2:].mean() < 0.42  # about 1 / n_symbols


def test_echo_tags_flips_the_marked_tags_only():
    x, clean, _ = echo_tags(300, 20, seed=4)
    x2, noisy, flipped = echo_tags(300, 20, flip=0.2, seed=4)
    np.testing.assert_array_equal(x, x2)  # same symbols, whatever the noise
    np.testing.assert_array_equal(noisy[flipped], 1 - clean[flipped])
    np.testing.assert_array_equal(noisy[~flipped], clean[~flipped])
    assert 0.17 < flipped.mean() < 0.23


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(n=0, length=5), "n"),
        (dict(n=2, length=2, gap=2), "length"),
        (dict(n=2, length=5, gap=0), "gap"),
        (dict(n=2, length=5, n_symbols=1), "n_symbols"),
        (dict(n=2, length=5, flip=0.5), "flip"),
        (dict(n=2, length=5, flip=-0.1), "flip"),
    ],
)
def test_echo_tags_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        echo_tags(**kwargs)
