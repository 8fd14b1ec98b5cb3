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


# --- training and evaluation helpers (notebook 09) ---


def test_fit_captioner_trains_both_heads_and_prints_one_line(data, capsys):
    s, inputs, targets = data
    keras.utils.set_random_seed(0)
    model = cap.build_caption_model(
        len(VOCAB), STEPS, units=8, embed_dim=4, filters=(4, 4, 4), cell_head=True
    )
    fit = cap.fit_captioner(
        model,
        s.images,
        inputs,
        targets,
        scenes.cell_labels(s.objects),
        epochs=2,
        batch_size=8,
        learning_rate=1e-2,
    )
    assert fit.epochs == 2 and len(fit.history["logits_loss"]) == 2
    assert np.isfinite(fit.final("cell_digits_loss"))
    assert fit.history["logits_loss"][-1] < fit.history["logits_loss"][0]
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and "caption loss" in printed and "cell loss" in printed
    with pytest.raises(ValueError, match="learning_rate"):
        cap.fit_captioner(
            model, s.images, inputs, targets, None, epochs=1, batch_size=8, learning_rate=0
        )


def test_caption_scores_and_digit_accuracy_of_references_and_of_a_wrong_digit(data):
    s, _, _ = data
    perfect = cap.caption_scores(s.captions, s)
    assert list(perfect) == ["BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "scene accuracy"]
    assert all(v == pytest.approx(1.0) for v in perfect.values())
    assert cap.digit_accuracy(s.captions, s.objects) == 1.0
    # name another digit in place of the first one of every caption
    wrong = []
    for caption in s.captions:
        other = next(w for w in scenes.DIGIT_WORDS if w not in caption)
        wrong.append(caption[:3] + [other] + caption[4:])
    scores = cap.caption_scores(wrong, s)
    assert scores["scene accuracy"] == 0.0 and scores["BLEU-1"] < 1.0
    digits = sum(len(objs) for objs in s.objects)
    assert cap.digit_accuracy(wrong, s.objects) == pytest.approx(1 - len(s) / digits)
    assert cap.digit_accuracy([["not", "a", "caption"]] * len(s), s.objects) == 0.0
    with pytest.raises(ValueError, match="same length"):
        cap.digit_accuracy(s.captions[:2], s.objects)


def test_attention_on_named_digits_sums_the_weights_in_the_digits_cell(data, monkeypatch):
    s, _, _ = data
    scene = next(i for i, objs in enumerate(s.objects) if len(objs) == 1)
    (obj,) = s.objects[scene]
    caption = s.captions[scene]  # "a <size> <colour> <digit>"
    weights = np.zeros((len(caption) + 1, 16), "float32")
    inside = [r for r in range(16) if (r // 8, r % 4 // 2) == (obj.row, obj.col)]
    weights[3, inside] = [0.4, 0.2, 0.1, 0.05]  # while writing the digit word
    weights[3, [r for r in range(16) if r not in inside][0]] = 0.25
    monkeypatch.setattr(cap, "caption_attention", lambda *args: [weights])
    one = slice(scene, scene + 1)
    gaze = cap.attention_on_named_digits(None, s.images[one], [caption], s.objects[one], VOCAB)
    assert gaze == pytest.approx(0.75)
    monkeypatch.undo()
    model = cap.build_caption_model(len(VOCAB), STEPS, units=8, filters=(4, 4, 4))
    real = cap.caption_inference_models(model)
    value = cap.attention_on_named_digits(real, s.images[:4], s.captions[:4], s.objects[:4], VOCAB)
    assert 0.0 <= value <= 1.0
