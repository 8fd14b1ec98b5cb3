import numpy as np
import pytest

from course_lib.data.series import (
    RandomLengthWindows,
    load_co2,
    load_sunspots,
    make_windows,
    split_series,
)


def test_load_co2_is_complete_and_plausible():
    co2 = load_co2()
    assert co2.shape == (2284,) and co2.dtype == np.float32
    assert np.isfinite(co2).all()
    assert 310 < co2[:10].mean() < 320 and 365 < co2[-10:].mean() < 375


def test_load_sunspots():
    s = load_sunspots()
    assert s.shape == (309,) and (s >= 0).all()


def test_split_series_keeps_time_order():
    s = np.arange(100, dtype=np.float32)
    sp = split_series(s, 0.1, 0.2)
    assert (len(sp.train), len(sp.val), len(sp.test)) == (70, 10, 20)
    np.testing.assert_array_equal(np.concatenate([sp.train, sp.val, sp.test]), s)
    with pytest.raises(ValueError, match="test_fraction"):
        split_series(s, 0.1, 0.6)
    with pytest.raises(ValueError, match="1-D"):
        split_series(s.reshape(10, 10))


def test_make_windows_values():
    s = np.array([0, 1, 3, 6, 10, 15], dtype=np.float32)
    x, y = make_windows(s, window=3, horizon=1)
    assert x.shape == (3, 3, 1) and y.shape == (3, 1)
    np.testing.assert_array_equal(x[0, :, 0], [-3, -2, 0])  # relative to the last value 3
    np.testing.assert_array_equal(y[:, 0], [3, 4, 5])  # next value minus last value
    x2, y2 = make_windows(s, window=2, horizon=2)
    np.testing.assert_array_equal(y2[:, 0], [5, 7, 9])


def test_make_windows_with_history_covers_every_target():
    s = np.arange(20, dtype=np.float32) ** 1.5
    train, test = s[:12], s[12:]
    x, y = make_windows(test, window=4, horizon=1, history=train)
    assert len(y) == len(test)  # one sample per test value
    xf, yf = make_windows(s, window=4, horizon=1)
    np.testing.assert_allclose(y, yf[-len(test) :])
    np.testing.assert_allclose(x, xf[-len(test) :])


def test_make_windows_bad_arguments():
    s = np.arange(5, dtype=np.float32)
    with pytest.raises(ValueError, match="window"):
        make_windows(s, window=0)
    with pytest.raises(ValueError, match="horizon"):
        make_windows(s, window=2, horizon=0)
    with pytest.raises(ValueError, match="too short"):
        make_windows(s, window=5)


def test_random_length_windows_are_deterministic_and_cropped():
    x = np.random.default_rng(0).normal(size=(50, 20, 1)).astype("float32")
    y = np.arange(50, dtype="float32")[:, None]
    a, b = RandomLengthWindows(x, y, 8, 5, seed=3), RandomLengthWindows(x, y, 8, 5, seed=3)
    assert len(a) == 7
    lengths = set()
    for i in range(len(a)):
        (xa, ya), (xb, _) = a[i], b[i]
        np.testing.assert_array_equal(xa, xb)
        assert 5 <= xa.shape[1] <= 20
        lengths.add(xa.shape[1])
        np.testing.assert_array_equal(xa, x[ya[:, 0].astype(int), -xa.shape[1] :])
    assert len(lengths) > 1
    with pytest.raises(ValueError, match="min_length"):
        RandomLengthWindows(x, y, 8, 21)
    with pytest.raises(ValueError, match="one target per sample"):
        RandomLengthWindows(x, y[:3], 8, 5)
