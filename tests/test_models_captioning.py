"""Captioning builders: shapes, names, teacher forcing = one step at a time, decoding, learning."""

import keras
import numpy as np
import pytest

from course_lib.data import scenes
from course_lib.layers import BahdanauAttention, ShowAttendTellCell
from course_lib.models import captioning as cap

VOCAB = scenes.caption_vocabulary()
STEPS = 17


@pytest.fixture(scope="module")
def data():
    s = scenes.make_scenes(24, "train", seed=5)
    inputs, targets = scenes.encode_captions(s.captions, VOCAB, STEPS)
    return s, inputs, targets


def test_encoder_gives_regions_with_coordinates_and_a_pooled_vector():
    encoder = cap.build_image_encoder_model((32, 32, 3), (4, 8, 6))
    regions, pooled = encoder(np.zeros((2, 32, 32, 3), "float32"))
    assert regions.shape == (2, 16, 8) and pooled.shape == (2, 6)
    coords = np.asarray(regions[0, :, -2:])
    np.testing.assert_allclose(
        coords[:4], [[-1, -1], [-1, -1 / 3], [-1, 1 / 3], [-1, 1]], atol=1e-6
    )
    np.testing.assert_allclose(coords[-1], [1, 1])
    with pytest.raises(ValueError, match="too small"):
        cap.build_image_encoder_model((8, 8, 3), (4, 4, 4, 4))
    with pytest.raises(ValueError, match="filters"):
        cap.build_image_encoder_model((32, 32, 3), ())


@pytest.mark.parametrize("attention", [True, False])
def test_teacher_forcing_equals_stepping_one_word_at_a_time(data, attention):
    s, inputs, _ = data
    keras.utils.set_random_seed(0)
    model = cap.build_caption_model(
        len(VOCAB),
        STEPS,
        units=16,
        embed_dim=8,
        attention=attention,
        attention_units=8,
        filters=(4, 8, 8),
    )
    logits = np.asarray(model([s.images[:3], inputs[:3]]))
    assert logits.shape == (3, STEPS, len(VOCAB))
    inference = cap.caption_inference_models(model)
    assert inference.attention is attention
    state = inference.initial_state(s.images[:3])
    assert len(state) == (3 if attention else 2)
    for t in range(STEPS):
        log_probs, state = inference.step_fn(inputs[:3, t], state)
        want = logits[:, t] - np.log(np.exp(logits[:, t]).sum(-1, keepdims=True))
        np.testing.assert_allclose(log_probs, want, atol=1e-4)


def test_layers_are_named_and_keep_the_cudnn_configuration():
    plain = cap.build_caption_model(len(VOCAB), STEPS, units=8, attention=False, filters=(4, 4, 4))
    lstm = plain.get_layer("decoder_lstm")
    assert isinstance(lstm, keras.layers.LSTM)
    assert lstm.activation.__name__ == "tanh" and lstm.recurrent_activation.__name__ == "sigmoid"
    assert lstm.use_bias and not lstm.unroll and lstm.recurrent_dropout == 0
    attn = cap.build_caption_model(len(VOCAB), STEPS, units=8, filters=(4, 4, 4))
    cell = attn.get_layer("decoder_rnn").cell
    assert isinstance(cell, ShowAttendTellCell)
    assert isinstance(cell.attention, BahdanauAttention)
    lstm_cell = cell.lstm_cell
    assert lstm_cell.activation.__name__ == "tanh"
    assert lstm_cell.recurrent_activation.__name__ == "sigmoid" and lstm_cell.use_bias
    for name in ("image_encoder", "init_h", "init_c", "embedding", "logits"):
        assert attn.get_layer(name) is not None and plain.get_layer(name) is not None
    # the attention decoder starts from the pooled vector (4 channels); the baseline from the
    # whole grid flattened: 16 regions of 4 channels and 2 coordinates
    assert attn.get_layer("init_h").kernel.shape == (4, 8)
    assert plain.get_layer("init_h").kernel.shape == (16 * 6, 8)


@pytest.mark.parametrize("attention", [True, False])
@pytest.mark.parametrize("start", ["pooled", "grid"])
def test_initial_state_from_pooled_or_grid(data, attention, start):
    """Either summary of the image can start either decoder; inference rebuilds the same one."""
    s, inputs, _ = data
    keras.utils.set_random_seed(0)
    model = cap.build_caption_model(
        len(VOCAB), STEPS, units=8, attention=attention, filters=(4, 4, 4), initial_state_from=start
    )
    assert model.get_layer("init_h").kernel.shape[0] == (16 * 6 if start == "grid" else 4)
    logits = np.asarray(model([s.images[:2], inputs[:2]]))
    inference = cap.caption_inference_models(model)
    log_probs, _ = inference.step_fn(inputs[:2, 0], inference.initial_state(s.images[:2]))
    want = logits[:, 0] - np.log(np.exp(logits[:, 0]).sum(-1, keepdims=True))
    np.testing.assert_allclose(log_probs, want, atol=1e-4)
    if start == "grid":  # the grid vector is every region, in grid order, one after another
        grid = keras.Model(model.inputs[0], model.get_layer("grid_vector").output)
        regions, _ = model.get_layer("image_encoder")(s.images[:2], training=False)
        want = np.asarray(regions).reshape(2, -1)
        np.testing.assert_allclose(np.asarray(grid(s.images[:2], training=False)), want, atol=1e-6)


