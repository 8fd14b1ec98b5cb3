import keras
import numpy as np
import pytest

from course_lib import gradients, models
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
    last = keras.layers.SimpleRNN(3)
    with pytest.raises(ValueError, match="NumPy step cuts the chain"):
        bptt_gradient_norms(lambda x: np.asarray(last(x)), np.zeros((2, 3, 1)))


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


def _loss():
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def test_gradient_norms_per_layer_match_a_tape():
    import tensorflow as tf

    keras.utils.set_random_seed(3)
    model = models.build_stacked_char_language_model(7, depth=3, units=5, embedding_dim=4)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 7, size=(3, 6)).astype("int32")
    y = rng.integers(0, 7, size=(3, 6)).astype("int32")
    norms = gradients.kernel_gradient_norms(model, x, y, _loss())
    assert list(norms) == ["rnn1", "rnn2", "rnn3"]
    with tf.GradientTape() as tape:
        value = _loss()(y, model(x))
    kernel = model.get_layer("rnn2").cell.kernel
    want = float(tf.norm(tape.gradient(value, kernel)))
    assert norms["rnn2"] == pytest.approx(want, rel=1e-5)
    assert all(v > 0 for v in norms.values())

    inputs = gradients.input_gradient_norms(model, x, y, _loss())
    assert list(inputs) == ["rnn1", "rnn2", "rnn3"]
    # for rnn1 the layer's input is the embedding output: compare with a tape on the embedding
    emb = model.get_layer("embedding")
    with tf.GradientTape() as tape:
        z = emb(x)
        tape.watch(z)
        h = z
        for name in ("rnn1", "rnn2", "rnn3"):
            h = model.get_layer(name)(h)
        value = _loss()(y, model.get_layer("logits")(h))
    assert inputs["rnn1"] == pytest.approx(float(tf.norm(tape.gradient(value, z))), rel=1e-4)


def test_gradient_norms_bidirectional_count_both_directions():
    model = models.build_stacked_rnn_model(
        2, 3, depth=2, units=4, bidirectional=True, return_sequences=True
    )
    x = np.random.default_rng(0).normal(size=(2, 5, 2)).astype("float32")
    y = np.zeros((2, 5), "int32")
    norms = gradients.kernel_gradient_norms(model, x, y, _loss())
    assert set(norms) == {"rnn1", "rnn2"} and all(v > 0 for v in norms.values())
    states = gradients.layer_states(model, x)
    assert states["rnn2"].shape == (2, 5, 8)


@pytest.mark.parametrize("residual", [False, True])
def test_input_gradient_norms_match_a_model_cut_at_each_layer(residual):
    import tensorflow as tf

    keras.utils.set_random_seed(5)
    model = models.build_stacked_rnn_model(
        2, 3, depth=3, units=4, residual=residual, dropout=0.2, return_sequences=True
    )
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 6, 2)).astype("float32")
    y = rng.integers(0, 3, size=(2, 6)).astype("int32")
    norms = gradients.input_gradient_norms(model, x, y, _loss())
    for name in ("rnn2", "rnn3"):
        tensor = model.get_layer(name).input
        z = tf.convert_to_tensor(keras.Model(model.input, tensor)(x))
        upper = keras.Model(tensor, model.output)
        with tf.GradientTape() as tape:
            tape.watch(z)
            value = _loss()(y, upper(z, training=False))
        assert norms[name] == pytest.approx(float(tf.norm(tape.gradient(value, z))), rel=1e-4)
