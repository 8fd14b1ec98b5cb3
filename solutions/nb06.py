"""Solutions to the exercises of notebook 06 (stacked RNNs)."""

from __future__ import annotations

import keras


def stack_weights(cell, features, units, depth, bidirectional=False):
    """Exercise 1: weights of ``depth`` stacked recurrent layers."""
    gates = {"simple_rnn": 1, "lstm": 4, "gru": 3}[cell]
    biases = 2 if cell == "gru" else 1  # GRU with reset_after=True has two bias vectors
    directions = 2 if bidirectional else 1
    total, reads = 0, features
    for _ in range(depth):
        total += directions * gates * units * (reads + units + biases)
        reads = directions * units  # what the next layer reads
    return total


def build_stack(features, depth, units):
    """Exercise 2: ``depth`` GRU layers, all but the last returning sequences."""
    inputs = keras.Input(shape=(None, features))
    z = inputs
    for i in range(depth):
        z = keras.layers.GRU(units, return_sequences=i < depth - 1, name=f"gru{i + 1}")(z)
    return keras.Model(inputs, z)


def residual_stack(x, layers):
    """Exercise 3: first layer replaces the input; every later one adds to it."""
    z = layers[0](x)
    for layer in layers[1:]:
        z = z + layer(z)
    return z
