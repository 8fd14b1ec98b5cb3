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
