"""Seq2seq builders: step-by-step decoding equals teacher forcing, masks, inference views."""

import json

import keras
import numpy as np
import pytest

from course_lib import decoding, models, saving
from course_lib.data.text import TokenVocabulary
from course_lib.profiles import Config

START, END = TokenVocabulary.START, TokenVocabulary.END


def _batch(seed=0):
    rng = np.random.default_rng(seed)
    source = rng.integers(4, 20, (4, 7)).astype("int32")
    source[1, 4:] = 0
    source[3, 2:] = 0
    previous = rng.integers(4, 15, (4, 6)).astype("int32")
    previous[:, 0] = START
    return source, previous


@pytest.mark.parametrize("attention", models.ATTENTION_TYPES)
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_step_by_step_equals_teacher_forcing(attention, cell):
    keras.utils.set_random_seed(0)
    model = models.build_seq2seq_model(
        20, 15, units=6, embedding_dim=4, cell=cell, attention=attention
    )
    source, previous = _batch()
    logits = np.asarray(model([source, previous]))
    assert logits.shape == (4, 6, 15)
    infer = models.Seq2SeqInference(model, START, END)
    state = infer.initial_state(source)
    assert len(state["states"]) == (2 if cell == "lstm" else 1)
    for t in range(previous.shape[1]):
        log_probs, state = infer.step_fn(previous[:, t], state)
        want = logits[:, t] - np.log(np.exp(logits[:, t]).sum(-1, keepdims=True))
        np.testing.assert_allclose(log_probs, want, atol=1e-5)
        if attention != "none":
            w = state["weights"]
            assert w.shape == (4, 7) and np.all(w[1, 4:] == 0) and np.all(w[3, 2:] == 0)
            np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_stacked_encoder_steps_like_teacher_forcing(cell):
    keras.utils.set_random_seed(4)
    model = models.build_seq2seq_model(
        20, 15, units=6, embedding_dim=4, cell=cell, encoder_layers=3, dropout=0.2
    )
    names = [layer.name for layer in model.layers]
    assert {"encoder_1", "encoder_2", "encoder", "encoder_dropout"} <= set(names)
    source, previous = _batch()
    logits = np.asarray(model([source, previous]))
    infer = models.Seq2SeqInference(model, START, END)
    state = infer.initial_state(source)
    for t in range(previous.shape[1]):
        log_probs, state = infer.step_fn(previous[:, t], state)
        want = logits[:, t] - np.log(np.exp(logits[:, t]).sum(-1, keepdims=True))
        np.testing.assert_allclose(log_probs, want, atol=1e-5)
    wider = np.pad(source, ((0, 0), (0, 3)))  # the stacked layers keep the mask
    np.testing.assert_allclose(model([wider, previous]), logits, atol=1e-5)
    clf = models.build_encoder_classifier_model(model, 3)
    assert len(clf.trainable_weights) == 2  # every encoder layer is frozen, not just the top
    assert not model.get_layer("encoder_1").trainable


def test_padding_does_not_change_the_answer():
    keras.utils.set_random_seed(1)
    model = models.build_seq2seq_model(20, 15, units=6, attention="luong")
    source, previous = _batch()
    wider = np.pad(source, ((0, 0), (0, 5)))
    np.testing.assert_allclose(model([source, previous]), model([wider, previous]), atol=1e-5)


def test_layer_sizes_and_parameter_counts():
    model = models.build_seq2seq_model(30, 12, units=8, embedding_dim=5, attention="bahdanau")
    assert model.get_layer("encoder").forward_layer.units == 8
    assert model.get_layer("decoder").units == 16
    # GRU (reset_after): 3 * (in * u + u * u + 2 u) per direction
    gru = lambda i, u: 3 * (i * u + u * u + 2 * u)  # noqa: E731
    assert model.get_layer("encoder").count_params() == 2 * gru(5, 8)
    assert model.get_layer("decoder").count_params() == gru(5, 16)
    assert model.get_layer("attention").count_params() == 16 * 8 + 16 * 8 + 8 + 8
    deep = models.build_seq2seq_model(30, 12, units=8, embedding_dim=5, encoder_layers=2)
    assert deep.get_layer("encoder_1").count_params() == 2 * gru(5, 8)
    assert deep.get_layer("encoder").count_params() == 2 * gru(16, 8)  # reads both directions
    assert deep.count_params() - model.count_params() == 2 * gru(16, 8)
    for name in ("encoder", "decoder"):
        layer = model.get_layer(name)
        layer = getattr(layer, "forward_layer", layer)
        config = layer.get_config()
        assert config["activation"] == "tanh" and config["recurrent_activation"] == "sigmoid"
        assert config["recurrent_dropout"] == 0 and not config["unroll"] and config["use_bias"]
        assert config["reset_after"]


