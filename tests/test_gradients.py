import keras
import numpy as np
import pytest

from course_lib.gradients import bptt_gradient_norms, recurrent_matrix, spectral_radius


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.7])
def test_recurrent_matrix_has_the_radius(radius):
    w = recurrent_matrix(16, radius, seed=3)
    assert w.shape == (16, 16)
    assert spectral_radius(w) == pytest.approx(radius, rel=1e-4)
    np.testing.assert_allclose(w @ w.T, radius**2 * np.eye(16), atol=1e-5)


def test_bptt_norms_match_the_linear_formula():
    rng = np.random.default_rng(0)
    layer = keras.layers.SimpleRNN(4, activation="linear", use_bias=False)
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    layer(x)
    wx, wh = [w.astype(np.float64) for w in layer.get_weights()]
    norms = bptt_gradient_norms(layer, x)
    want = [np.linalg.norm(wx @ np.linalg.matrix_power(wh, k)) for k in range(6)]
    np.testing.assert_allclose(norms, want, rtol=1e-4)


def test_vanishing_and_exploding_are_measured():
    x = np.random.default_rng(1).normal(scale=0.5, size=(4, 40, 2)).astype("float32")
    out = {}
    for radius in (0.5, 1.5):
        layer = keras.layers.SimpleRNN(16)
        layer(x)
        k, _, b = layer.get_weights()
        layer.set_weights([k, recurrent_matrix(16, radius, 0), b])
        out[radius] = bptt_gradient_norms(layer, x)
    assert out[0.5][30] < 1e-6 * out[0.5][0]
    assert out[1.5][39] > out[1.5][0]


def test_bad_inputs():
    with pytest.raises(ValueError, match="units"):
        recurrent_matrix(0, 1.0)
    with pytest.raises(ValueError, match="spectral_radius"):
        recurrent_matrix(3, 0.0)
    with pytest.raises(ValueError, match="square"):
        spectral_radius(np.zeros((2, 3)))
    layer = keras.layers.SimpleRNN(3, return_sequences=True)
    with pytest.raises(ValueError, match="batch, time, features"):
        bptt_gradient_norms(layer, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="last_state must return"):
        bptt_gradient_norms(layer, np.zeros((2, 3, 1)))


def test_lstm_cell_state_probe_returns_the_cell_state():
    from course_lib.cells import LSTMScratch
    from course_lib.gradients import lstm_cell_state

    x = np.random.default_rng(2).normal(size=(3, 7, 2)).astype("float32")
    layer = keras.layers.LSTM(5)
    layer(x)
    c_last = np.asarray(lstm_cell_state(layer)(x))
    np.testing.assert_allclose(c_last, LSTMScratch.from_keras(layer).trace(x).c[:, -1], atol=1e-5)
    assert bptt_gradient_norms(lstm_cell_state(layer), x).shape == (7,)
    with pytest.raises(ValueError, match="LSTM"):
        lstm_cell_state(keras.layers.GRU(3))
