"""Self-checks for the exercises of notebook 07 (ConvLSTM next-frame prediction)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.data.video import bounce_step
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


def check_bounce_step(fn: Callable) -> bool:
    """Exercise 2: check one step of bouncing motion.

    ``fn(position, velocity, high)`` moves integer positions by their velocity and reflects them off
    walls at 0 and ``high``, flipping the velocity of what bounced.
    """

    def check(fn: Callable) -> None:
        cases = [
            (np.array([0, 10, 5, 1, 9]), np.array([-2, 1, 2, -1, 2]), 10),
            (np.array([3, 0, 4]), np.array([1, 1, -1]), 4),
        ]
        rng = np.random.default_rng(707)
        high = 16
        pos = rng.integers(0, high + 1, size=(50, 2))
        vel = rng.integers(1, 3, size=(50, 2)) * rng.choice([-1, 1], size=(50, 2))
        cases.append((pos, vel, high))
        for position, velocity, high in cases:
            want_p, want_v = bounce_step(position, velocity, high)
            got_p, got_v = (np.asarray(a) for a in fn(position.copy(), velocity.copy(), high))
            assert got_p.shape == want_p.shape and got_v.shape == want_v.shape, (
                f"return (position, velocity) with the input shape {position.shape}."
            )
            assert np.array_equal(got_p, want_p), (
                f"positions {position.tolist()} moving {velocity.tolist()} with walls at 0 and "
                f"{high} should end at {want_p.tolist()}; got {got_p.tolist()}. A step past a "
                "wall comes back by as much as it went past (it is reflected, not clipped)."
            )
            assert np.array_equal(got_v, want_v), (
                f"velocities should become {want_v.tolist()}; got {got_v.tolist()}: flip the "
                "velocity of each coordinate that bounced, and only of those."
            )

    return run_check("Exercise 2 (bouncing off the walls)", fn, check)


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