def test_attention_model_and_decode():
    keras.utils.set_random_seed(2)
    model = models.build_seq2seq_model(20, 15, units=6, attention="bahdanau")
    infer = models.Seq2SeqInference(model, START, END)
    source, _ = _batch()
    greedy = infer.decode(source, max_length=5, batch_size=3)
    state = infer.initial_state(source)
    assert greedy == decoding.greedy_search(infer.step_fn, state, START, END, 5)
    beam = infer.decode(source, max_length=5, method="beam", beam_width=3)
    assert len(beam) == 4 and all(len(b) <= 5 for b in beam)
    again, scores = infer.decode(
        source, 5, method="beam", beam_width=3, length_penalty=0.5, batch_size=3, return_scores=True
    )
    want, want_scores = decoding.beam_search(
        infer.step_fn, state, START, END, 5, 3, length_penalty=0.5, return_scores=True
    )
    assert again == want and scores.shape == (4,)
    np.testing.assert_allclose(scores, want_scores, atol=1e-5)
    one, _ = infer.decode(source, 5, method="beam", beam_width=1, return_scores=True)
    assert one == greedy
    with pytest.raises(ValueError, match="return_scores"):
        infer.decode(source, 5, return_scores=True)
    weights = infer.attention_weights(source, greedy)
    assert weights[1].shape == (len(greedy[1]) + 1, 4)
    assert weights[3].shape == (len(greedy[3]) + 1, 2)
    with pytest.raises(ValueError, match="method"):
        infer.decode(source, 5, method="sample")
    plain = models.Seq2SeqInference(
        models.build_seq2seq_model(20, 15, 6, attention="none"), START, END
    )
    assert plain.attention_model is None
    with pytest.raises(ValueError, match="no attention"):
        plain.attention_weights(source, greedy)


@pytest.mark.parametrize("attention", ["none", "luong"])
def test_target_log_probs_equal_stepping_the_decoder(attention):
    keras.utils.set_random_seed(6)
    model = models.build_seq2seq_model(20, 15, units=6, attention=attention)
    source, previous = _batch(1)
    target = np.roll(previous, -1, axis=1)
    target[:, -1] = END
    target[1, 3:] = 0  # shorter targets: their padded steps are skipped
    target[2, 5:] = 0
    got = models.target_log_probs(model, source, previous, target, batch_size=3)
    infer = models.Seq2SeqInference(model, START, END)
    state, want = infer.initial_state(source), [[] for _ in source]
    for t in range(previous.shape[1]):
        log_probs, state = infer.step_fn(previous[:, t], state)
        for row in range(len(source)):
            if target[row, t]:
                want[row].append(log_probs[row, target[row, t]])
    assert got.shape == ((target != 0).sum(),) and got.dtype == np.float64
    np.testing.assert_allclose(got, np.concatenate(want), atol=1e-5)
    assert np.all(got < 0)


def test_target_log_probs_bad_arguments():
    keras.utils.set_random_seed(6)
    model = models.build_seq2seq_model(20, 15, units=6)
    source, previous = _batch()
    with pytest.raises(ValueError, match="previous and target both"):
        models.target_log_probs(model, source, previous, previous[:, :-1])
    with pytest.raises(ValueError, match="rows"):
        models.target_log_probs(model, source[:3], previous, previous)
    with pytest.raises(ValueError, match="batch_size"):
        models.target_log_probs(model, source, previous, previous, batch_size=0)


def test_saved_model_reloads_and_still_decodes(tmp_path):
    keras.utils.set_random_seed(3)
    model = models.build_seq2seq_model(20, 15, units=6, attention="luong")
    source, previous = _batch()
    path = tmp_path / "s2s.keras"
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_allclose(again([source, previous]), model([source, previous]), atol=1e-6)
    assert models.Seq2SeqInference(again, START, END).decode(source, 4) == models.Seq2SeqInference(
        model, START, END
    ).decode(source, 4)


