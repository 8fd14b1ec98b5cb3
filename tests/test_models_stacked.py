"""Stacked (deep) recurrent builders (course_lib.models.stacked) and their handles."""

import keras
import numpy as np
import pytest

from course_lib import gradients, handles, models

PER_GATE = {"simple_rnn": 1, "lstm": 4, "gru": 3}


def rnn_params(cell: str, features: int, units: int) -> int:
    """Weights of one Keras recurrent layer; GRU (reset_after=True) has two bias rows."""
    biases = 2 if cell == "gru" else 1
    return PER_GATE[cell] * units * (features + units + biases)


@pytest.mark.parametrize("cell", models.CELL_TYPES)
@pytest.mark.parametrize("depth", [1, 3])
def test_stacked_model_shapes_and_parameter_count(cell, depth):
    model = models.build_stacked_rnn_model(features=5, n_outputs=2, depth=depth, units=6, cell=cell)
    x = np.zeros((4, 7, 5), "float32")
    assert model(x).shape == (4, 2)
    expected = rnn_params(cell, 5, 6) + (depth - 1) * rnn_params(cell, 6, 6) + 6 * 2 + 2
    assert model.count_params() == expected
    stack = handles.stack_handles(model)
    assert stack.names == tuple(f"rnn{i}" for i in range(1, depth + 1))
    assert stack.rnns == tuple(model.get_layer(name) for name in stack.names)
    for layer in stack.rnns[:-1]:
        assert layer.return_sequences  # every lower layer passes a sequence up
    assert not stack.rnns[-1].return_sequences


def test_return_sequences_keeps_time_axis_and_any_length():
    model = models.build_stacked_rnn_model(3, 4, depth=2, units=5, return_sequences=True)
    for length in (1, 9):
        assert model(np.zeros((2, length, 3), "float32")).shape == (2, length, 4)


def test_bidirectional_doubles_width_and_parameters():
    one_way = models.build_stacked_rnn_model(3, 1, depth=2, units=4, cell="lstm")
    both = models.build_stacked_rnn_model(3, 1, depth=2, units=4, cell="lstm", bidirectional=True)
    assert isinstance(both.get_layer("rnn2"), keras.layers.Bidirectional)
    expected = 2 * rnn_params("lstm", 3, 4) + 2 * rnn_params("lstm", 8, 4) + 8 + 1
    assert both.count_params() == expected
    assert one_way.count_params() == rnn_params("lstm", 3, 4) + rnn_params("lstm", 4, 4) + 5
    states = gradients.layer_states(
        models.build_stacked_rnn_model(
            3, 1, depth=2, units=4, bidirectional=True, return_sequences=True
        ),
        np.zeros((2, 6, 3), "float32"),
    )
    assert states["rnn1"].shape == states["rnn2"].shape == (2, 6, 8)


def test_residual_adds_skip_connections_without_weights():
    plain = models.build_stacked_rnn_model(3, 1, depth=3, units=4, return_sequences=True)
    res = models.build_stacked_rnn_model(
        3, 1, depth=3, units=4, residual=True, return_sequences=True
    )
    assert res.count_params() == plain.count_params()
    names = {layer.name for layer in res.layers}
    assert {"residual2", "residual3"} <= names and "residual1" not in names
    assert not any(name.startswith("residual") for name in (layer.name for layer in plain.layers))
    # the output of the stack is z2 + h3, so zeroing rnn3's kernels leaves z2 (= z1 + h2) intact
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    rnn3 = res.get_layer("rnn3")
    rnn3.set_weights([np.zeros_like(w) for w in rnn3.get_weights()])
    states = gradients.layer_states(res, x)
    np.testing.assert_allclose(states["rnn3"], 0.0, atol=1e-7)
    head = res.get_layer("head")
    w, b = head.get_weights()
    np.testing.assert_allclose(
        np.asarray(res(x)), (states["rnn1"] + states["rnn2"]) @ w + b, atol=1e-5
    )


