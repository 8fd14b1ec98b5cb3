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


# --- the shapes of sequence problems (notebook 02) ---


def test_bag_of_tokens_ignores_order():
    model = models.build_bag_of_tokens_classifier_model(vocab_size=10, n_classes=3, units=4)
    ids = np.array([[5, 6, 7, 0], [7, 6, 5, 0]], "int32")
    out = np.asarray(model(ids))
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out[0], out[1], atol=1e-6)
    assert model.count_params() == 10 * 4 + 4 + 4 * 3 + 3


@pytest.mark.parametrize("cell", models.CELL_TYPES)
def test_token_classifier_mask_makes_padding_irrelevant(cell):
    masked = models.build_token_classifier_model(12, 4, units=6, embedding_dim=3, cell=cell)
    ids = np.array([[3, 4, 5, 0, 0]], "int32")
    wide = np.array([[3, 4, 5, 0, 0, 0, 0, 0]], "int32")
    assert masked(ids).shape == (1, 4)
    np.testing.assert_allclose(masked(ids), masked(wide), atol=1e-5)
    unmasked = models.build_token_classifier_model(12, 4, units=6, cell=cell, mask=False)
    assert not np.allclose(unmasked(ids), unmasked(wide), atol=1e-5)
    assert masked.get_layer("rnn").units == 6 and masked.get_layer("embedding").mask_zero
    assert not unmasked.get_layer("embedding").mask_zero


@pytest.mark.parametrize("cell", models.CELL_TYPES)
def test_conditional_generator_shapes_and_condition(cell):
    model = models.build_conditional_generator_model(3, 9, units=5, embedding_dim=4, cell=cell)
    previous = np.array([[2, 5, 6], [2, 5, 6]], "int32")
    out = np.asarray(model([np.array([0, 1], "int32"), previous]))
    assert out.shape == (2, 3, 9)
    assert not np.allclose(out[0], out[1])  # the label changes the output
    assert model.get_layer("condition_to_state0").output.shape[-1] == 5
    if cell == "lstm":
        assert model.get_layer("condition_to_state1") is not None


def test_sequence_tagger_is_causal():
    model = models.build_sequence_tagger_model(vocab_size=8, n_tags=2, units=4)
    a = np.array([[1, 2, 3, 4, 5]], "int32")
    b = np.array([[1, 2, 3, 7, 7]], "int32")
    out_a, out_b = np.asarray(model(a)), np.asarray(model(b))
    assert out_a.shape == (1, 5, 2)
    np.testing.assert_allclose(out_a[:, :3], out_b[:, :3], atol=1e-6)  # the future is unseen
    assert not np.allclose(out_a[:, 3:], out_b[:, 3:])


def test_conv_rnn_classifier_downsamples():
    alone = models.build_conv_rnn_classifier_model(2, 10, units=4)
    assert alone(np.zeros((3, 64, 2), "float32")).shape == (3, 10)
    hybrid = models.build_conv_rnn_classifier_model(2, 10, units=4, strides=(4, 2), filters=3)
    assert hybrid(np.zeros((3, 64, 2), "float32")).shape == (3, 10)
    steps = keras.Model(hybrid.input, hybrid.get_layer("rnn").input)
    assert steps(np.zeros((1, 64, 2), "float32")).shape == (1, 8, 3)
    assert steps(np.zeros((1, 65, 2), "float32")).shape == (1, 9, 3)  # ceil(65 / 4) then / 2
    assert hybrid.get_layer("conv1").kernel_size == (8,)


def test_new_builders_bad_arguments():
    with pytest.raises(ValueError, match="n_classes"):
        models.build_bag_of_tokens_classifier_model(5, 0)
    with pytest.raises(ValueError, match="mask"):
        models.build_token_classifier_model(5, 2, mask="yes")
    with pytest.raises(ValueError, match="cell"):
        models.build_conditional_generator_model(2, 5, cell="transformer")
    with pytest.raises(ValueError, match="n_tags"):
        models.build_sequence_tagger_model(5, 0)
    with pytest.raises(ValueError, match="strides"):
        models.build_conv_rnn_classifier_model(1, 2, strides=(1,))