def test_encoder_classifier_shares_and_freezes_the_encoder():
    model = models.build_seq2seq_model(20, 15, units=6)
    clf = models.build_encoder_classifier_model(model, 3)
    source, _ = _batch()
    assert clf(source).shape == (4, 3)
    assert clf.get_layer("encoder") is model.get_layer("encoder")
    assert not model.get_layer("encoder").trainable
    assert len(clf.trainable_weights) == 2  # the dense head only
    clf2 = models.build_encoder_classifier_model(model, 3, trainable_encoder=True)
    assert len(clf2.trainable_weights) > 2


def test_bad_arguments():
    with pytest.raises(ValueError, match="attention"):
        models.build_seq2seq_model(10, 10, attention="dot")
    with pytest.raises(ValueError, match="cell"):
        models.build_seq2seq_model(10, 10, cell="simple_rnn")
    with pytest.raises(ValueError, match="dropout"):
        models.build_seq2seq_model(10, 10, dropout=1.0)
    with pytest.raises(ValueError, match="units"):
        models.build_seq2seq_model(10, 10, units=0)
    with pytest.raises(ValueError, match="encoder_layers"):
        models.build_seq2seq_model(10, 10, encoder_layers=0)
    with pytest.raises(ValueError, match="build_seq2seq_model"):
        models.Seq2SeqInference(
            keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")]), 2, 3
        )


def _reversal(n, seed):
    """A small copy-in-reverse task: random words over four letters."""
    rng = np.random.default_rng(seed)
    words = ["".join(rng.choice(list("abcd"), size=k)) for k in rng.integers(2, 5, n)]
    vocab = TokenVocabulary("abcd")
    previous, target = models.teacher_forcing_arrays(vocab, [w[::-1] for w in words])
    return vocab.encode_batch(words), previous, target, len(vocab)


def test_train_seq2seq_learns_and_repeats_with_the_seed():
    import tensorflow as tf

    source, previous, target, size = _reversal(128, 0)
    runs = [
        models.train_seq2seq(
            source, previous, target, size, size, units=8, epochs=2, batch_size=32, seed=4
        )
        for _ in range(2)
    ]
    (model, result), (again, result2) = runs
    assert model.name == "seq2seq_gru_bahdanau" and result.epochs == 2
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert result.history["loss"] == result2.history["loss"]
    np.testing.assert_array_equal(
        model([source[:4], previous[:4]]), again([source[:4], previous[:4]])
    )
    model, result = models.train_seq2seq(
        source,
        previous,
        target,
        size,
        size,
        attention="none",
        units=8,
        epochs=1,
        cosine_decay=True,
        strategy=tf.distribute.get_strategy(),
    )
    assert model.name == "seq2seq_gru_none" and result.epochs == 1


def test_teacher_forced_accuracy_counts_argmax_hits_per_row():
    keras.utils.set_random_seed(6)
    model = models.build_seq2seq_model(20, 15, units=6, attention="luong")
    source, previous = _batch(1)
    target = np.roll(previous, -1, axis=1)
    target[:, -1] = END
    target[1, 3:] = 0
    predicted = np.asarray(model([source, previous])).argmax(axis=-1)
    target[0, :3] = predicted[0, :3]  # row 0: at least 3 of its 6 steps right
    got = models.teacher_forced_accuracy(model, source, previous, target, batch_size=3)
    real = target != 0
    want = ((predicted == target) & real).sum(axis=1) / real.sum(axis=1)
    np.testing.assert_allclose(got, want)
    assert got.shape == (4,) and got[0] >= 0.5 and np.all((got >= 0) & (got <= 1))
    with pytest.raises(ValueError, match="previous and target both"):
        models.teacher_forced_accuracy(model, source, previous, target[:, :-1])
    with pytest.raises(ValueError, match="rows"):
        models.teacher_forced_accuracy(model, source[:3], previous, target)
    with pytest.raises(ValueError, match="at least one token"):
        models.teacher_forced_accuracy(model, source, previous, np.zeros_like(target))
    with pytest.raises(ValueError, match="batch_size"):
        models.teacher_forced_accuracy(model, source, previous, target, batch_size=0)


