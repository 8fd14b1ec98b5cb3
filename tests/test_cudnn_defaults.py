"""Every model builder keeps its LSTM and GRU layers eligible for the fast cuDNN kernels.

On a GPU, Keras runs ``LSTM``/``GRU`` with cuDNN only when: activation tanh, recurrent activation
sigmoid, recurrent_dropout 0, unroll False, use_bias True, and for GRU reset_after True. A layer
that breaks one of these silently falls back to a loop that is many times slower.

Every public ``build_*`` function of ``course_lib.models`` needs an entry in ``EXAMPLES`` of
``tests/builder_examples.py`` (small keyword arguments that build it; shared with the other
every-builder tests). Builders that take a ``cell`` argument are built with ``cell="lstm"`` and
``cell="gru"`` unless the entry fixes the cell. A builder that deliberately teaches a non-cuDNN
configuration goes in ``ALLOWED_TO_BREAK`` with the reason.
"""

from __future__ import annotations

import inspect

import keras
import pytest
from builder_examples import EXAMPLES, builder_names, missing_example_message, variants

import course_lib.models

# builder name -> why it may build a non-cuDNN LSTM/GRU (it teaches the alternative)
ALLOWED_TO_BREAK: dict[str, str] = {}


def all_layers(layer: keras.layers.Layer) -> list[keras.layers.Layer]:
    """The layer and every layer inside it: nested models, wrappers, custom layers' sublayers."""
    found, todo, seen = [], [layer], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        if isinstance(current, keras.layers.Bidirectional):
            todo += [current.forward_layer, current.backward_layer]
        if isinstance(current, keras.layers.RNN):
            todo.append(current.cell)
        todo += list(current._flatten_layers(include_self=False, recursive=True))
    return found


def cudnn_violations(model: keras.layers.Layer) -> tuple[int, list[str]]:
    """Check every LSTM/GRU (layer or cell in a generic ``RNN``) inside ``model``.

    Returns:
        The number of LSTM/GRU layers found, and one message per broken rule.
    """
    problems, count = [], 0
    for layer in all_layers(model):
        if isinstance(layer, keras.layers.RNN) and not isinstance(
            layer, (keras.layers.LSTM, keras.layers.GRU)
        ):
            if isinstance(layer.cell, (keras.layers.LSTMCell, keras.layers.GRUCell)):
                problems.append(
                    f"{layer.name}: a generic keras.layers.RNN around an "
                    f"{type(layer.cell).__name__} never runs on cuDNN; use LSTM/GRU"
                )
            continue
        if not isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
            continue
        count += 1
        cell = layer.cell
        rules = {
            "activation tanh": cell.activation is keras.activations.tanh,
            "recurrent_activation sigmoid": cell.recurrent_activation is keras.activations.sigmoid,
            "recurrent_dropout 0": cell.recurrent_dropout == 0,
            "unroll False": not layer.unroll,
            "use_bias True": bool(cell.use_bias),
        }
        if isinstance(layer, keras.layers.GRU):
            rules["reset_after True"] = bool(cell.reset_after)
        problems += [f"{layer.name}: needs {rule}" for rule, ok in rules.items() if not ok]
    return count, problems


@pytest.mark.parametrize("name", builder_names())
def test_builder_keeps_cudnn_configuration(name):
    if name not in EXAMPLES:
        pytest.fail(missing_example_message(name, "test_cudnn_defaults.py"))
    builder = getattr(course_lib.models, name)
    takes_cell = "cell" in inspect.signature(builder).parameters
    for kwargs in variants(name):
        model = builder(**kwargs)
        count, problems = cudnn_violations(model)
        if kwargs.get("cell") in ("lstm", "gru") and takes_cell:
            assert count > 0, f"{name}(**{kwargs}) built no LSTM/GRU although cell was given"
        if name in ALLOWED_TO_BREAK:
            continue
        assert not problems, f"{name}(**{kwargs}) is not cuDNN-eligible: {problems}"


def test_every_example_names_a_builder():
    unknown = sorted(set(EXAMPLES) - set(builder_names()))
    assert not unknown, f"EXAMPLES names builders that do not exist: {unknown}"
    assert set(ALLOWED_TO_BREAK) <= set(EXAMPLES), "an allowed builder needs an example too"


def test_builders_are_found():
    names = builder_names()
    assert "build_stacked_rnn_model" in names and "build_char_language_model" in names


# --- the checker itself must catch what it is meant to catch ---


def _wrapped(layer: keras.layers.Layer) -> keras.Model:
    """``layer`` inside a Bidirectional wrapper inside a nested model inside an outer model."""
    inner_in = keras.Input((None, 3))
    inner = keras.Model(inner_in, keras.layers.Bidirectional(layer, name="bi")(inner_in))
    outer_in = keras.Input((None, 3))
    return keras.Model(outer_in, keras.layers.Dense(1, name="head")(inner(outer_in)))


@pytest.mark.parametrize(
    ("layer", "rule"),
    [
        (keras.layers.LSTM(4, activation="relu", name="x"), "activation tanh"),
        (keras.layers.GRU(4, recurrent_activation="hard_sigmoid", name="x"), "sigmoid"),
        (keras.layers.LSTM(4, recurrent_dropout=0.1, name="x"), "recurrent_dropout 0"),
        (keras.layers.GRU(4, unroll=True, name="x"), "unroll False"),
        (keras.layers.LSTM(4, use_bias=False, name="x"), "use_bias True"),
        (keras.layers.GRU(4, reset_after=False, name="x"), "reset_after True"),
        (keras.layers.RNN(keras.layers.LSTMCell(4), name="x"), "generic keras.layers.RNN"),
    ],
    ids=["relu", "hard_sigmoid", "recurrent_dropout", "unroll", "no_bias", "reset_before", "rnn"],
)
def test_checker_catches_a_broken_layer_deep_inside(layer, rule):
    count, problems = cudnn_violations(_wrapped(layer))
    assert problems and all(rule in p for p in problems), problems


def test_checker_accepts_defaults_and_counts_layers():
    count, problems = cudnn_violations(_wrapped(keras.layers.LSTM(4, name="x")))
    assert problems == [] and count == 2  # Bidirectional holds a forward and a backward copy
    count, problems = cudnn_violations(keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(3)]))
    assert (count, problems) == (1, [])


def test_missing_entry_fails(monkeypatch):
    def build_unlisted_model():
        return keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(3)])

    monkeypatch.setattr(course_lib.models, "build_unlisted_model", build_unlisted_model, False)
    assert "build_unlisted_model" in builder_names()
    with pytest.raises(pytest.fail.Exception, match="add one"):
        test_builder_keeps_cudnn_configuration("build_unlisted_model")


def test_broken_builder_fails(monkeypatch):
    def build_broken_model(cell: str = "gru"):
        inputs = keras.Input((None, 2))
        layer = keras.layers.GRU(3, reset_after=False) if cell == "gru" else keras.layers.LSTM(3)
        return keras.Model(inputs, layer(inputs))

    monkeypatch.setattr(course_lib.models, "build_broken_model", build_broken_model, False)
    monkeypatch.setitem(EXAMPLES, "build_broken_model", [lambda: {}])  # a callable entry
    with pytest.raises(AssertionError, match="reset_after"):
        test_builder_keeps_cudnn_configuration("build_broken_model")