def test_initial_state_from_bad_value():
    with pytest.raises(ValueError, match="initial_state_from"):
        cap.build_caption_model(len(VOCAB), STEPS, units=8, initial_state_from="mean")


def test_attention_weights_are_a_distribution_over_regions(data):
    s, _, _ = data
    model = cap.build_caption_model(len(VOCAB), STEPS, units=8, filters=(4, 4, 4))
    inference = cap.caption_inference_models(model)
    weights = cap.caption_attention(inference, s.images[:3], s.captions[:3], VOCAB)
    for w, caption in zip(weights, s.captions[:3], strict=True):
        assert w.shape == (len(caption) + 1, 16)
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    alone = cap.caption_attention(inference, s.images[1:2], s.captions[1:2], VOCAB)[0]
    np.testing.assert_allclose(alone, weights[1], atol=1e-5)
    plain = cap.caption_inference_models(
        cap.build_caption_model(len(VOCAB), STEPS, units=8, attention=False, filters=(4, 4, 4))
    )
    with pytest.raises(ValueError, match="attention"):
        cap.caption_attention(plain, s.images[:1], s.captions[:1], VOCAB)


def _caption_log_prob(inference, image, words):
    state = inference.initial_state(image[None])
    total = 0.0
    ids = VOCAB.encode(words, add_end=True)
    for prev, nxt in zip(VOCAB.encode(words, add_start=True), ids, strict=True):
        log_probs, state = inference.step_fn(np.array([prev]), state)
        total += float(log_probs[0, nxt])
    return total


def test_a_tiny_captioner_learns_and_beam_finds_more_probable_captions(data):
    """Two scenes, memorised: the loss falls, greedy decoding follows the model's argmax, and
    every beam caption is at least as probable under the model as the greedy one."""
    s, inputs, targets = data
    keras.utils.set_random_seed(1)
    model = cap.build_caption_model(len(VOCAB), STEPS, units=32, embed_dim=16, filters=(8, 8, 8))
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
    )
    x = [np.repeat(s.images[:2], 32, 0), np.repeat(inputs[:2], 32, 0)]
    history = model.fit(x, np.repeat(targets[:2], 32, 0), batch_size=8, epochs=8, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    inference = cap.caption_inference_models(model)
    images = s.images[:6]
    greedy = cap.caption_images(inference, images, VOCAB, STEPS)
    beam = cap.caption_images(inference, images, VOCAB, STEPS, beam_width=3, batch_size=4)
    for image, g, b in zip(images, greedy, beam, strict=True):
        assert len(g) < STEPS, "greedy decoding must stop at the end marker"
        assert (
            _caption_log_prob(inference, image, b) >= _caption_log_prob(inference, image, g) - 1e-4
        )
    # greedy = the argmax at every step of the model run on its own caption
    encoded, _ = scenes.encode_captions(greedy, VOCAB, STEPS)
    logits = np.asarray(model([images, encoded], training=False))
    for row, caption in zip(logits, greedy, strict=True):
        assert VOCAB.decode(row.argmax(-1)) == caption
    with pytest.raises(ValueError, match="beam_width"):
        cap.caption_images(inference, images, VOCAB, STEPS, beam_width=0)
    continued = cap.continue_captions(inference, images[:2], [["a", "small"]] * 2, VOCAB, STEPS)
    assert all(c[:2] == ["a", "small"] for c in continued)


def test_bad_arguments():
    with pytest.raises(ValueError, match="vocab_size"):
        cap.build_caption_model(0, STEPS)
    with pytest.raises(ValueError, match="attention"):
        cap.build_caption_model(10, STEPS, attention="yes")
    with pytest.raises(ValueError, match="cell_head"):
        cap.build_caption_model(10, STEPS, cell_head=1)


@pytest.mark.parametrize("attention", [True, False])
def test_cell_head_classifies_each_quarter_of_the_grid(data, attention):
    """The auxiliary head scores 11 classes per cell, trains, and leaves the caption logits and
    the inference models as they are."""
    s, inputs, _ = data
    keras.utils.set_random_seed(0)
    model = cap.build_caption_model(
        len(VOCAB), STEPS, units=8, attention=attention, filters=(4, 8, 8), cell_head=True
    )
    logits, cells = (np.asarray(a) for a in model([s.images[:2], inputs[:2]]))
    assert logits.shape == (2, STEPS, len(VOCAB)) and cells.shape == (2, 4, 11)
    assert model.get_layer("cell_digits").units == 11
    inference = cap.caption_inference_models(model)
    state = inference.initial_state(s.images[:2])
    log_probs, _ = inference.step_fn(inputs[:2, 0], state)
    want = logits[:, 0] - np.log(np.exp(logits[:, 0]).sum(-1, keepdims=True))
    np.testing.assert_allclose(log_probs, want, atol=1e-4)
    # a cell head trains: the auxiliary loss falls on a few scenes
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=[
            keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        ],
    )
    y = [np.repeat(_targets(s)[:4], 8, 0), np.repeat(scenes.cell_labels(s.objects[:4]), 8, 0)]
    x = [np.repeat(s.images[:4], 8, 0), np.repeat(inputs[:4], 8, 0)]
    history = model.fit(x, y, batch_size=8, epochs=6, verbose=0)
    assert history.history["cell_digits_loss"][-1] < 0.5 * history.history["cell_digits_loss"][0]


def _targets(s):
    return scenes.encode_captions(s.captions, VOCAB, STEPS)[1]
