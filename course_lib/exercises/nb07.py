"""Self-checks for the exercises of notebook 07 (ConvLSTM next-frame prediction)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.exercises import run_check


def _steps_to_reach(distance: int, kernel_size: int, layers: int) -> int:
    # frame t reaches layers * r pixels into the top state H_t, and each later step adds one
    # recurrent convolution of radius r: (layers + n) * r >= distance
    r = kernel_size // 2
    return max(0, -(-distance // r) - layers)


def check_steps_to_reach(fn: Callable) -> bool:
    """Exercise 1: check how fast information spreads across a stacked ConvLSTM.

    ``fn(distance, kernel_size, layers)`` returns the fewest steps ``n >= 0`` after which a pixel of
    frame ``t`` can affect the top layer's hidden state ``H_{t+n}`` at a pixel ``distance`` pixels
    away (Chebyshev distance), in ``layers`` stacked ConvLSTM layers whose input and recurrent
    kernels are ``kernel_size`` pixels wide (odd, at least 3). ``n = 0`` means within the step
    that reads frame ``t``.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(717)
        cases = [(1, 3, 1), (2, 3, 1), (2, 5, 1), (2, 3, 2), (0, 3, 1), (5, 3, 2), (7, 5, 1)]
        cases += [
            (int(rng.integers(0, 40)), int(rng.choice([3, 5, 7, 9])), int(rng.integers(1, 5)))
            for _ in range(30)
        ]
        for distance, kernel_size, layers in cases:
            want = _steps_to_reach(distance, kernel_size, layers)
            got = fn(distance, kernel_size, layers)
            assert int(got) == got and int(got) == want, (
                f"distance {distance}, kernel {kernel_size}x{kernel_size}, {layers} layer(s): "
                f"got {got}, expected {want}. Within the step that reads frame t, the pixel "
                "passes through each layer's input convolution; every later step adds one "
                "recurrent convolution. A k x k kernel reaches k // 2 pixels."
            )

    return run_check("Exercise 1 (how far a pixel reaches per step)", fn, check)


def check_convlstm_peepholes(fn: Callable) -> bool:
    """Exercise 2: check a ConvLSTM with peephole connections (Shi et al., 2015).

    ``fn(x, kernel, recurrent_kernel, bias, peepholes)`` runs the cell over ``x`` ``(batch, time,
    h, w, channels)`` from zero states, with Keras' weights (gate blocks i, f, g, o) and
    ``peepholes`` ``(3, h, w, filters)``, the maps ``w_ci``, ``w_cf``, ``w_co``: the input and
    forget gates add ``w ⊙ C_{t-1}``, the output gate adds ``w_co ⊙ C_t``. It returns the hidden
    states ``(batch, time, h, w, filters)``. The reference is
    ``course_lib.solutions.nb07.convlstm_peephole_forward``; with zero peepholes it must also
    match ``keras.layers.ConvLSTM2D``.
    """
    from course_lib.solutions.nb07 import convlstm_peephole_forward

    def check(fn: Callable) -> None:
        import keras

        rng = np.random.default_rng(707)
        for batch, time, height, width, channels, filters in [
            (2, 3, 5, 6, 1, 2),
            (1, 4, 4, 4, 2, 3),
        ]:
            layer = keras.layers.ConvLSTM2D(filters, 3, padding="same", return_sequences=True)
            x = rng.normal(size=(batch, time, height, width, channels)).astype("float32")
            layer.build(x.shape)
            kernel, recurrent, bias = layer.get_weights()
            bias = bias + rng.normal(scale=0.5, size=bias.shape).astype("float32")
            layer.set_weights([kernel, recurrent, bias])
            none = np.zeros((3, height, width, filters))
            got = np.asarray(fn(x, kernel, recurrent, bias, none))
            want = np.asarray(layer(x))
            assert got.shape == want.shape, f"expected hidden states {want.shape}; got {got.shape}."
            assert np.allclose(got, want, atol=1e-5), (
                "with zero peepholes the cell must be keras.layers.ConvLSTM2D: check the "
                "convolutions ('same' zero padding) and the gate order i, f, g, o."
            )
            peepholes = rng.normal(scale=0.7, size=(3, height, width, filters))
            got = np.asarray(fn(x, kernel, recurrent, bias, peepholes))
            want = convlstm_peephole_forward(x, kernel, recurrent, bias, peepholes)
            assert np.allclose(got, want, atol=1e-6), (
                "with peepholes the states are off: the input and forget gates read the OLD cell "
                "state, w_ci * C_(t-1) and w_cf * C_(t-1); the output gate reads the NEW one, "
                "w_co * C_t, so it is computed after the cell update."
            )

    return run_check("Exercise 2 (a ConvLSTM with peepholes)", fn, check)


def _causal(x: np.ndarray) -> np.ndarray:
    return np.cumsum(x, axis=1) / np.arange(1, x.shape[1] + 1).reshape(1, -1, 1)


def _peeks_two_ahead(x: np.ndarray) -> np.ndarray:
    ahead = np.concatenate([x[:, 2:], np.zeros_like(x[:, :2])], axis=1)
    return x + ahead


def _last_frame_everywhere(x: np.ndarray) -> np.ndarray:
    return np.repeat(x[:, -1:], x.shape[1], axis=1)


def check_future_leak(fn: Callable) -> bool:
    """Exercise 3: check measuring whether future frames leak into predictions.

    ``fn(predict, clips, t)`` replaces frames ``t, t+1, ...`` of ``clips`` with noise and returns
    the largest absolute change of ``predict``'s outputs at steps before ``t``.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(7)
        clips = rng.random((4, 6, 3)).astype(np.float32)
        untouched = clips.copy()
        for t in (1, 3, 5):
            got = float(fn(_causal, clips, t))
            assert np.array_equal(clips, untouched), "do not change the caller's clips; copy them."
            assert got < 1e-6, (
                f"a running mean over time cannot see the future, but your function reports a "
                f"change of {got:.3g} at t={t}: compare only the outputs at steps 0..t-1."
            )
        got = float(fn(_peeks_two_ahead, clips, 3))
        assert got > 1e-3, (
            "output s of this model adds frame s+2, so changing frames from t=3 on changes "
            f"outputs 1 and 2; your function reports {got:.3g}. Perturb frames t, t+1, ..."
        )
        got = float(fn(_last_frame_everywhere, clips, 2))
        assert got > 1e-3, (
            "every output of this model is the clip's last frame, so changing frames from t=2 "
            f"on must change outputs 0 and 1; your function reports {got:.3g}. Replace every "
            "frame from t to the end, not only frame t."
        )

    return run_check("Exercise 3 (a test for peeking at the future)", fn, check)
