"""Real time series shipped with statsmodels (offline), and the windows cut from them."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from course_lib._args import finite_float, int_in_range, positive_int


def load_co2() -> np.ndarray:
    """Weekly atmospheric CO2 at Mauna Loa, March 1958 to December 2001, in ppm.

    The series ships with statsmodels (2,284 weeks); its 59 missing weeks are filled by linear
    interpolation between the neighbouring measurements.

    Returns:
        float32 array of shape ``(2284,)``.
    """
    from statsmodels.datasets import co2

    frame = co2.load_pandas().data
    values = frame["co2"].interpolate(method="linear", limit_direction="both").to_numpy()
    return values.astype(np.float32)


def load_sunspots() -> np.ndarray:
    """Yearly mean sunspot numbers, 1700 to 2008 (309 values), shipped with statsmodels.

    Returns:
        float32 array of shape ``(309,)``.
    """
    from statsmodels.datasets import sunspots

    return sunspots.load_pandas().data["SUNACTIVITY"].to_numpy().astype(np.float32)


@dataclass(frozen=True)
class SeriesSplit:
    """A series cut in time order into train, validation and test parts.

    Attributes:
        train, val, test: the three parts, each a 1-D float32 array.
        train_end, val_end: indices in the original series where val and test begin.
    """

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    train_end: int
    val_end: int


def split_series(
    series: np.ndarray, val_fraction: float = 0.15, test_fraction: float = 0.15
) -> SeriesSplit:
    """Split a 1-D series in time order (never shuffled: the future stays unseen).

    Args:
        series: shape ``(n,)``.
        val_fraction: share of the series for validation, in (0, 0.5).
        test_fraction: share of the series for test, in (0, 0.5).

    Returns:
        A ``SeriesSplit``.

    Raises:
        ValueError: for a series that is not 1-D or fractions outside (0, 0.5).
    """
    series = np.asarray(series, dtype=np.float32)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D; got shape {series.shape}.")
    for label, frac in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        finite_float(frac, label, above=0.0, below=0.5)
    n = len(series)
    val_end = int(round(n * (1.0 - test_fraction)))
    train_end = int(round(n * (1.0 - test_fraction - val_fraction)))
    return SeriesSplit(
        series[:train_end], series[train_end:val_end], series[val_end:], train_end, val_end
    )


def make_windows(
    series: np.ndarray, window: int, horizon: int = 1, history: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into (past window, future value) pairs, relative to the window's last value.

    Inputs and target are expressed as differences from the last observed value, so a model
    learns changes, not levels: the CO2 trend then carries over from the training years to the
    later test years. Predicting 0 is the naive "no change" forecast.

    Args:
        series: the part to cut, shape ``(n,)``.
        window: number of past steps in each input (>= 1).
        horizon: how many steps ahead the target lies (>= 1).
        history: values that precede ``series`` (e.g. the training part when cutting the test
            part), so that the first targets of ``series`` get full windows.

    Returns:
        ``x`` of shape ``(samples, window, 1)`` and ``y`` of shape ``(samples, 1)``, float32, where
        ``x[i, j] = s[i + j] - s[i + window - 1]`` and ``y[i] = s[i + window - 1 + horizon] -
        s[i + window - 1]``.

    Raises:
        ValueError: for a bad window or horizon, or a series too short for one sample.
    """
    window = positive_int(window, "window")
    horizon = positive_int(horizon, "horizon")
    series = np.asarray(series, dtype=np.float32)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D; got shape {series.shape}.")
    n_hist = 0
    if history is not None:
        history = np.asarray(history, dtype=np.float32)[-(window + horizon - 1) :]
        n_hist = len(history)
        series = np.concatenate([history, series])
    samples = len(series) - window - horizon + 1
    if samples < 1 or len(series) - n_hist < 1:
        raise ValueError(
            f"a series of {len(series)} values is too short for window={window} and "
            f"horizon={horizon}."
        )
    idx = np.arange(samples)[:, None] + np.arange(window)[None, :]
    x = series[idx]
    last = x[:, -1:]
    y = series[np.arange(samples) + window - 1 + horizon][:, None] - last
    # keep only the samples whose target falls inside `series` itself (not in `history`)
    keep = np.arange(samples) + window - 1 + horizon >= n_hist
    return (x - last)[keep, :, None].astype(np.float32), y[keep].astype(np.float32)


class RandomLengthWindows(keras.utils.PyDataset):
    """Batches of windows whose length changes from batch to batch, for training an RNN.

    Each batch keeps only the most recent ``L`` steps of its windows, with ``L`` drawn uniformly
    from ``[min_length, window]``. A model trained this way learns to forecast from a history of
    any length in that range. Shuffling and lengths are drawn from ``seed``, so two runs with
    the same seed see the same batches.

    Args:
        x: windows of shape ``(samples, window, features)`` (e.g. from ``make_windows``).
        y: targets of shape ``(samples, ...)``.
        batch_size: windows per batch.
        min_length: shortest history to train on (1 to ``window``).
        seed: seed of the shuffling and of the lengths.
    """

    def __init__(
        self, x: np.ndarray, y: np.ndarray, batch_size: int = 32, min_length: int = 8, seed: int = 0
    ) -> None:
        super().__init__()
        x, y = np.asarray(x), np.asarray(y)
        if x.ndim != 3 or len(x) != len(y) or len(x) == 0:
            raise ValueError(
                f"x must be (samples, window, features) with one target per sample; got x "
                f"{x.shape} and y {y.shape}."
            )
        min_length = int_in_range(min_length, "min_length", 1, x.shape[1])
        batch_size = positive_int(batch_size, "batch_size")
        self.x, self.y = x, y
        self.batch_size, self.min_length = batch_size, min_length
        self._rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def on_epoch_end(self) -> None:
        """Draw a new order of the windows and a new length for each batch."""
        self._order = self._rng.permutation(len(self.x))
        self._lengths = self._rng.integers(self.min_length, self.x.shape[1] + 1, size=len(self))

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        return self.x[rows, -self._lengths[index] :], self.y[rows]
