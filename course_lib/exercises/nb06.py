"""Self-checks for the exercises of notebook 06 (stacked RNNs)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.exercises import run_check

_PER_LAYER = {
    "simple_rnn": lambda d, n: n * (d + n + 1),
    "lstm": lambda d, n: 4 * n * (d + n + 1),
    "gru": lambda d, n: 3 * n * (d + n + 2),
}


def check_stack_weights(fn: Callable) -> bool:
    """Exercise 1: ``fn(cell, features, units, depth, bidirectional=False)`` returns the number
    of weights of ``depth`` stacked Keras recurrent layers (checked against Keras itself).
    """

    def check(fn: Callable) -> None:
        from course_lib.models import build_stacked_rnn_model

        cases = [
            ("simple_rnn", 3, 4, 1, False),
            ("gru", 5, 6, 3, False),
            ("lstm", 2, 3, 2, False),
            ("lstm", 4, 5, 3, True),
            ("gru", 1, 2, 2, True),
        ]
        for cell, features, units, depth, bi in cases:
            model = build_stacked_rnn_model(
                features, 1, depth=depth, units=units, cell=cell, bidirectional=bi
            )
            want = model.count_params() - model.get_layer("head").count_params()
            got = fn(cell, features, units, depth, bidirectional=bi)
            hint = (
                " A bidirectional layer holds two layers and passes 2 * units features up."
                if bi
                else " Layer 1 reads `features` inputs; every layer above reads `units`."
            )
            assert got == want, (
                f"{cell}, features={features}, units={units}, depth={depth}, "
                f"bidirectional={bi}: expected {want}, got {got}.{hint}"
            )

    return run_check("Exercise 1 (weights of a stack)", fn, check)


def check_build_stack(fn: Callable) -> bool:
    """Exercise 2: ``fn(features, depth, units)`` returns a Keras model of ``depth`` GRU layers
    mapping ``(batch, time, features)`` to ``(batch, units)``.
    """

    def check(fn: Callable) -> None:
        import keras

        for features, depth, units in [(3, 1, 4), (2, 3, 5)]:
            model = fn(features, depth, units)
            assert isinstance(model, keras.Model), "return a keras.Model."
            out = model(np.zeros((2, 7, features), "float32"))
            assert tuple(out.shape) == (2, units), (
                f"depth {depth}: the output must be (batch, units) = (2, {units}); got "
                f"{tuple(out.shape)}. Only the lower layers return sequences."
            )
            grus = [layer for layer in model.layers if isinstance(layer, keras.layers.GRU)]
            assert len(grus) == depth, f"expected {depth} GRU layers; found {len(grus)}."
            want = 3 * units * (features + units + 2) + (depth - 1) * 3 * units * (2 * units + 2)
            assert model.count_params() == want, (
                f"expected {want} weights (GRU layers only); got {model.count_params()}."
            )
            flags = [g.return_sequences for g in grus]
            assert flags == [True] * (depth - 1) + [False], (
                f"return_sequences per layer should be {[True] * (depth - 1) + [False]}; "
                f"got {flags}."
            )

    return run_check("Exercise 2 (wire a stack)", fn, check)


def check_residual_stack(fn: Callable) -> bool:
    """Exercise 3: ``fn(x, layers)`` applies a list of functions as a residual stack: the first
    layer's output replaces ``x``, every later output is added to that layer's input.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(606)
        x = rng.normal(size=(2, 5, 3))
        w_in = rng.normal(size=(3, 4))
        ws = [rng.normal(size=(4, 4)) / 2 for _ in range(3)]
        layers = [lambda z: np.tanh(z @ w_in)] + [lambda z, w=w: np.tanh(z @ w) for w in ws]
        for depth in (1, 2, 4):
            z = layers[0](x)
            for layer in layers[1:depth]:
                z = z + layer(z)
            got = np.asarray(fn(x, layers[:depth]))
            assert got.shape == z.shape, f"expected shape {z.shape}; got {got.shape}."
            assert np.allclose(got, z, atol=1e-10), (
                f"depth {depth}: wrong values. Layer 1: z = f1(x) (widths differ, no skip); "
                "then z = z + f(z) for every later layer, each reading the running z."
            )

    return run_check("Exercise 3 (a residual stack)", fn, check)
