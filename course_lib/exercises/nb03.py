"""Self-checks for the exercises of notebook 03 (LSTM gates)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.exercises import run_check


def check_cifg_forward(fn: Callable) -> bool:
    """Exercise 1: check an LSTM whose input gate is tied to its forget gate, ``i_t = 1 - f_t``.

    ``fn(x, kernel, recurrent_kernel, bias)`` runs the coupled-gate LSTM over ``x`` ``(batch,
    time, features)`` from zero states, with three column blocks ``f, g, o`` in the weights, and
    returns the hidden states and the cell states, each ``(batch, time, units)``. The reference is
    ``course_lib.solutions.nb03.cifg_forward``.
    """
    from course_lib.solutions.nb03 import cifg_forward

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(303)
        for batch, time, features, units in [(1, 1, 1, 1), (3, 6, 4, 5), (2, 9, 2, 3)]:
            kernel = rng.normal(size=(features, 3 * units))
            recurrent = rng.normal(size=(units, 3 * units)) / np.sqrt(units)
            bias = rng.normal(size=3 * units)
            x = rng.normal(size=(batch, time, features))
            h, c = (np.asarray(a) for a in fn(x, kernel, recurrent, bias))
            h_want, c_want = cifg_forward(x, kernel, recurrent, bias)
            assert h.shape == c.shape == (batch, time, units), (
                f"h and c must both have shape {(batch, time, units)}; got {h.shape} and {c.shape}."
            )
            assert np.allclose(c, c_want, atol=1e-10), (
                "the cell states are off: c_t = f_t * c_(t-1) + (1 - f_t) * g_t, with the columns "
                "of z split into f, g, o in that order."
            )
            assert np.allclose(h, h_want, atol=1e-10), (
                "c is right but h is not: h_t = o_t * tanh(c_t)."
            )

    return run_check("Exercise 1 (an LSTM with coupled input and forget gates)", fn, check)


def check_kept_fraction(fn: Callable) -> bool:
    """Exercise 2: check the share of a written value that the forget gates keep to the end.

    ``fn(f, marks)`` takes forget gates ``f`` ``(batch, time, units)`` and each sequence's marked
    step ``marks`` ``(batch,)`` and returns ``(batch, units)``: the product of the forget gates
    after the mark, up to and including the last step. The reference is
    ``course_lib.solutions.nb03.kept_fraction``.
    """
    from course_lib.solutions.nb03 import kept_fraction

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(304)
        for batch, time, units in [(4, 8, 3), (1, 5, 1), (6, 12, 2)]:
            f = rng.uniform(0.3, 1.0, size=(batch, time, units))
            marks = rng.integers(0, time, size=batch)
            marks[0] = time - 1  # written at the last step: nothing has been forgotten yet
            got = np.asarray(fn(f, marks), dtype=np.float64)
            assert got.shape == (batch, units), f"expected shape {(batch, units)}; got {got.shape}."
            assert np.allclose(got, kept_fraction(f, marks), rtol=1e-9), (
                "not the product of the forget gates strictly after each sequence's mark, through "
                "the last step: c_T = f_T * ... * f_(m+1) * c_m when nothing more is written "
                "(a value written at the last step is kept whole)."
            )

    return run_check("Exercise 2 (what the forget gates keep)", fn, check)


def check_adding_problem(fn: Callable) -> bool:
    """Exercise 3: check a generator of the adding problem.

    ``fn(n, length, seed)`` returns the adding problem: ``x`` float32 ``(n, length, 2)`` with
    uniform [0, 1) values in channel 0 and exactly two 1s in channel 1 (one in each half of the
    sequence), and ``y`` ``(n, 1)``, the sum of the two marked values: the form of Arjovsky, Shah
    and Bengio (2016), a simplification of Hochreiter and Schmidhuber's (1997).
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
