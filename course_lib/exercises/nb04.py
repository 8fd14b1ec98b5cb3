"""Self-checks for the exercises of notebook 04 (GRU)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.cells import GRUScratch
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


def check_minimal_gated_unit(fn: Callable) -> bool:
    """Exercise 1: check the minimal gated unit (Zhou et al., 2016), one gate for both jobs.

    ``fn(x, kernel, recurrent_kernel, bias)`` runs the cell over ``x`` ``(batch, time,
    features)`` from a zero state, with two column blocks ``f, h`` in the weights, and returns
    the hidden states ``(batch, time, units)``:
    ``f_t = sigmoid(x_t W_f + h_{t-1} U_f + b_f)``,
    ``cand_t = tanh(x_t W_h + (f_t * h_{t-1}) U_h + b_h)``,
    ``h_t = (1 - f_t) h_{t-1} + f_t cand_t``.
    The reference is ``course_lib.solutions.nb04.minimal_gated_unit``.
    """
    from course_lib.solutions.nb04 import minimal_gated_unit

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(404)
        for batch, time, features, units in [(1, 1, 1, 1), (3, 7, 4, 5), (2, 10, 2, 3)]:
            kernel = rng.normal(size=(features, 2 * units))
            recurrent = rng.normal(size=(units, 2 * units)) / np.sqrt(units)
            bias = rng.normal(size=2 * units)
            x = rng.normal(size=(batch, time, features))
            h = np.asarray(fn(x, kernel, recurrent, bias))
            assert h.shape == (batch, time, units), (
                f"expected hidden states of shape {(batch, time, units)}; got {h.shape}."
            )
            assert np.allclose(h, minimal_gated_unit(x, kernel, recurrent, bias), atol=1e-10), (
                "h is off. The one gate f_t does both jobs: it scales h_prev before U_h inside "
                "the candidate, (f * h_prev) @ U_h, and it is the share of the candidate in the "
                "new state, h = (1 - f) * h_prev + f * candidate; columns f first, then h."
            )

    return run_check("Exercise 1 (the minimal gated unit)", fn, check)


def check_reset_before_step(fn: Callable) -> bool:
    """Exercise 2: check one GRU step with the reset gate before the product.

    ``fn(x_t, h_prev, kernel, recurrent_kernel, bias)`` returns the new hidden state of one step
    in the original form, ``reset_after=False`` (``bias`` has shape ``(3 * units,)``, and the
    reset gate multiplies ``h_prev`` before the recurrent product). The reference is
    ``cells.GRUScratch`` with ``reset_after=False``.
    """
    return run_check(
        "Exercise 2 (one GRU step, reset before)", fn, lambda f: _check_step(f, False, 405)
    )


def _sigmoid(v: float) -> float:
    return float(1.0 / (1.0 + np.exp(-v)))


def _steps_to_fade(keep: float, fraction: float) -> int:
    # the smallest n with keep**n < fraction: n > log(fraction) / log(keep)
    return int(np.floor(np.log(fraction) / np.log(keep))) + 1


def check_update_gate_memory(update_bias_for: Callable, steps_to_fade: Callable) -> bool:
    """Exercise 3: check how an update-gate bias sets an untrained GRU's memory.

    ``update_bias_for(keep)`` returns the bias ``b`` with ``sigmoid(b) = keep``, the update gate's
    starting value when its weighted inputs are near zero. ``steps_to_fade(keep, fraction)``
    returns the fewest steps ``n`` with ``keep**n < fraction``: how long a GRU whose update gate
    stays at ``keep`` takes to keep less than ``fraction`` of ``h_0``, counting only the path
    ``h_t = z * h_prev`` (the candidate's share ignored).
    """

    def check(_: Callable) -> None:
        rng = np.random.default_rng(406)
        for keep in [0.5, 0.7310585786, 0.99, *rng.uniform(0.02, 0.995, size=6)]:
            bias = float(update_bias_for(float(keep)))
            assert np.isclose(_sigmoid(bias), keep, atol=1e-9), (
                f"update_bias_for({keep:.4f}) returned {bias:.4f}, but sigmoid({bias:.4f}) = "
                f"{_sigmoid(bias):.4f}: solve sigmoid(b) = keep for b (the logit of keep)."
            )
        cases = [(0.5, 0.01), (0.7310585786, 0.01), (0.9, 0.5)]
        while len(cases) < 12:
            keep, fraction = rng.uniform(0.05, 0.995), 10 ** rng.uniform(-8, -0.1)
            exact = np.log(fraction) / np.log(keep)
            if abs(exact - round(exact)) > 1e-6:  # keep**n == fraction would be a tie
                cases.append((float(keep), float(fraction)))
        for keep, fraction in cases:
            got, want = steps_to_fade(keep, fraction), _steps_to_fade(keep, fraction)
            assert int(got) == got and int(got) == want, (
                f"steps_to_fade({keep:.4f}, {fraction:.3g}) returned {got}, expected {want}: "
                f"after n steps keep**n of h_0 is left; find the first n where that drops below "
                f"the fraction (here {keep:.4f}**{want} = {keep**want:.3g} and "
                f"{keep:.4f}**{want - 1} = {keep ** (want - 1):.3g})."
            )

    return run_check(
        "Exercise 3 (the update gate's bias and how long h_0 lasts)", update_bias_for, check
    )
