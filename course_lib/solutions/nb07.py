"""Solutions to the exercises of notebook 07 (ConvLSTM next-frame prediction)."""

from __future__ import annotations

import math

import numpy as np


def steps_to_reach(distance, kernel_size, layers):
    """Exercise 1: frame t crosses every layer in its own step, then one kernel radius per step.

    After n more steps the top layer's state has been reached over (layers + n) * (k // 2) pixels.
    """
    reach = kernel_size // 2
    return max(0, math.ceil(distance / reach) - layers)


# The question of exercise 1. At the notebook's settings (max_speed 1, a 3 x 3 kernel, one layer)
# steps_to_reach(1, 3, 1) = 0: the state at the pixel a digit moves to has seen where the digit is
# in the same step, and steps_to_reach(2, 3, 1) = 1: one step later it has also seen where it was
# a frame before, two pixels back, which tells it the direction of motion. So a 3 x 3 kernel is
# enough. At max_speed 2 the two numbers become 1 and 3: too late. A 5 x 5 kernel gives 0 and 1
# again; two stacked 3 x 3 layers give 0 and 2, so the frame before arrives one step late at the
# landing pixel, unless the head's 3 x 3 kernel (one more pixel) makes up the difference.


def _conv_same(x, kernel):
    """x: (batch, h, w, c_in), kernel: (k, k, c_in, c_out) -> (batch, h, w, c_out)."""
    r = kernel.shape[0] // 2
    padded = np.pad(x, ((0, 0), (r, r), (r, r), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape[:2], axis=(1, 2))
    return np.einsum("bhwcij,ijcf->bhwf", windows, kernel)


def convlstm_peephole_forward(x, kernel, recurrent_kernel, bias, peepholes):
    """Exercise 2: the ConvLSTM of Shi et al. (2015), with its peephole connections."""
    sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    w_ci, w_cf, w_co = np.asarray(peepholes, dtype=np.float64)
    batch, steps, height, width, _ = x.shape
    h = np.zeros((batch, height, width, recurrent_kernel.shape[2]))
    c = np.zeros_like(h)
    states = []
    for t in range(steps):
        z = _conv_same(x[:, t], kernel) + _conv_same(h, recurrent_kernel) + bias
        z_i, z_f, z_g, z_o = np.split(z, 4, axis=-1)
        i = sigmoid(z_i + w_ci * c)  # the gates look at the cell state they act on
        f = sigmoid(z_f + w_cf * c)
        c = f * c + i * np.tanh(z_g)
        h = sigmoid(z_o + w_co * c) * np.tanh(c)  # the output gate sees the new cell state
        states.append(h)
    return np.stack(states, axis=1)


def future_leak(predict, clips, t):
    """Exercise 3: change frames t, t+1, ...; report the largest change of outputs before t."""
    changed = np.array(clips, copy=True)
    changed[:, t:] = np.random.default_rng(0).random(changed[:, t:].shape)
    before = np.asarray(predict(clips))[:, :t]
    after = np.asarray(predict(changed))[:, :t]
    return float(np.abs(after - before).max())
