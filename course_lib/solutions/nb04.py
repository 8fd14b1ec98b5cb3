"""Solutions to the exercises of notebook 04 (GRU)."""

from __future__ import annotations

import numpy as np


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def minimal_gated_unit(x, kernel, recurrent_kernel, bias):
    """Exercise 1: the minimal gated unit of Zhou et al. (2016); columns f, h."""
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    W_f, W_h = np.split(kernel, 2, axis=-1)
    U_f, U_h = np.split(recurrent_kernel, 2, axis=-1)
    b_f, b_h = np.split(bias, 2)
    h = np.zeros((batch, units))
    states = []
    for t in range(steps):
        f = _sigmoid(x[:, t] @ W_f + h @ U_f + b_f)
        candidate = np.tanh(x[:, t] @ W_h + (f * h) @ U_h + b_h)  # f resets what is read
        h = (1 - f) * h + f * candidate  # and decides how much is rewritten
        states.append(h)
    return np.stack(states, axis=1)


def reset_before_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Exercise 2: one GRU step as in Cho et al. (2014), reset_after=False (bias (3 * units,))."""
    units = h_prev.shape[-1]
    x_z, x_r, x_h = np.split(x_t @ kernel + bias, 3, axis=-1)
    h_z, h_r = np.split(h_prev @ recurrent_kernel[:, : 2 * units], 2, axis=-1)
    z, r = _sigmoid(x_z + h_z), _sigmoid(x_r + h_r)
    candidate = np.tanh(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * units :])
    return z * h_prev + (1.0 - z) * candidate


def update_bias_for(keep):
    """Exercise 3: the bias whose sigmoid is ``keep`` (the logit)."""
    return float(np.log(keep / (1.0 - keep)))


def steps_to_fade(keep, fraction):
    """Exercise 3: the first n with keep**n < fraction, i.e. n > log(fraction) / log(keep)."""
    return int(np.floor(np.log(fraction) / np.log(keep))) + 1


# The question of exercise 3. With bias 0 the update gate starts at 0.5 and h_0 falls below 1 %
# after 7 steps; with bias 1 (z = 0.73) after 15. After 30 steps, 0.5**30 = 9e-10 of h_0 is left
# against 0.73**30 = 8e-5: about 1e5 times more. Section 7's gradient ratios differ by a factor of
# the same kind (orders of magnitude, asserted >= 100), not the same number: there the gates also
# read the inputs and the state, the candidate path adds its own terms, and the norm is taken
# over units. To keep half of h_0 over 30 steps, z would have to start at 0.5**(1/30) = 0.977,
# an update bias of about 3.8.