def test_teacher_forcing_arrays():
    vocab = TokenVocabulary("abc")
    previous, target = models.teacher_forcing_arrays(vocab, ["ab", "c", "abca"])
    a, b, c = (vocab.encode(x)[0] for x in "abc")
    assert previous.tolist()[0] == [START, a, b, 0, 0]
    assert target.tolist()[0] == [a, b, END, 0, 0]
    assert target.tolist()[2] == [a, b, c, a, END]


def test_train_seq2seq_from_config_saves_and_reuses(monkeypatch, tmp_path, capsys):

    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path))
    source, previous, target, size = _reversal(64, 0)
    values = dict(batch_size=32, learning_rate=4e-3, cosine_decay=False, dropout=0.0)
    first = Config("08_first", "quick", 4, dict(values, fit_verbose=0))
    args = (source, previous, target, size, size)
    kw = dict(attention="luong", units=4, epochs=1)
    model, result = models.train_seq2seq_from_config(first, *args, **kw)
    assert result.epochs == 1 and not any(tmp_path.iterdir())  # no name: nothing saved
    same, _ = models.train_seq2seq_from_config(first, *args, **kw, name="rev")
    np.testing.assert_array_equal(model.get_weights()[0], same.get_weights()[0])  # cfg.seed
    assert saving.reuse_path(first, "rev").is_file()
    appendix = Config("08_appendix", "quick", 4, dict(values, fit_verbose=0))
    loaded, none = models.train_seq2seq_from_config(
        appendix, *args, **kw, name="rev", load_from=["08_first"]
    )
    assert none is None and "loaded" in capsys.readouterr().out
    np.testing.assert_array_equal(
        loaded([source[:4], previous[:4]]), model([source[:4], previous[:4]])
    )
    record = json.loads(saving.reuse_path(first, "rev").with_suffix(".json").read_text())
    recorded = {"arrays", "vocab_sizes", "attention", "units", "epochs", "output_layers", *values}
    assert set(record["settings"]) == recorded
    # a record from before every decoder had its tanh layer (no "output_layers"): trained again
    path = saving.reuse_path(first, "rev").with_suffix(".json")
    old = dict(
        record, settings={k: v for k, v in record["settings"].items() if k != "output_layers"}
    )
    path.write_text(json.dumps(old))
    _, retrained = models.train_seq2seq_from_config(
        appendix, *args, **kw, name="rev", load_from=["08_first"]
    )
    assert retrained is not None
    # another learning rate: trained again, not loaded
    faster = Config("08_appendix", "quick", 4, dict(values, fit_verbose=0, learning_rate=1e-3))
    _, fitted = models.train_seq2seq_from_config(
        faster, *args, **kw, name="rev", load_from=["08_first"]
    )
    assert fitted is not None
    with pytest.raises(ValueError, match="load_from"):
        models.train_seq2seq_from_config(first, *args, **kw, load_from=["08_first"])


def test_models_with_and_without_attention_share_the_output_layers():
    # the tanh layer before the logits is in every model: without attention it reads s_t alone
    shapes = {}
    for attention in ("none", "bahdanau", "luong"):
        model = models.build_seq2seq_model(20, 15, units=6, embedding_dim=4, attention=attention)
        layer = model.get_layer("attentional")
        shapes[attention] = layer.kernel.shape
        assert layer.activation is keras.activations.tanh
    assert shapes["none"] == (12, 12) and shapes["bahdanau"] == shapes["luong"] == (24, 12)


def test_encoder_classifier_pools_by_attention_over_real_positions():
    keras.utils.set_random_seed(3)
    seq2seq = models.build_seq2seq_model(12, 9, units=4, embedding_dim=3)
    classifier = models.build_encoder_classifier_model(seq2seq, 5, pooling="attention")
    source = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 2]], dtype="int32")
    assert classifier(source).shape == (2, 5)
    weights = models.pooling_weights(classifier, source)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-6)
    assert np.all(weights[0, 3:] == 0)
    mean = models.build_encoder_classifier_model(seq2seq, 5)
    with pytest.raises(ValueError, match="no attention weights"):
        models.pooling_weights(mean, source)
    with pytest.raises(ValueError, match="pooling"):
        models.build_encoder_classifier_model(seq2seq, 5, pooling="max")
