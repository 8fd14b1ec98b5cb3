import keras
import numpy as np
import pytest

from course_lib import models


@pytest.mark.parametrize("cell", models.CELL_TYPES)
def test_rnn_forecaster_accepts_any_length(cell):
    model = models.build_rnn_forecaster_model(units=8, scale=2.0, cell=cell)
    for length in (1, 5, 40):
        assert model(np.zeros((3, length, 1), "float32")).shape == (3, 1)
    assert model.get_layer("rnn").units == 8


def test_dense_forecaster_needs_its_window():
    model = models.build_dense_forecaster_model(window=6, units=4)
    assert model(np.zeros((2, 6, 1), "float32")).shape == (2, 1)
    assert model.count_params() == 6 * 4 + 4 + 4 + 1
    with pytest.raises(ValueError):
        model(np.zeros((2, 7, 1), "float32"))


def test_conv_forecaster_accepts_any_length():
    model = models.build_conv_forecaster_model(filters=4)
    for length in (3, 50):
        assert model(np.zeros((1, length, 1), "float32")).shape == (1, 1)


def test_char_language_model_shapes_and_params():
    model = models.build_char_language_model(vocab_size=20, units=16, embedding_dim=4)
    assert model(np.zeros((2, 7), "int32")).shape == (2, 7, 20)
    expected = 20 * 4 + 16 * (4 + 16 + 1) + 16 * 20 + 20
    assert model.count_params() == expected


def test_lstm_and_gru_keep_cudnn_defaults():
    for cell in ("lstm", "gru"):
        layer = models.recurrent_layer(cell, 4, name="r")
        assert layer.cell.activation is keras.activations.tanh
        assert layer.cell.recurrent_activation is keras.activations.sigmoid
        assert layer.cell.recurrent_dropout == 0 and not layer.unroll and layer.cell.use_bias
    assert models.recurrent_layer("gru", 4, name="g").cell.reset_after


def test_bad_arguments():
    with pytest.raises(ValueError, match="cell"):
        models.recurrent_layer("transformer", 4, name="x")
    with pytest.raises(ValueError, match="units"):
        models.build_rnn_forecaster_model(units=0)
    with pytest.raises(ValueError, match="scale"):
        models.build_rnn_forecaster_model(scale=-1)
    with pytest.raises(ValueError, match="window"):
        models.build_dense_forecaster_model(window=2.5)
    with pytest.raises(ValueError, match="vocab_size"):
        models.build_char_language_model(vocab_size=0)
