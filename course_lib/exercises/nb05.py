"""Self-checks for the exercises of notebook 05 (bidirectional RNNs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib.exercises import run_check

_MODES = ("concat", "sum", "ave", "mul")


def check_merge_directions(fn: Callable) -> bool:
    """Exercise 1: check merging the two directions of a bidirectional layer.

    ``fn(forward, backward_as_computed, merge_mode)`` returns what ``Bidirectional(...,
    return_sequences=True)`` outputs. ``forward`` is ``(batch, time, units)`` in time order;
    ``backward_as_computed`` is the backward layer's output in the order it was computed (its first
    row belongs to the last time step).
    """
    import keras

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(505)
        x = rng.normal(size=(3, 6, 2)).astype("float32")
        for mode in _MODES:
            bi = keras.layers.Bidirectional(
                keras.layers.SimpleRNN(4, return_sequences=True), merge_mode=mode
            )
            want = np.asarray(bi(x))
            forward = np.asarray(bi.forward_layer(x))
            backward_as_computed = np.asarray(bi.backward_layer(x))  # go_backwards=True
            got = np.asarray(fn(forward, backward_as_computed, mode))
            assert got.shape == want.shape, (
                f"merge_mode={mode!r}: expected shape {want.shape}, got {got.shape}."
            )
            flipped = {"concat": "concatenate", "sum": "add", "ave": "average", "mul": "multiply"}
            assert np.allclose(got, want, atol=1e-5), (
                f"merge_mode={mode!r}: the values are off. Put the backward outputs back in time "
                f"order first (reverse the time axis), then {flipped[mode]} them with the "
                "forward outputs."
            )

    return run_check("Exercise 1 (merging the two directions)", fn, check)


def check_bidirectional_params(fn: Callable) -> bool:
    """Exercise 2: check the weight count of a bidirectional layer.

    ``fn(cell, features, units)`` returns the number of weights of ``Bidirectional(<cell>(units))``
    on inputs with ``features`` values per step, for ``cell`` in ``"simple_rnn"``, ``"lstm"``,
    ``"gru"`` (Keras' GRU with ``reset_after=True``).
    """
    import keras

    layers = {
        "simple_rnn": keras.layers.SimpleRNN,
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
    }

    def check(fn: Callable) -> None:
        for cell, features, units in [
            ("simple_rnn", 3, 5),
            ("lstm", 3, 5),
            ("gru", 3, 5),
            ("lstm", 1, 1),
            ("gru", 7, 2),
            ("simple_rnn", 10, 16),
        ]:
            bi = keras.layers.Bidirectional(layers[cell](units))
            bi.build((None, None, features))
            want = bi.count_params()
            got = fn(cell, features, units)
            assert got == want, (
                f"{cell}, {features} features, {units} units: expected {want}, got {got}. "
                "Count one direction (input matrix, recurrent matrix, biases; per gate for "
                "LSTM and GRU, and GRU keeps two bias vectors), then remember the backward "
                "direction has weights of its own."
            )

    return run_check("Exercise 2 (counting a bidirectional layer's weights)", fn, check)


def check_future_influence(fn: Callable) -> bool:
    """Exercise 3: check measuring how much future inputs change past outputs.

    ``fn(predict, x, t, seed=0)`` replaces every input step after ``t`` of ``x`` ``(batch, time,
    features)`` by Gaussian noise and returns the largest absolute change in ``predict``'s outputs
    at steps ``0..t``: 0 for a causal model, more for one that peeks ahead.
    """
    import keras

    def check(fn: Callable) -> None:
        keras.utils.set_random_seed(5)
        x = np.random.default_rng(5).normal(size=(4, 12, 3)).astype("float32")
        causal = keras.Sequential(
            [keras.Input((None, 3)), keras.layers.SimpleRNN(6, return_sequences=True)]
        )
        both = keras.Sequential(
            [
                keras.Input((None, 3)),
                keras.layers.Bidirectional(keras.layers.SimpleRNN(6, return_sequences=True)),
            ]
        )
        one_ahead = keras.Sequential(
            [keras.Input((None, 3)), keras.layers.Conv1D(4, 3, padding="same")]
        )

        def predict(model: Any) -> Callable[[np.ndarray], np.ndarray]:
            return lambda inputs: np.asarray(model(np.asarray(inputs, "float32")))

        for t in (0, 5, 10):
            value = float(fn(predict(causal), x, t))
            assert value < 1e-6, (
                f"a one-way RNN cannot see the future, but your function returned {value:.3g} "
                f"for t={t}: change only the steps after t, and compare only steps 0..t."
            )
            for label, model in (
                ("a bidirectional RNN", both),
                ("a 'same' convolution", one_ahead),
            ):
                value = float(fn(predict(model), x, t))
                assert value > 1e-3, (
                    f"{label} does see the future, but your function returned {value:.3g} for "
                    f"t={t}: compare the outputs at every step up to and including t."
                )

        def peeks_at_step_4(inputs: np.ndarray) -> np.ndarray:  # step 4 outputs step 5's input
            out = np.zeros_like(np.asarray(inputs))
            out[:, 4] = np.asarray(inputs)[:, 5]
            return out

        assert float(fn(peeks_at_step_4, x, 4)) > 1e-3, (
            "a model whose output at step 4 copies input 5 peeks ahead at t=4; your function "
            "missed it."
        )
        assert float(fn(peeks_at_step_4, x, 5)) == 0.0, (
            "at t=5 the model above uses nothing after step 5, but your function reported a "
            "change: replace only the steps after t (t + 1 onwards)."
        )
        value = float(fn(predict(causal), x, 11))
        assert value == 0.0, "with t at the last step nothing is replaced, so nothing changes."
        x_copy = x.copy()
        fn(predict(both), x, 3)
        assert np.array_equal(x, x_copy), "do not modify x in place; work on a copy."

    return run_check("Exercise 3 (a test for peeking at the future)", fn, check)
