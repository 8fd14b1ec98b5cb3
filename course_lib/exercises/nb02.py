"""Self-checks for the exercises of notebook 02 (sequence shapes)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.exercises import run_check


class _CountingModel:
    """A stand-in generator with known behaviour: next id = (last id + condition) % vocab.

    Called like a Keras model on ``[conditions (batch,), prefix (batch, time)]``, it returns
    logits ``(batch, time, vocab)`` whose arg-max at every step follows that rule.
    """

    def __init__(self, vocab: int) -> None:
        self.vocab = vocab

    def __call__(self, inputs: list, training: bool = False) -> np.ndarray:
        conditions, prefix = (np.asarray(a) for a in inputs)
        nxt = (prefix + conditions[:, None]) % self.vocab
        return np.eye(self.vocab)[nxt] * 5.0


def check_generate_greedy(fn: Callable) -> bool:
    """Exercise 1: check a greedy one-to-many loop that feeds each output back in.

    ``fn(model, conditions, start_id, end_id, max_len)`` runs ``model([conditions, prefix])``
    (logits ``(batch, time, vocab)``) on the prefix generated so far, appends the arg-max of the
    last step, and stops a row at ``end_id``; it returns ``(batch, max_len)`` ids with the end
    marker and everything after it set to 0. The reference is ``decoding.generate_tokens`` at
    temperature 0, on a stand-in model whose next id is (last id + condition) modulo the
    vocabulary.
    """
    from course_lib.decoding import generate_tokens

    def check(fn: Callable) -> None:
        for vocab, start, end, rows, max_len in [
            (7, 1, 5, [1, 2, 3, 6], 6),  # rows reach the end marker at different steps
            (11, 2, 10, [4, 1], 9),
            (5, 0, 4, [0], 3),  # condition 0: the start id forever, no end marker
        ]:
            model = _CountingModel(vocab)
            conditions = np.array(rows)
            got = np.asarray(fn(model, conditions, start, end, max_len))
            want = generate_tokens(model, conditions, start, end, max_len, temperature=0.0)
            assert got.shape == want.shape, (
                f"expected ids of shape {want.shape} (batch, max_len); got {got.shape}."
            )
            assert np.array_equal(got, want), (
                f"with conditions {conditions.tolist()} the ids should be {want.tolist()}; got "
                f"{got.tolist()}. Feed the whole prefix (start id, then every id written so far) "
                "back into the model at each step, and set the end marker and what follows to 0."
            )

    return run_check("Exercise 1 (feeding the outputs back)", fn, check)


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


def check_f1_for_tag(fn: Callable) -> bool:
    """Exercise 3: check the F1 score of one tag.

    ``fn(y_true, y_pred, tag)`` takes integer tag arrays of any (equal) shape and returns the F1
    score of ``tag``: the harmonic mean of its precision and recall, 0 when the tag is never
    predicted correctly. The reference is ``course_lib.solutions.nb02.f1_for_tag``.
    """
    from course_lib.solutions.nb02 import f1_for_tag

    def check(fn: Callable) -> None:
        rng = np.random.default_rng(202)
        cases = [
            (np.array([0, 0, 1, 1, 0, 1]), np.array([0, 1, 1, 0, 0, 1]), 1),
            (np.zeros((3, 4), int), np.zeros((3, 4), int), 1),  # the tag never occurs: 0
            (np.array([1, 1, 0]), np.array([0, 0, 0]), 1),  # never predicted: 0
        ]
        for _ in range(5):  # a rare tag, as "inside" is in notebook 02
            y_true = (rng.random((8, 30)) < 0.1).astype(int)
            y_pred = np.where(rng.random((8, 30)) < 0.15, 1 - y_true, y_true)
            cases.append((y_true, y_pred, 1))
        cases.append((y_true, y_pred, 0))  # the frequent tag
        for y_true, y_pred, tag in cases:
            got = float(fn(y_true, y_pred, tag))
            want = f1_for_tag(y_true, y_pred, tag)
            assert abs(got - want) < 1e-9, (
                f"F1 of tag {tag} should be {want:.4f}, got {got:.4f}: precision = correct "
                f"{tag}s / predicted {tag}s, recall = correct {tag}s / true {tag}s, "
                "F1 = 2 P R / (P + R), and 0 when there is no correct one."
            )

    return run_check("Exercise 3 (the F1 score of one tag)", fn, check)
