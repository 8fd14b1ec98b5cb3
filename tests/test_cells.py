import keras
import numpy as np
import pytest

from course_lib.cells import SimpleRNNScratch, activation_fn


@pytest.mark.parametrize(
    "batch,time,features,units",
    [(1, 1, 1, 1), (2, 5, 3, 4), (4, 17, 7, 16), (3, 40, 2, 33), (8, 9, 12, 5)],
)
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_simple_rnn_scratch_matches_keras(batch, time, features, units, activation):
    rng = np.random.default_rng(batch * 100 + time)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    layer = keras.layers.SimpleRNN(units, activation=activation, return_sequences=True)
    expected = np.asarray(layer(x))
    got = SimpleRNNScratch.from_keras(layer)(x)
    assert got.shape == (batch, time, units)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_matches_keras_with_trained_like_weights_and_initial_state():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 10, 4)).astype("float32")
    h0 = rng.normal(size=(3, 6)).astype("float32")
    layer = keras.layers.SimpleRNN(6, return_sequences=True)
    layer(x)
    layer.set_weights([w + rng.normal(scale=0.3, size=w.shape) for w in layer.get_weights()])
    expected = np.asarray(layer(x, initial_state=h0))
    got = SimpleRNNScratch.from_keras(layer)(x, initial_state=h0)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_no_bias_layer_and_param_count():
    layer = keras.layers.SimpleRNN(5, use_bias=False)
    x = np.ones((2, 3, 4), dtype="float32")
    expected = np.asarray(layer(x))
    cell = SimpleRNNScratch.from_keras(layer)
    np.testing.assert_allclose(cell(x)[:, -1], expected, atol=1e-5)
    assert cell.count_params() == layer.count_params() == 5 * (4 + 5)
    with_bias = keras.layers.SimpleRNN(5)
    with_bias(x)
    assert SimpleRNNScratch.from_keras(with_bias).count_params() == with_bias.count_params()


def test_step_is_the_recurrence():
    rng = np.random.default_rng(1)
    cell = SimpleRNNScratch(rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), rng.normal(size=3))
    x = rng.normal(size=(1, 2, 2))
    h1 = np.tanh(x[:, 0] @ cell.kernel + cell.bias)
    h2 = np.tanh(x[:, 1] @ cell.kernel + h1 @ cell.recurrent_kernel + cell.bias)
    np.testing.assert_allclose(cell(x)[:, 1], h2)


def test_from_keras_rejects_wrong_or_unbuilt_layers():
    with pytest.raises(ValueError, match="SimpleRNN"):
        SimpleRNNScratch.from_keras(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="no weights yet"):
        SimpleRNNScratch.from_keras(keras.layers.SimpleRNN(3))


def test_bad_inputs_raise_clear_errors():
    cell = SimpleRNNScratch(np.zeros((2, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"\(batch, time, features\)"):
        cell(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="2 input features"):
        cell(np.zeros((1, 4, 5)))
    with pytest.raises(ValueError, match="float"):
        cell(np.zeros((1, 4, 2), dtype=int))
    with pytest.raises(ValueError, match="initial_state"):
        cell(np.zeros((1, 4, 2)), initial_state=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="recurrent_kernel"):
        SimpleRNNScratch(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="bias"):
        SimpleRNNScratch(np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="activation"):
        activation_fn("swish")
