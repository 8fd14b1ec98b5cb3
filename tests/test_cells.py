import keras
import numpy as np
import pytest

from course_lib.cells import GRUScratch, GRUTrace, LSTMScratch, SimpleRNNScratch, activation_fn


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
    with pytest.raises(ValueError, match="initial state"):
        cell(np.zeros((1, 4, 2)), initial_state=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="recurrent_kernel"):
        SimpleRNNScratch(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="bias"):
        SimpleRNNScratch(np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="activation"):
        activation_fn("swish")


@pytest.mark.parametrize(
    "batch,time,features,units", [(1, 1, 1, 1), (2, 6, 3, 4), (5, 25, 7, 16), (3, 40, 2, 9)]
)
@pytest.mark.parametrize("unit_forget_bias", [True, False])
def test_lstm_scratch_matches_keras(batch, time, features, units, unit_forget_bias):
    rng = np.random.default_rng(batch * 31 + time)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    layer = keras.layers.LSTM(units, return_sequences=True, unit_forget_bias=unit_forget_bias)
    layer(x)
    layer.set_weights([w + rng.normal(scale=0.2, size=w.shape) for w in layer.get_weights()])
    expected = np.asarray(layer(x))
    cell = LSTMScratch.from_keras(layer)
    got = cell(x)
    assert got.shape == (batch, time, units)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert cell.count_params() == layer.count_params() == 4 * units * (features + units + 1)


def test_lstm_trace_is_consistent_and_matches_keras_states():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 15, 3)).astype("float32")
    h0, c0 = rng.normal(size=(2, 4, 6)).astype("float32")
    layer = keras.layers.LSTM(6, return_sequences=True, return_state=True)
    seq, h_last, c_last = (np.asarray(t) for t in layer(x, initial_state=[h0, c0]))
    tr = LSTMScratch.from_keras(layer).trace(x, initial_state=(h0, c0))
    np.testing.assert_allclose(tr.h, seq, atol=1e-5)
    np.testing.assert_allclose(tr.c[:, -1], c_last, atol=1e-5)
    np.testing.assert_allclose(tr.h[:, -1], h_last, atol=1e-5)
    # the six equations hold at every step
    np.testing.assert_allclose(tr.h, tr.o * np.tanh(tr.c), atol=1e-12)
    c_prev = np.concatenate([c0[:, None], tr.c[:, :-1]], axis=1)
    np.testing.assert_allclose(tr.c, tr.f * c_prev + tr.i * tr.g, atol=1e-12)
    for gate in (tr.i, tr.f, tr.o):
        assert ((gate > 0) & (gate < 1)).all()
    assert (np.abs(tr.g) < 1).all()


def test_lstm_scratch_rejects_bad_layers_and_shapes():
    with pytest.raises(ValueError, match="LSTM"):
        LSTMScratch.from_keras(keras.layers.GRU(2))
    odd = keras.layers.LSTM(2, recurrent_activation="hard_sigmoid")
    odd(np.zeros((1, 2, 1), "float32"))
    with pytest.raises(ValueError, match="recurrent_activation='sigmoid'"):
        LSTMScratch.from_keras(odd)
    with pytest.raises(ValueError, match="4 \\* units"):
        LSTMScratch(np.zeros((2, 7)), np.zeros((7, 7)))
    with pytest.raises(ValueError, match="recurrent_kernel"):
        LSTMScratch(np.zeros((2, 8)), np.zeros((3, 8)))
    cell = LSTMScratch(np.zeros((2, 8)), np.zeros((2, 8)))
    with pytest.raises(ValueError, match="pair"):
        cell.trace(np.zeros((1, 3, 2)), initial_state=(np.zeros((1, 2)),))
    with pytest.raises(ValueError, match="2 input features"):
        cell(np.zeros((1, 3, 4)))


# --- GRU ------------------------------------------------------------------------------------


def _perturbed_gru(units, x, rng, **kwargs):
    """A GRU layer with weights moved away from their initial values (biases non-zero too)."""
    layer = keras.layers.GRU(units, return_sequences=True, **kwargs)
    layer(x)
    layer.set_weights([w + rng.normal(scale=0.3, size=w.shape) for w in layer.get_weights()])
    return layer


