"""The CTC speech model: shapes, time downsampling, cuDNN-eligible recurrent layers, learning."""

import keras
import numpy as np
import pytest

from course_lib import models


def test_shapes_and_downsampling():
    model = models.build_ctc_speech_model(
        12, 5, filters=8, time_strides=(2, 2), units=6, rnn_layers=2
    )
    out = model(np.zeros((3, 37, 12), "float32"))
    assert out.shape == (3, 10, 5)  # ceil(37 / 4)
    model3 = models.build_ctc_speech_model(12, 5, filters=8, time_strides=(3,), units=6)
    assert model3(np.zeros((1, 30, 12), "float32")).shape == (1, 10, 5)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_recurrent_layers_are_bidirectional_and_cudnn_eligible(cell):
    model = models.build_ctc_speech_model(8, 4, filters=4, units=5, rnn_layers=2, cell=cell)
    for i in (1, 2):
        bi = model.get_layer(f"birnn{i}")
        assert isinstance(bi, keras.layers.Bidirectional)
        layer = bi.forward_layer
        assert layer.return_sequences
        assert layer.activation is keras.activations.tanh
        assert layer.recurrent_activation is keras.activations.sigmoid
        assert layer.recurrent_dropout == 0 and not layer.unroll and layer.use_bias
        if cell == "gru":
            assert layer.reset_after
    gates = 3 if cell == "gru" else 4
    first = model.get_layer("birnn1")
    per_direction = gates * 5 * (4 + 5 + 1) + (gates * 5 if cell == "gru" else 0)
    assert first.count_params() == 2 * per_direction
    assert model.get_layer("logits").units == 4


def test_learns_a_tiny_ctc_task():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    # each label k lights feature k for a few frames; the model must output the sequence
    n, frames, feats = 64, 24, 4
    x = rng.normal(scale=0.1, size=(n, frames, feats)).astype("float32")
    y = np.zeros((n, 3), "int32")
    for i in range(n):
        seq = rng.integers(1, feats, size=3)
        y[i] = seq
        for j, s in enumerate(seq):
            x[i, 2 + 7 * j : 7 + 7 * j, s] += 1.0
    model = models.build_ctc_speech_model(
        feats, feats, filters=8, time_strides=(2,), units=8, rnn_layers=1, dropout=0.0
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=keras.losses.CTC())
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.3 * before


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_classes"):
        models.build_ctc_speech_model(8, 1)
    with pytest.raises(ValueError, match="time_strides"):
        models.build_ctc_speech_model(8, 4, time_strides=(2, 0))
    with pytest.raises(ValueError, match="cell"):
        models.build_ctc_speech_model(8, 4, cell="simple_rnn")
    with pytest.raises(ValueError, match="dropout"):
        models.build_ctc_speech_model(8, 4, dropout=1.0)
    with pytest.raises(ValueError, match="units"):
        models.build_ctc_speech_model(8, 4, units=0)
