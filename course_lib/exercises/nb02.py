"""Self-checks for the exercises of notebook 02 (sequence shapes)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.exercises import run_check


def check_rnn_output_shapes(fn: Callable) -> bool:
    """Exercise 1: check the output shapes of a Keras recurrent layer.

    ``fn(cell, batch, time, features, units, return_sequences, return_state)`` returns the list of
    shapes (tuples) a Keras layer of that cell type returns: the output first, then each state when
    ``return_state`` is True.
    """

    def check(fn: Callable) -> None:
        import keras

        from course_lib.models import recurrent_layer

        rng = np.random.default_rng(303)
        for cell in ("simple_rnn", "lstm", "gru"):
            for return_sequences in (False, True):
                for return_state in (False, True):
                    batch, time, features, units = (int(v) for v in rng.integers(1, 7, size=4))
                    layer = recurrent_layer(
                        cell,
                        units,
                        name="check",
                        return_sequences=return_sequences,
                        return_state=return_state,
                    )
                    result = layer(keras.ops.zeros((batch, time, features)))
                    result = result if return_state else [result]
                    want = [tuple(int(d) for d in r.shape) for r in result]
                    got = fn(cell, batch, time, features, units, return_sequences, return_state)
                    got = [tuple(int(d) for d in shape) for shape in got]
                    assert got == want, (
                        f"{cell} with batch={batch}, time={time}, features={features}, "
                        f"units={units}, return_sequences={return_sequences}, "
                        f"return_state={return_state}: Keras returns {want}, you said {got}."
                    )

    return run_check("Exercise 1 (what a recurrent layer returns)", fn, check)


def check_last_real_state(fn: Callable) -> bool:
    """Exercise 2: check picking each row's state at its last real step.

    ``fn(states, ids)`` picks, from every hidden state ``(batch, time, units)`` of an RNN run over a
    right-padded batch ``ids`` ``(batch, time)`` (0 is padding), each row's state at its last real
    step, shape ``(batch, units)``.
    """

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(404)
        for batch, time, units in [(5, 9, 3), (1, 4, 2), (6, 1, 4)]:
            lengths = rng.integers(1, time + 1, size=batch)
            lengths[0] = time  # one row with no padding at all
            ids = np.zeros((batch, time), dtype=np.int32)
            for row, n in enumerate(lengths):
                ids[row, :n] = rng.integers(1, 20, size=n)
            states = rng.normal(size=(batch, time, units))
            got = np.asarray(fn(states, ids))
            want = states[np.arange(batch), lengths - 1]
            assert got.shape == want.shape, f"expected shape {want.shape}, got {got.shape}."
            assert np.allclose(got, want), (
                f"lengths {lengths.tolist()}: some rows are not the state at the last real step; "
                "a row of length n ends at index n - 1."
            )

    return run_check("Exercise 2 (the state at the last real step)", fn, check)


def check_steps_after_convs(fn: Callable) -> bool:
    """Exercise 3: check the number of steps left after strided convolutions.

    ``fn(time, strides, padding)`` returns how many steps remain after a stack of ``Conv1D`` layers
    with these strides, kernel size ``2 * stride`` and ``padding`` (``"same"`` or ``"valid"``), as
    in ``models.build_conv_rnn_classifier_model``.
    """

    def check(fn: Callable) -> None:
        import keras

        for time, strides, padding in [
            (64, (4,), "same"),
            (256, (4, 4), "same"),
            (100, (3, 2), "same"),
            (64, (4,), "valid"),
            (257, (4, 4), "valid"),
            (50, (2, 3, 2), "valid"),
            (7, (), "same"),
        ]:
            steps = time
            for stride in strides:
                layer = keras.layers.Conv1D(1, 2 * stride, strides=stride, padding=padding)
                steps = layer.compute_output_shape((None, steps, 1))[1]
            got = fn(time, strides, padding)
            assert int(got) == steps, (
                f"time={time}, strides={strides}, padding={padding!r}: Keras keeps {steps} "
                f"steps, you said {got}. 'same' keeps ceil(n / s); 'valid' keeps "
                "floor((n - kernel) / s) + 1."
            )

    return run_check("Exercise 3 (steps left after strided convolutions)", fn, check)