def test_residual_skips_last_layer_when_it_returns_one_vector():
    model = models.build_stacked_rnn_model(3, 2, depth=2, units=4, residual=True)
    assert "residual2" not in {layer.name for layer in model.layers}
    assert model(np.zeros((1, 4, 3), "float32")).shape == (1, 2)


def test_dropout_between_layers_only_in_training():
    model = models.build_stacked_rnn_model(
        3, 2, depth=2, units=8, dropout=0.5, return_sequences=True
    )
    assert model.get_layer("dropout1").rate == 0.5 and model.get_layer("dropout2").rate == 0.5
    for name in ("rnn1", "rnn2"):
        assert model.get_layer(name).cell.recurrent_dropout == 0  # cuDNN stays eligible
    x = np.random.default_rng(1).normal(size=(4, 6, 3)).astype("float32")
    np.testing.assert_allclose(model(x, training=False), model(x, training=False))
    assert not np.allclose(model(x, training=True), model(x, training=False))
    without = models.build_stacked_rnn_model(3, 2, depth=2, units=8)
    assert not any(layer.name.startswith("dropout") for layer in without.layers)


def test_per_layer_units():
    model = models.build_stacked_rnn_model(2, 1, depth=3, units=[8, 6, 4], cell="simple_rnn")
    expected = (
        rnn_params("simple_rnn", 2, 8)
        + rnn_params("simple_rnn", 8, 6)
        + rnn_params("simple_rnn", 6, 4)
        + 4
        + 1
    )
    assert model.count_params() == expected


@pytest.mark.parametrize("cell", models.CELL_TYPES)
def test_char_language_model(cell):
    model = models.build_stacked_char_language_model(
        vocab_size=11, depth=2, units=6, embedding_dim=3, cell=cell, residual=True, dropout=0.1
    )
    assert model(np.zeros((2, 9), "int32")).shape == (2, 9, 11)
    expected = 11 * 3 + rnn_params(cell, 3, 6) + rnn_params(cell, 6, 6) + 6 * 11 + 11
    assert model.count_params() == expected
    assert model.get_layer("rnn2").return_sequences


def test_model_names_describe_the_options():
    name = models.build_stacked_rnn_model(
        2, 1, depth=3, units=4, cell="lstm", bidirectional=True, residual=True, dropout=0.25
    ).name
    assert name == "bilstm_x3_residual_dropout0.25"


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        (dict(depth=0), "depth"),
        (dict(depth=1.5), "depth"),
        (dict(cell="transformer"), "cell"),
        (dict(units=0), "units"),
        (dict(units=[4, 4]), "units"),  # depth 3 needs three widths
        (dict(residual=True, units=[4, 6, 6]), "residual"),
        (dict(residual="yes"), "residual"),
        (dict(bidirectional=1), "bidirectional"),
        (dict(dropout=1.0), "dropout"),
        (dict(dropout=-0.1), "dropout"),
        (dict(dropout="lots"), "dropout"),
        (dict(return_sequences=None), "return_sequences"),
    ],
)
def test_bad_arguments_raise(kwargs, word):
    args = dict(features=2, n_outputs=1, depth=3, units=4) | kwargs
    with pytest.raises(ValueError, match=word):
        models.build_stacked_rnn_model(**args)


def test_bad_arguments_char_model():
    with pytest.raises(ValueError, match="vocab_size"):
        models.build_stacked_char_language_model(vocab_size=0)
    with pytest.raises(ValueError, match="embedding_dim"):
        models.build_stacked_char_language_model(vocab_size=5, embedding_dim=0)
    with pytest.raises(ValueError, match="features"):
        models.build_stacked_rnn_model(features=0, n_outputs=1)
    with pytest.raises(ValueError, match="rnn1"):
        handles.stack_handles(models.build_char_language_model(5, units=2))
