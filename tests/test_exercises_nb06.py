"""The notebook 06 exercise checks pass on the solutions and fail on wrong answers."""

import keras
import numpy as np

from course_lib.exercises import nb06
from solutions import nb06 as sol


def test_solutions_pass():
    assert nb06.check_stack_weights(sol.stack_weights)
    assert nb06.check_build_stack(sol.build_stack)
    assert nb06.check_residual_stack(sol.residual_stack)


def test_not_attempted_is_reported_not_raised():
    def todo(*args, **kwargs):
        raise NotImplementedError

    assert not nb06.check_stack_weights(todo)
    assert not nb06.check_build_stack(todo)
    assert not nb06.check_residual_stack(todo)


def test_wrong_weight_counts_fail():
    def same_input_everywhere(cell, features, units, depth, bidirectional=False):
        # forgets that layers above the first read `units` (or 2 * units) features
        one = sol.stack_weights(cell, features, units, 1, bidirectional)
        return depth * one

    def one_bias_for_gru(cell, features, units, depth, bidirectional=False):
        total = sol.stack_weights(cell, features, units, depth, bidirectional)
        return total - (3 * units * depth * (2 if bidirectional else 1) if cell == "gru" else 0)

    def bidirectional_reads_units(cell, features, units, depth, bidirectional=False):
        if not bidirectional:
            return sol.stack_weights(cell, features, units, depth)
        return 2 * sol.stack_weights(cell, features, units, depth)

    assert not nb06.check_stack_weights(same_input_everywhere)
    assert not nb06.check_stack_weights(one_bias_for_gru)
    assert not nb06.check_stack_weights(bidirectional_reads_units)


def test_wrong_stacks_fail():
    def only_last_layer_counts(features, depth, units):  # every layer returns one vector
        inputs = keras.Input(shape=(None, features))
        z = keras.layers.GRU(units, return_sequences=False)(inputs)
        for _ in range(depth - 1):
            z = keras.layers.RepeatVector(3)(z)
            z = keras.layers.GRU(units)(z)
        return keras.Model(inputs, z)

    def returns_sequence(features, depth, units):
        inputs = keras.Input(shape=(None, features))
        z = inputs
        for _ in range(depth):
            z = keras.layers.GRU(units, return_sequences=True)(z)
        return keras.Model(inputs, z)

    def lstm_instead(features, depth, units):
        inputs = keras.Input(shape=(None, features))
        z = inputs
        for i in range(depth):
            z = keras.layers.LSTM(units, return_sequences=i < depth - 1)(z)
        return keras.Model(inputs, z)

    assert not nb06.check_build_stack(only_last_layer_counts)
    assert not nb06.check_build_stack(returns_sequence)
    assert not nb06.check_build_stack(lstm_instead)


def test_wrong_residual_stacks_fail():
    def skip_on_first_too(x, layers):
        z = x
        for layer in layers:
            out = layer(z)
            z = out + z if out.shape == z.shape else out
        return z

    def plain(x, layers):
        z = x
        for layer in layers:
            z = layer(z)
        return z

    def skip_from_input(x, layers):  # adds every layer's output to the first layer's output
        first = layers[0](x)
        return first + sum((layer(first) for layer in layers[1:]), np.zeros_like(first))

    assert not nb06.check_residual_stack(plain)
    assert not nb06.check_residual_stack(skip_from_input)
    # skip_on_first_too equals the solution here (widths 3 -> 4 cannot be added): it must pass
    assert nb06.check_residual_stack(skip_on_first_too)
