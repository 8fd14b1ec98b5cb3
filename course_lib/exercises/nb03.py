"""Self-checks for the exercises of notebook 03 (LSTM gates)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.cells import LSTMScratch
from course_lib.exercises import run_check


def check_lstm_step(fn: Callable) -> bool:
    """Exercise 1: check one LSTM step written by hand.

    ``fn(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)`` returns the new ``(h, c)`` of one
    LSTM step, with Keras' gate order i, f, g, o in the weight columns.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(303)
        for batch, features, units in [(1, 1, 1), (3, 4, 5), (2, 6, 3)]:
            cell = LSTMScratch(
                rng.normal(size=(features, 4 * units)),
                rng.normal(size=(units, 4 * units)) / np.sqrt(units),
                rng.normal(size=4 * units),
            )
            x_t = rng.normal(size=(batch, features))
            h_prev, c_prev = rng.normal(size=(2, batch, units))
            *_, c_want, h_want = cell.step(x_t, h_prev, c_prev)
            h, c = fn(x_t, h_prev, c_prev, cell.kernel, cell.recurrent_kernel, cell.bias)
            h, c = np.asarray(h), np.asarray(c)
            assert h.shape == c.shape == (batch, units), (
                f"h and c must both have shape {(batch, units)}; got {h.shape} and {c.shape}."
            )
            assert np.allclose(c, c_want, atol=1e-10), (
                "the cell state is off: c_t = f * c_prev + i * g, with the columns of z split "
                "into i, f, g, o in that order."
            )
            assert np.allclose(h, h_want, atol=1e-10), (
                "c is right but h is not: h_t = o * tanh(c_t)."
            )

    return run_check("Exercise 1 (one LSTM step)", fn, check)


def check_half_life(fn: Callable) -> bool:
    """Exercise 2: check the half-life of a constant forget gate.

    ``fn(f)`` returns how many steps a constant forget gate value ``f`` (array, each in (0, 1))
    takes to halve what the cell stores, when nothing new is written.
    """

    def check(fn: Callable) -> None:
        f = np.array([0.5, 0.9, 0.99, 0.7310585786])
        got = np.asarray(fn(f), dtype=np.float64)
        want = np.log(0.5) / np.log(f)
        assert got.shape == f.shape, f"expected one value per gate, shape {f.shape}."
        assert np.allclose(got, want, rtol=1e-6), (
            f"got {np.round(got, 2)}: after k steps the content is multiplied by f**k; "
            "solve f**k = 1/2 for k."
        )

    return run_check("Exercise 2 (memory half-life of a forget gate)", fn, check)


def check_adding_problem(fn: Callable) -> bool:
    """Exercise 3: check a generator of the adding problem.

    ``fn(n, length, seed)`` returns the adding problem: ``x`` float32 ``(n, length, 2)`` with
    uniform [0, 1) values in channel 0 and exactly two 1s in channel 1 (one in each half of the
    sequence), and ``y`` ``(n, 1)``, the sum of the two marked values.
    """

    def check(fn: Callable) -> None:
        for n, length in [(64, 10), (5, 50)]:
            x, y = (np.asarray(a) for a in fn(n, length, 0))
            assert x.shape == (n, length, 2), f"x must have shape {(n, length, 2)}; got {x.shape}."
            assert y.shape == (n, 1), f"y must have shape {(n, 1)}; got {y.shape}."
            values, marks = x[..., 0], x[..., 1]
            assert ((values >= 0) & (values < 1)).all(), "channel 0 must hold values in [0, 1)."
            assert set(np.unique(marks)) <= {0.0, 1.0} and (marks.sum(1) == 2).all(), (
                "channel 1 must hold exactly two 1s per sequence and 0 elsewhere."
            )
            half = length // 2
            assert (marks[:, :half].sum(1) == 1).all(), "put one mark in each half."
            assert np.allclose(y[:, 0], (values * marks).sum(1), atol=1e-6), (
                "y must be the sum of the two marked values."
            )
            x2, _ = fn(n, length, 0)
            assert np.array_equal(np.asarray(x2), x), "the same seed must give the same data."

    return run_check("Exercise 3 (the adding problem)", fn, check)
