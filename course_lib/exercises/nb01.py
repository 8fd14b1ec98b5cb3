"""Self-checks for the exercises of notebook 01 (RNN basics)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.cells import SimpleRNNScratch
from course_lib.exercises import run_check


def _random_cell(rng: np.random.Generator, features: int, units: int) -> SimpleRNNScratch:
    return SimpleRNNScratch(
        rng.normal(scale=0.5, size=(features, units)),
        rng.normal(scale=0.4 / np.sqrt(units), size=(units, units)),
        rng.normal(scale=0.1, size=units),
    )


def check_run_in_chunks(fn: Callable) -> bool:
    """Exercise 1: check a function that runs a cell over a sequence in chunks.

    ``fn(cell, x, chunk)`` runs ``cell`` over ``x`` in pieces of ``chunk`` steps, carrying the
    hidden state across pieces, and returns all hidden states ``(batch, time, units)``.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(101)
        for batch, time, features, units, chunk in [
            (2, 12, 3, 4, 5),
            (1, 7, 1, 6, 7),
            (3, 9, 2, 5, 1),
        ]:
            cell = _random_cell(rng, features, units)
            x = rng.normal(size=(batch, time, features))
            got = np.asarray(fn(cell, x, chunk))
            assert got.shape == (batch, time, units), (
                f"expected shape {(batch, time, units)}, got {got.shape}."
            )
            assert np.allclose(got, cell(x), atol=1e-10), (
                f"with chunk={chunk} the states differ from one pass over the whole sequence: "
                "is the last state of each piece passed as initial_state to the next?"
            )

    return run_check("Exercise 1 (carry the state across chunks)", fn, check)


def check_linear_jacobian_norms(fn: Callable) -> bool:
    """Exercise 2: check the Jacobian norms of a linear RNN.

    ``fn(kernel, recurrent_kernel, max_lag)`` returns, for a linear RNN ``h_t = x_t W_x + h_{t-1}
    W_h``, the Frobenius norms of ``d h_T / d x_{T-k}`` for ``k = 0 .. max_lag`` as an array of
    shape ``(max_lag + 1,)``.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(202)
        for features, units, max_lag, scale in [(2, 3, 6, 0.9), (1, 5, 10, 1.2), (3, 4, 0, 0.5)]:
            kernel = rng.normal(size=(features, units))
            q, _ = np.linalg.qr(rng.normal(size=(units, units)))
            recurrent = scale * q
            got = np.asarray(fn(kernel, recurrent, max_lag), dtype=np.float64)
            assert got.shape == (max_lag + 1,), f"expected shape {(max_lag + 1,)}, got {got.shape}."
            # reference by finite differences on the from-scratch cell
            cell = SimpleRNNScratch(kernel, recurrent, activation="linear")
            steps = max_lag + 1
            base = rng.normal(size=(1, steps, features))
            want = np.empty(steps)
            for k in range(steps):
                t = steps - 1 - k
                jac = np.empty((features, units))
                for f in range(features):
                    bumped = base.copy()
                    bumped[0, t, f] += 1.0  # exact for a linear map
                    jac[f] = cell(bumped)[0, -1] - cell(base)[0, -1]
                want[k] = np.linalg.norm(jac)
            assert np.allclose(got, want, rtol=1e-6, atol=1e-9), (
                f"norms {np.round(got, 4)} differ from the measured {np.round(want, 4)}: "
                "d h_T / d x_(T-k) is W_x times W_h to the power k."
            )

    return run_check("Exercise 2 (Jacobian norms of a linear RNN)", fn, check)


def check_sample_with_temperature(fn: Callable) -> bool:
    """Exercise 3: check sampling with a temperature.

    ``fn(logits, temperature, rng)`` draws one id per row of ``logits`` ``(batch, vocab)`` from
    ``softmax(logits / temperature)``; temperature 0 means arg-max.
    """

    def check(fn: Callable) -> None:
        logits = np.array([[2.0, 1.0, 0.0, -1.0], [0.0, 3.0, 0.5, 0.0]])
        greedy = np.asarray(fn(logits, 0.0, np.random.default_rng(0)))
        assert greedy.shape == (2,), f"expected one id per row, shape (2,), got {greedy.shape}."
        assert greedy.tolist() == [0, 1], f"temperature 0 should pick the arg-max, got {greedy}."
        for temperature in (0.5, 1.0, 2.0):
            rng = np.random.default_rng(7)
            draws = np.stack([np.asarray(fn(logits, temperature, rng)) for _ in range(4000)])
            z = logits / temperature
            want = np.exp(z - z.max(axis=1, keepdims=True))
            want /= want.sum(axis=1, keepdims=True)
            for row in range(2):
                freq = np.bincount(draws[:, row], minlength=4) / len(draws)
                assert np.allclose(freq, want[row], atol=0.03), (
                    f"at temperature {temperature}, row {row}: drawn frequencies "
                    f"{np.round(freq, 3)} but softmax(logits / T) is {np.round(want[row], 3)}."
                )

    return run_check("Exercise 3 (sampling with a temperature)", fn, check)