@pytest.mark.parametrize(
    "batch,time,features,units",
    [(1, 1, 1, 1), (2, 6, 3, 4), (5, 25, 7, 16), (3, 40, 2, 33), (8, 9, 12, 5)],
)
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_scratch_matches_keras(batch, time, features, units, reset_after):
    rng = np.random.default_rng(batch * 53 + time + units)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    layer = _perturbed_gru(units, x, rng, reset_after=reset_after)
    expected = np.asarray(layer(x))
    cell = GRUScratch.from_keras(layer)
    assert cell.reset_after is reset_after
    got = cell(x)
    assert got.shape == (batch, time, units)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    extra_bias = 2 if reset_after else 1  # reset_after keeps a second, recurrent bias vector
    assert cell.count_params() == layer.count_params()
    assert cell.count_params() == 3 * units * (features + units + extra_bias)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_initial_state_and_trace_match_keras(reset_after):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 12, 3)).astype("float32")
    h0 = rng.normal(size=(4, 6)).astype("float32")
    layer = _perturbed_gru(6, x, rng, reset_after=reset_after, return_state=True)
    seq, h_last = (np.asarray(t) for t in layer(x, initial_state=h0))
    tr = GRUScratch.from_keras(layer).trace(x, initial_state=h0)
    assert isinstance(tr, GRUTrace)
    np.testing.assert_allclose(tr.h, seq, atol=1e-5)
    np.testing.assert_allclose(tr.h[:, -1], h_last, atol=1e-5)
    # Keras' convention: z keeps the old state, 1 - z lets the candidate in
    h_prev = np.concatenate([h0[:, None], tr.h[:, :-1]], axis=1)
    np.testing.assert_allclose(tr.h, tr.z * h_prev + (1 - tr.z) * tr.candidate, atol=1e-12)
    for gate in (tr.z, tr.r):
        assert ((gate > 0) & (gate < 1)).all()
    assert (np.abs(tr.candidate) < 1).all()
    # the initial state matters: without it the outputs differ
    assert np.abs(GRUScratch.from_keras(layer)(x) - seq).max() > 1e-3


def test_gru_step_written_out_both_forms():
    rng = np.random.default_rng(11)
    features, units = 3, 4
    kernel = rng.normal(size=(features, 3 * units))
    recurrent = rng.normal(size=(units, 3 * units))
    b_in, b_rec = rng.normal(size=(2, 3 * units))
    x_t, h = rng.normal(size=(2, features)), rng.normal(size=(2, units))
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    xs = np.split(x_t @ kernel, 3, axis=-1)
    bs, rbs = np.split(b_in, 3), np.split(b_rec, 3)
    us = np.split(recurrent, 3, axis=-1)
    z = sig(xs[0] + bs[0] + h @ us[0] + rbs[0])
    r = sig(xs[1] + bs[1] + h @ us[1] + rbs[1])
    cand_after = np.tanh(xs[2] + bs[2] + r * (h @ us[2] + rbs[2]))
    after = GRUScratch(kernel, recurrent, np.stack([b_in, b_rec]), reset_after=True)
    np.testing.assert_allclose(after.step(x_t, h)[-1], z * h + (1 - z) * cand_after)
    # reset-before: one bias vector, r applied to h before the matrix product
    z0 = sig(xs[0] + bs[0] + h @ us[0])
    r0 = sig(xs[1] + bs[1] + h @ us[1])
    cand_before = np.tanh(xs[2] + bs[2] + (r0 * h) @ us[2])
    before = GRUScratch(kernel, recurrent, b_in, reset_after=False)
    np.testing.assert_allclose(before.step(x_t, h)[-1], z0 * h + (1 - z0) * cand_before)


def test_gru_no_bias_and_param_counts():
    x = np.ones((2, 3, 4), dtype="float32")
    for reset_after in (True, False):
        layer = keras.layers.GRU(5, use_bias=False, reset_after=reset_after)
        expected = np.asarray(layer(x))
        cell = GRUScratch.from_keras(layer)
        np.testing.assert_allclose(cell(x)[:, -1], expected, atol=1e-5)
        assert cell.count_params() == layer.count_params() == 3 * 5 * (4 + 5)


def test_gru_scratch_rejects_bad_layers_and_shapes():
    with pytest.raises(ValueError, match="GRU"):
        GRUScratch.from_keras(keras.layers.LSTM(2))
    with pytest.raises(ValueError, match="no weights yet"):
        GRUScratch.from_keras(keras.layers.GRU(2))
    odd = keras.layers.GRU(2, activation="relu")
    odd(np.zeros((1, 2, 1), "float32"))
    with pytest.raises(ValueError, match="activation='tanh'"):
        GRUScratch.from_keras(odd)
    with pytest.raises(ValueError, match="3 \\* units"):
        GRUScratch(np.zeros((2, 7)), np.zeros((7, 7)))
    with pytest.raises(ValueError, match="recurrent_kernel"):
        GRUScratch(np.zeros((2, 6)), np.zeros((3, 6)))
    with pytest.raises(ValueError, match=r"\(2, 6\) when reset_after=True"):
        GRUScratch(np.zeros((2, 6)), np.zeros((2, 6)), np.zeros(6))
    with pytest.raises(ValueError, match=r"\(6,\) when reset_after=False"):
        GRUScratch(np.zeros((2, 6)), np.zeros((2, 6)), np.zeros((2, 6)), reset_after=False)
    with pytest.raises(ValueError, match="reset_after"):
        GRUScratch(np.zeros((2, 6)), np.zeros((2, 6)), reset_after="yes")
    cell = GRUScratch(np.zeros((2, 6)), np.zeros((2, 6)))
    with pytest.raises(ValueError, match=r"\(batch, time, features\)"):
        cell(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="2 input features"):
        cell(np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match="float"):
        cell(np.zeros((1, 3, 2), dtype=int))
    with pytest.raises(ValueError, match="initial state"):
        cell(np.zeros((1, 3, 2)), initial_state=np.zeros((2, 2)))
