"""The CTC speech model: shapes, time downsampling, cuDNN-eligible recurrent layers, masking of
padded frames, saving, learning."""

import keras
import numpy as np
import pytest

from course_lib import handles, models
from course_lib.models import speech as speech_models


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
    parts = handles.speech_handles(model)
    assert len(parts.rnns) == 2
    for bi in parts.rnns:
        assert isinstance(bi, keras.layers.Bidirectional)
        layer = bi.forward_layer
        assert layer.return_sequences
        assert layer.activation is keras.activations.tanh
        assert layer.recurrent_activation is keras.activations.sigmoid
        assert layer.recurrent_dropout == 0 and not layer.unroll and layer.use_bias
        if cell == "gru":
            assert layer.reset_after
    gates = 3 if cell == "gru" else 4
    first = parts.rnns[0]
    per_direction = gates * 5 * (4 + 5 + 1) + (gates * 5 if cell == "gru" else 0)
    assert first.count_params() == 2 * per_direction
    assert parts.logits.units == 4


def _batch_of(*utterances, frames=None):
    """Right-pad utterances ``(frames_i, features)`` with zero frames into one batch."""
    frames = frames or max(len(u) for u in utterances)
    batch = np.zeros((len(utterances), frames, utterances[0].shape[1]), "float32")
    for i, u in enumerate(utterances):
        batch[i, : len(u)] = u
    return batch


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_prediction_does_not_depend_on_the_batch(cell):
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    model = models.build_ctc_speech_model(12, 6, filters=8, units=6, rnn_layers=2, cell=cell)
    short = rng.normal(size=(37, 12)).astype("float32")
    long = rng.normal(size=(90, 12)).astype("float32")
    valid = int(np.ceil(len(short) / 4))
    alone = np.asarray(model.predict_on_batch(short[None]))[0]
    with_padding = np.asarray(model.predict_on_batch(_batch_of(short, frames=44)))[0]
    batched = np.asarray(model.predict_on_batch(_batch_of(short, long)))[0]
    assert alone.shape[0] == valid and batched.shape[0] == int(np.ceil(90 / 4))
    np.testing.assert_allclose(with_padding[:valid], alone, atol=1e-5)
    np.testing.assert_allclose(batched[:valid], alone, atol=1e-5)
    # padded output frames are sure blanks
    probs = np.asarray(keras.ops.softmax(batched[valid:]))
    np.testing.assert_allclose(probs[:, 0], 1.0, atol=1e-6)


def test_the_mask_matters_without_it_the_batch_would_change_the_prediction():
    # the same check on the unmasked recipe (the recurrent layer reads the padding) fails; the
    # biases are random, as after training (zero biases keep a GRU at 0 on zero padding)
    keras.utils.set_random_seed(2)
    rng = np.random.default_rng(2)
    gru = keras.layers.GRU(4, return_sequences=True, bias_initializer="random_normal")
    layer = keras.layers.Bidirectional(gru)
    short = rng.normal(size=(1, 10, 3)).astype("float32")
    padded = np.concatenate([short, np.zeros((1, 20, 3), "float32")], axis=1)
    assert np.abs(np.asarray(layer(padded))[0, :10] - np.asarray(layer(short))[0]).max() > 1e-3


def test_ctc_loss_of_a_padded_batch_equals_each_utterances_own_loss():
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(3)
    model = models.build_ctc_speech_model(8, 5, filters=4, units=4, rnn_layers=1)
    a = rng.normal(size=(30, 8)).astype("float32")
    b = rng.normal(size=(61, 8)).astype("float32")
    labels = np.array([[1, 2, 2], [3, 4, 0]], "int32")
    batched = np.asarray(keras.losses.CTC(reduction=None)(labels, model(_batch_of(a, b))))
    own = [
        float(np.asarray(keras.losses.CTC(reduction=None)(labels[i : i + 1], model(u[None])))[0])
        for i, u in enumerate((a, b))
    ]
    np.testing.assert_allclose(batched, own, rtol=1e-5)


def test_padding_lengths_keeps_zero_frames_inside_an_utterance():
    x = np.ones((3, 8, 2), "float32")
    x[0, 5:] = 0  # padding
    x[1, 2:4] = 0  # a time mask inside the utterance
    x[2] = 0  # nothing at all: one frame is kept so no row is fully masked
    lengths = np.asarray(speech_models.PaddingLengths()(x))
    assert lengths.tolist() == [5, 8, 1]
    mask = np.asarray(speech_models.FrameMask(4)([np.zeros((3, 2, 1)), lengths]))
    assert mask.tolist() == [[True, True], [True, True], [True, False]]
    with pytest.raises(ValueError, match="factor"):
        speech_models.FrameMask(0)
    with pytest.raises(ValueError, match="multiple"):
        speech_models.PadToMultiple(0)


def test_saves_and_reloads_with_the_masking_layers(tmp_path):
    rng = np.random.default_rng(4)
    model = models.build_ctc_speech_model(8, 5, filters=4, units=4, rnn_layers=1)
    x = _batch_of(rng.normal(size=(13, 8)), rng.normal(size=(21, 8)))
    path = tmp_path / "ctc.keras"
    model.save(path)
    reloaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_allclose(reloaded.predict_on_batch(x), model.predict_on_batch(x), atol=1e-6)


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


# --- running a recogniser over a dataset and decoding it (notebook 10) ---


def _sure_logits(paths, classes=5):
    """Logits that put almost all the probability on one label per frame."""
    logits = np.full((len(paths), len(paths[0]), classes), -10.0, "float32")
    for i, path in enumerate(paths):
        logits[i, np.arange(len(path)), path] = 10.0
    return logits


def test_transcribe_and_prefix_beam_texts_read_confident_frames():
    from course_lib.data.speech import ALPHABET

    a, b = ALPHABET.index("a") + 1, ALPHABET.index("b") + 1
    batches = [_sure_logits([[a, 0, a, b, b, 0]]), _sure_logits([[0, b, 0, 0, 0, 0], [a] * 6])]
    for texts in (
        speech_models.transcribe_batches(batches),
        speech_models.transcribe_batches(batches, "beam_search", beam_width=4),
        speech_models.prefix_beam_texts(batches, beam_width=4),
    ):
        assert texts == ["aab", "b", "a"]

    def only_b(prefix, k):  # a language model that finds every label but "b" unlikely
        return 0.0 if k == b else -50.0

    fused = speech_models.prefix_beam_texts(
        [_sure_logits([[a, 0, 0, 0]]) * 0.05], beam_width=8, lm=only_b, alpha=1.0
    )
    assert fused != ["a"]


def test_predict_batches_returns_logits_and_references_in_dataset_order():
    import tensorflow as tf

    from course_lib.data.speech import encode_texts

    keras.utils.set_random_seed(5)
    model = models.build_ctc_speech_model(6, 29, filters=4, units=3, rnn_layers=1)
    x = np.random.default_rng(5).normal(size=(5, 12, 6)).astype("float32")
    y = encode_texts(["one", "two", "three", "four", "five"])
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
    batches, refs = speech_models.predict_batches(model, dataset)
    assert refs == ["one", "two", "three", "four", "five"]
    assert [len(b) for b in batches] == [2, 2, 1]
    np.testing.assert_allclose(np.concatenate(batches), model.predict_on_batch(x), atol=1e-5)
