"""Self-checks for the exercises of notebook 04 (GRU)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.cells import GRUScratch, LSTMScratch, SimpleRNNScratch
from course_lib.exercises import run_check


def _random_gru(rng: np.random.Generator, features: int, units: int, reset_after: bool):
    bias_shape = (2, 3 * units) if reset_after else (3 * units,)
    return GRUScratch(
        rng.normal(size=(features, 3 * units)),
        rng.normal(size=(units, 3 * units)) / np.sqrt(units),
        rng.normal(size=bias_shape),
        reset_after=reset_after,
    )


def _check_step(fn: Callable, reset_after: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for batch, features, units in [(1, 1, 1), (3, 4, 5), (2, 6, 3)]:
        cell = _random_gru(rng, features, units, reset_after)
        x_t = rng.normal(size=(batch, features))
        h_prev = rng.normal(size=(batch, units))
        z, r, candidate, h_want = cell.step(x_t, h_prev)
        h = np.asarray(fn(x_t, h_prev, cell.kernel, cell.recurrent_kernel, cell.bias))
        assert h.shape == (batch, units), f"h must have shape {(batch, units)}; got {h.shape}."
        if np.allclose(h, (1 - z) * h_prev + z * candidate, atol=1e-10):
            raise AssertionError(
                "z and 1 - z are swapped: in Keras z is the share of the OLD state kept, "
                "h_t = z * h_prev + (1 - z) * candidate."
            )
        assert np.allclose(h, h_want, atol=1e-10), (
            "h is off. Split the columns into z, r, h blocks (in that order); "
            + (
                "bias[0] is the input bias, bias[1] the recurrent bias, and the reset gate "
                "multiplies (h_prev @ U_h + recurrent bias)."
                if reset_after
                else "there is one bias vector, and the reset gate multiplies h_prev "
                "before it meets U_h: (r * h_prev) @ U_h."
            )
        )


def check_gru_step(fn: Callable) -> bool:
    """Exercise 1: check one GRU step written by hand (``reset_after=True``).

    ``fn(x_t, h_prev, kernel, recurrent_kernel, bias)`` returns the new hidden state of one Keras
    GRU step with ``reset_after=True`` (``bias`` has shape ``(2, 3 * units)``).
    """
    return run_check(
        "Exercise 1 (one GRU step, reset after)", fn, lambda f: _check_step(f, True, 404)
    )


def check_reset_before_step(fn: Callable) -> bool:
    """Exercise 2: check one GRU step with the reset gate before the product.

    the same step in the original form, ``reset_after=False`` (``bias`` has shape ``(3 * units,)``,
    and the reset gate multiplies ``h_prev`` before the recurrent product).
    """
    return run_check(
        "Exercise 2 (one GRU step, reset before)", fn, lambda f: _check_step(f, False, 405)
    )


def _keras_count(cell: str, features: int, units: int, reset_after: bool) -> int:
    if cell == "simple_rnn":
        return SimpleRNNScratch(
            np.zeros((features, units)), np.zeros((units, units)), np.zeros(units)
        ).count_params()
    if cell == "lstm":
        return LSTMScratch(
            np.zeros((features, 4 * units)), np.zeros((units, 4 * units)), np.zeros(4 * units)
        ).count_params()
    bias = np.zeros((2, 3 * units)) if reset_after else np.zeros(3 * units)
    return GRUScratch(
        np.zeros((features, 3 * units)), np.zeros((units, 3 * units)), bias, reset_after
    ).count_params()


def check_count_params(fn: Callable) -> bool:
    """Exercise 3: check the weight count of a Keras recurrent layer.

    ``fn(cell, features, units, reset_after=True)`` returns the number of weights of one Keras
    recurrent layer, ``cell`` being ``"simple_rnn"``, ``"lstm"`` or ``"gru"`` (``reset_after`` only
    matters for the GRU).
    """

    def check(fn: Callable) -> None:
        for features, units in [(1, 1), (3, 8), (17, 5), (64, 128)]:
            for cell in ("simple_rnn", "lstm", "gru"):
                for reset_after in (True, False):
                    want = _keras_count(cell, features, units, reset_after)
                    got = fn(cell, features, units, reset_after=reset_after)
                    assert got == want, (
                        f"{cell} with features={features}, units={units}"
                        + (f", reset_after={reset_after}" if cell == "gru" else "")
                        + f": got {got}, Keras counts {want}. Count one input matrix, one "
                        "recurrent matrix and the bias vector(s) per block."
                    )

    return run_check("Exercise 3 (parameter counts)", fn, check)
