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


def _reverse_valid(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    out = x.copy()
    for i, n in enumerate(lengths):
        out[i, :n] = x[i, :n][::-1]
    return out


def check_reverse_valid(fn: Callable) -> bool:
    """Exercise 2: check reversing only the real steps of end-padded sequences.

    ``fn(x, lengths)`` takes a batch ``x (batch, time, features)`` whose sequence ``i`` has
    ``lengths[i]`` real steps followed by padding, and returns an array of the same shape in which
    each sequence's real steps are in reverse order and the padding stays where it was.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(515)
        cases = [(np.arange(1.0, 8.0).reshape(1, 7, 1), np.array([4]))]
        for batch, time, features in [(4, 6, 2), (8, 12, 3), (3, 1, 2)]:
            x = rng.normal(size=(batch, time, features))
            lengths = rng.integers(0, time + 1, size=batch)
            lengths[0] = time  # one sequence without padding
            cases.append((x, lengths))
        for x, lengths in cases:
            x_copy = x.copy()
            got = np.asarray(fn(x, lengths.copy()))
            want = _reverse_valid(x, lengths)
            assert np.array_equal(x, x_copy), "do not modify x in place; work on a copy."
            assert got.shape == x.shape, f"expected shape {x.shape}, got {got.shape}."
            for i, n in enumerate(lengths):
                if np.allclose(got[i], want[i]):
                    continue
                example = (
                    f" (for {x[i, :, 0].tolist()}: {want[i, :, 0].tolist()}, not "
                    f"{got[i, :, 0].tolist()})"
                    if x.shape[-1] == 1
                    else ""
                )
                assert not (n < x.shape[1] and np.allclose(got[i], x[i, ::-1])), (
                    f"a sequence with {n} real steps of {x.shape[1]} was reversed whole, so it "
                    f"now starts with padding{example}. Reverse only its first {n} steps."
                )
                raise AssertionError(
                    f"a sequence with {n} real steps is off{example}: steps 0..{n - 1} must "
                    f"come out in reverse order, and steps {n}.. (the padding) unchanged."
                )

    return run_check("Exercise 2 (reversing only the real steps)", fn, check)


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
