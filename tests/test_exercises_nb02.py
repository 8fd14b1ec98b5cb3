"""The exercise checks of notebook 02 pass on the reference solutions and catch wrong answers."""

import math

import numpy as np

from course_lib.exercises import nb02
from course_lib.solutions import nb02 as sol02


def test_nb02_solutions_pass():
    assert nb02.check_rnn_output_shapes(sol02.rnn_output_shapes)
    assert nb02.check_last_real_state(sol02.last_real_state)
    assert nb02.check_steps_after_convs(sol02.steps_after_convs)


def test_nb02_checks_catch_wrong_answers(capsys):
    def one_state_for_all(cell, batch, time, features, units, return_sequences, return_state):
        return sol02.rnn_output_shapes(
            "gru", batch, time, features, units, return_sequences, return_state
        )

    assert not nb02.check_rnn_output_shapes(one_state_for_all)

    def last_column(states, ids):  # ignores the padding
        return np.asarray(states)[:, -1]

    assert not nb02.check_last_real_state(last_column)

    def off_by_one(states, ids):
        lengths = np.sum(np.asarray(ids) != 0, axis=1)
        return np.asarray(states)[np.arange(len(lengths)), np.maximum(lengths - 2, 0)]

    assert not nb02.check_last_real_state(off_by_one)

    def floor_division(time, strides, padding):  # 'same' rounds up, not down
        return time // math.prod(strides)

    assert not nb02.check_steps_after_convs(floor_division)

    def todo(*args):
        raise NotImplementedError

    assert not nb02.check_rnn_output_shapes(todo)
    out = capsys.readouterr().out
    assert "not attempted" in out and "Keras returns" in out and "last real step" in out
