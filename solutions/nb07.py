"""Solutions to the exercises of notebook 07 (ConvLSTM next-frame prediction)."""

from __future__ import annotations

import numpy as np


def convlstm_params(in_channels, filters, kernel_size):
    """Exercise 1: four blocks, each a k x k kernel over input and hidden channels, plus a bias."""
    return 4 * filters * (kernel_size * kernel_size * (in_channels + filters) + 1)


def bounce_step(position, velocity, high):
    """Exercise 2: move, then reflect whatever went past a wall and flip its velocity."""
    position = np.asarray(position) + velocity
    velocity = np.array(velocity, copy=True)
    below, above = position < 0, position > high
    position = np.where(below, -position, position)
    position = np.where(above, 2 * high - position, position)
    velocity = np.where(below | above, -velocity, velocity)
    return position, velocity


def future_leak(predict, clips, t):
    """Exercise 3: change frames t, t+1, ...; report the largest change of outputs before t."""
    changed = np.array(clips, copy=True)
    changed[:, t:] = np.random.default_rng(0).random(changed[:, t:].shape)
    before = np.asarray(predict(clips))[:, :t]
    after = np.asarray(predict(changed))[:, :t]
    return float(np.abs(after - before).max())