@pytest.mark.parametrize("cell", models.CELL_TYPES)
def test_sequence_classifier(cell):
    model = models.build_sequence_classifier_model(features=5, n_classes=4, units=6, cell=cell)
    assert model(np.zeros((3, 9, 5), "float32")).shape == (3, 4)
    assert model.get_layer("rnn").units == 6
    lstm = models.build_sequence_classifier_model(5, 4, 6, "lstm", unit_forget_bias=False)
    assert not lstm.get_layer("rnn").cell.unit_forget_bias
    with pytest.raises(ValueError, match="n_classes"):
        models.build_sequence_classifier_model(5, 0)


# --- bidirectional options (notebook 05) ---


@pytest.mark.parametrize("cell", models.CELL_TYPES)
def test_bidirectional_tagger_sees_the_future_and_doubles_the_weights(cell):
    kwargs = dict(vocab_size=8, n_tags=2, units=4, embedding_dim=3, cell=cell)
    one_way = models.build_sequence_tagger_model(**kwargs)
    both = models.build_sequence_tagger_model(**kwargs, bidirectional=True)
    rnn = both.get_layer("rnn")
    assert isinstance(rnn, keras.layers.Bidirectional) and rnn.merge_mode == "concat"
    assert rnn.forward_layer.name == "forward_rnn" and rnn.backward_layer.go_backwards
    assert rnn.count_params() == 2 * one_way.get_layer("rnn").count_params()
    a = np.array([[1, 2, 3, 4, 5]], "int32")
    b = np.array([[1, 2, 3, 7, 7]], "int32")
    out_a, out_b = np.asarray(both(a)), np.asarray(both(b))
    assert out_a.shape == (1, 5, 2) and both.name == f"bidirectional_{cell}_tagger"
    assert not np.allclose(out_a[:, :3], out_b[:, :3])  # earlier tags depend on later ids
    summed = models.build_sequence_tagger_model(**kwargs, bidirectional=True, merge_mode="sum")
    assert summed.get_layer("logits").kernel.shape == (4, 2)
    assert both.get_layer("logits").kernel.shape == (8, 2)


def test_bidirectional_layers_keep_cudnn_configuration():
    for cell in ("lstm", "gru"):
        layer = models.sequence_layer(cell, 4, "r", bidirectional=True)
        for direction in (layer.forward_layer, layer.backward_layer):
            assert direction.cell.activation is keras.activations.tanh
            assert direction.cell.recurrent_activation is keras.activations.sigmoid
            assert direction.cell.recurrent_dropout == 0 and not direction.unroll
            assert direction.cell.use_bias
        if cell == "gru":
            assert layer.forward_layer.cell.reset_after and layer.backward_layer.cell.reset_after
    assert isinstance(models.sequence_layer("gru", 4, "r"), keras.layers.GRU)


@pytest.mark.parametrize("cell", models.CELL_TYPES)
def test_other_builders_accept_bidirectional(cell):
    clf = models.build_sequence_classifier_model(5, 3, units=4, cell=cell, bidirectional=True)
    assert clf(np.zeros((2, 7, 5), "float32")).shape == (2, 3)
    assert clf.get_layer("logits").kernel.shape == (8, 3)
    lm = models.build_char_language_model(
        9, units=4, embedding_dim=3, cell=cell, bidirectional=True
    )
    assert lm(np.zeros((2, 6), "int32")).shape == (2, 6, 9)
    tok = models.build_token_classifier_model(12, 2, units=4, cell=cell, bidirectional=True)
    ids = np.array([[3, 4, 5, 0, 0]], "int32")
    wide = np.array([[3, 4, 5, 0, 0, 0, 0]], "int32")
    np.testing.assert_allclose(tok(ids), tok(wide), atol=1e-5)  # the backward pass skips padding


def test_bidirectional_bad_arguments():
    with pytest.raises(ValueError, match="merge_mode"):
        models.build_sequence_tagger_model(5, 2, bidirectional=True, merge_mode=None)
    with pytest.raises(ValueError, match="merge_mode"):
        models.sequence_layer("gru", 3, "r", bidirectional=True, merge_mode="max")
    with pytest.raises(ValueError, match="bidirectional"):
        models.build_sequence_classifier_model(5, 2, bidirectional="yes")
