"""The exercise checks of notebook 02 pass on the reference solutions and catch wrong answers."""

import numpy as np
from sklearn.metrics import f1_score

from course_lib.exercises import nb02
from course_lib.solutions import nb02 as sol02


def test_nb02_solutions_pass():
    assert nb02.check_generate_greedy(sol02.generate_greedy)
    assert nb02.check_last_real_state(sol02.last_real_state)
    assert nb02.check_f1_for_tag(sol02.f1_for_tag)


def test_the_f1_reference_agrees_with_scikit_learn():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y_true, y_pred = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
        want = f1_score(y_true, y_pred, zero_division=0.0)
        assert abs(sol02.f1_for_tag(y_true, y_pred, 1) - want) < 1e-12


def test_nb02_checks_catch_wrong_answers(capsys):
    def no_feedback(model, conditions, start_id, end_id, max_len):  # always reads the start id
        prefix = np.full((len(conditions), 1), start_id)
        step = np.asarray(model([np.asarray(conditions), prefix]))[:, -1].argmax(-1)
        return np.repeat(np.where(step == end_id, 0, step)[:, None], max_len, axis=1)

    def never_stops(model, conditions, start_id, end_id, max_len):  # keeps writing after <end>
        out = sol02.generate_greedy(model, conditions, start_id, -1, max_len)
        return out

    for wrong in (no_feedback, never_stops):
        assert not nb02.check_generate_greedy(wrong), wrong.__name__

    def last_column(states, ids):  # ignores the padding
        return np.asarray(states)[:, -1]

    assert not nb02.check_last_real_state(last_column)

    def off_by_one(states, ids):
        lengths = np.sum(np.asarray(ids) != 0, axis=1)
        return np.asarray(states)[np.arange(len(lengths)), np.maximum(lengths - 2, 0)]

    assert not nb02.check_last_real_state(off_by_one)

    def accuracy(y_true, y_pred, tag):
        return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))

    def precision_only(y_true, y_pred, tag):
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        predicted = np.sum(y_pred == tag)
        return float(np.sum((y_pred == tag) & (y_true == tag)) / predicted) if predicted else 0.0

    for wrong in (accuracy, precision_only):
        assert not nb02.check_f1_for_tag(wrong), wrong.__name__

    def todo(*args):
        raise NotImplementedError

    assert not nb02.check_generate_greedy(todo)
    out = capsys.readouterr().out
    assert "not attempted" in out and "Feed the whole prefix" in out and "last real step" in out
