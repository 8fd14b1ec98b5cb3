"""Self-checks for the exercises of notebook 01 (RNN basics)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from course_lib.cells import SimpleRNNScratch
from course_lib.exercises import run_check
from course_lib.gradients import bptt_gradient_norms


def _random_cell(rng: np.random.Generator, features: int, units: int) -> SimpleRNNScratch:
    return SimpleRNNScratch(
        rng.normal(scale=0.5, size=(features, units)),
        rng.normal(scale=0.4 / np.sqrt(units), size=(units, units)),
        rng.normal(scale=0.1, size=units),
    )


def _keras_rnn(rng: np.random.Generator, features: int, units: int) -> Any:
    import keras

    layer = keras.layers.SimpleRNN(units)
    layer.build((None, None, features))
    layer.set_weights(
        [
            rng.normal(scale=0.5, size=(features, units)).astype("float32"),
            rng.normal(scale=0.9 / np.sqrt(units), size=(units, units)).astype("float32"),
            rng.normal(scale=0.1, size=units).astype("float32"),
        ]
    )
    return layer


def _last_state_of(fn: Callable, layer: Any, chunk: int, x: Any) -> Any:
    return fn(layer, x, chunk)


def check_truncated_last_state(fn: Callable) -> bool:
    """Exercise 1: check truncated backpropagation through time.

    ``fn(layer, x, chunk)`` runs the Keras ``SimpleRNN`` ``layer`` (which returns its last state)
    over ``x`` in pieces of ``chunk`` steps, passing each piece's last state on as the next
    piece's initial state with its gradient stopped, and returns the last state. The check
    compares, on fresh layers and inputs, the value with one pass over the whole sequence and the
    gradient of every input with ``gradients.bptt_gradient_norms``: the same as full BPTT inside
    the last piece, exactly zero before it.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(101)
        for batch, time, features, units, chunk in [
            (2, 12, 3, 4, 5),
            (1, 9, 2, 6, 3),
            (3, 7, 1, 5, 7),
        ]:
            layer = _keras_rnn(rng, features, units)
            x = rng.normal(size=(batch, time, features)).astype("float32")
            got = np.asarray(fn(layer, x, chunk))
            want = np.asarray(layer(x))
            assert got.shape == want.shape, (
                f"expected the last state {want.shape}, got {got.shape}."
            )
            assert np.allclose(got, want, atol=1e-5), (
                f"with chunk={chunk} the last state differs from one pass over the whole "
                "sequence: is each piece's last state passed on as the next initial_state?"
            )
            full = bptt_gradient_norms(layer, x)  # by lag; lag 0 is the last input
            truncated = bptt_gradient_norms(partial(_last_state_of, fn, layer, chunk), x)
            last = time - (time - 1) // chunk * chunk  # steps in the last piece
            assert np.allclose(truncated[:last], full[:last], rtol=1e-4, atol=1e-7), (
                f"with chunk={chunk}, the gradients from the last {last} inputs differ from full "
                "BPTT: inside a piece nothing is cut."
            )
            assert np.all(truncated[last:] == 0), (
                f"with chunk={chunk}, inputs before the last piece still receive gradient (lags "
                f"{last} and more): stop the gradient of the state passed between pieces "
                "(keras.ops.stop_gradient)."
            )

    return run_check("Exercise 1 (truncated backpropagation through time)", fn, check)


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
