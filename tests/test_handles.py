"""Handles on the builders' layers: the same parts on a built model and on its saved copy."""

import keras
import numpy as np
import pytest

from course_lib import handles, models


def _reload(model, tmp_path):
    path = tmp_path / f"{model.name}.keras"
    model.save(path)
    return keras.models.load_model(path)


def _names(parts):
    """Every layer of a handles object as its name (None stays None), for comparing two models."""
    out = {}
    for key, value in vars(parts).items():
        if isinstance(value, tuple):
            out[key] = tuple(None if v is None else getattr(v, "name", v) for v in value)
        elif isinstance(value, dict):
            out[key] = {k: v.name for k, v in value.items()}
        else:
            out[key] = getattr(value, "name", value)
    return out


def test_sequence_handles_find_the_named_layers(tmp_path):
    model = models.build_char_language_model(7, units=4, embedding_dim=3)
    parts = handles.sequence_handles(model, require=(handles.EMBEDDING, handles.RNN))
    assert parts.rnn is model.get_layer(handles.RNN) and parts.rnn.units == 4
    assert parts.embedding.input_dim == 7 and parts.logits.units == 7
    again = handles.sequence_handles(_reload(model, tmp_path))
    assert _names(again) == _names(parts)
    forecaster = handles.sequence_handles(models.build_rnn_forecaster_model(units=3))
    assert forecaster.embedding is None and forecaster.logits is None
    with pytest.raises(ValueError, match="'embedding'"):
        handles.sequence_handles(
            models.build_rnn_forecaster_model(units=3), require=(handles.EMBEDDING,)
        )


@pytest.mark.parametrize("residual", [False, True])
def test_stack_handles_list_the_layers_bottom_up(residual, tmp_path):
    model = models.build_stacked_rnn_model(
        3, 1, depth=3, units=4, residual=residual, dropout=0.1, return_sequences=True
    )
    stack = handles.stack_handles(model)
    assert stack.names == ("rnn1", "rnn2", "rnn3")
    assert all(d is not None for d in stack.dropouts)
    assert stack.residuals[0] is None
    assert all((r is not None) == residual for r in stack.residuals[1:])
    assert _names(handles.stack_handles(_reload(model, tmp_path))) == _names(stack)
    with pytest.raises(ValueError, match="rnn1"):
        handles.stack_handles(models.build_char_language_model(5, units=2))


@pytest.mark.parametrize("attention", ["none", "luong"])
def test_seq2seq_handles_survive_saving(attention, tmp_path):
    model = models.build_seq2seq_model(
        12, 9, units=4, embedding_dim=3, cell="lstm", attention=attention, encoder_layers=2
    )
    parts = handles.seq2seq_handles(model)
    assert len(parts.lower_encoders) == 1 and len(parts.bridges) == 2  # LSTM: h and c
    assert (parts.attention is None) == (attention == "none")
    assert parts.logits.units == 9 and parts.decoder.units == 8
    assert _names(handles.seq2seq_handles(_reload(model, tmp_path))) == _names(parts)
    with pytest.raises(ValueError, match="build_seq2seq_model"):
        handles.seq2seq_handles(models.build_char_language_model(5, units=2))


@pytest.mark.parametrize("attention", [False, True])
def test_caption_handles_survive_saving(attention, tmp_path):
    model = models.build_caption_model(
        11,
        4,
        units=8,
        embed_dim=4,
        attention=attention,
        attention_units=4,
        image_shape=(16, 16, 3),
        filters=(4, 4),
        cell_head=True,
    )
    parts = handles.caption_handles(model)
    assert parts.attention is attention
    assert tuple(parts.cell_head) == handles.CAPTION_CELL_LAYERS
    again = _reload(model, tmp_path)
    assert _names(handles.caption_handles(again)) == _names(parts)
    images = np.random.default_rng(0).random((2, 16, 16, 3)).astype("float32")
    fresh = models.caption_inference_models(model).initial_state(images)
    loaded = models.caption_inference_models(again).initial_state(images)
    for a, b in zip(fresh, loaded, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    with pytest.raises(ValueError, match="build_caption_model"):
        handles.caption_handles(models.build_char_language_model(5, units=2))


# --- CTC speech recogniser ---


@pytest.mark.parametrize("dropout", [0.0, 0.1])
def test_speech_handles_survive_saving(dropout, tmp_path):
    model = models.build_ctc_speech_model(
        6, 4, filters=3, time_strides=(2, 2, 1), units=2, rnn_layers=2, dropout=dropout
    )
    parts = handles.speech_handles(model)
    assert len(parts.convs) == len(parts.norms) == 3
    assert [r.name for r in parts.rnns] == ["birnn1", "birnn2"]
    assert all(isinstance(r, keras.layers.Bidirectional) for r in parts.rnns)
    assert all((d is None) == (dropout == 0) for d in parts.dropouts)
    assert parts.logits.units == 4 and parts.convs[0].strides == (2,)
    assert _names(handles.speech_handles(_reload(model, tmp_path))) == _names(parts)
    with pytest.raises(ValueError, match="build_ctc_speech_model"):
        handles.speech_handles(models.build_char_language_model(5, units=2))


# --- tree RNN and next-frame video models ---------------------------------------------------------


def test_tree_handles_survive_saving(tmp_path):
    model = models.build_tree_rnn_model(n_ops=3, units=4, n_classes=5)
    parts = handles.tree_handles(model)
    embeddings, kernel, bias = (np.asarray(w) for w in parts.composition.weights)
    assert embeddings.shape == (10, 4) and kernel.shape == (3, 8, 4) and bias.shape == (3, 4)
    assert parts.logits.units == 5
    assert _names(handles.tree_handles(_reload(model, tmp_path))) == _names(parts)
    with pytest.raises(ValueError, match="build_tree_rnn_model"):
        handles.tree_handles(models.build_char_language_model(5, units=2))


def test_video_handles_cover_every_video_builder(tmp_path):
    shape = (8, 8, 1)
    convlstm = models.build_convlstm_model(shape, filters=(3, 2), kernel_size=3)
    parts = handles.video_handles(convlstm)
    assert [layer.filters for layer in parts.convlstms] == [3, 2]
    assert parts.convs == parts.encoders == () and parts.rnn is None
    assert parts.head is convlstm.layers[-1]
    assert _names(handles.video_handles(_reload(convlstm, tmp_path))) == _names(parts)
    cnn = handles.video_handles(models.build_frame_cnn_model(shape, filters=(4, 4)))
    assert len(cnn.convs) == 2 and cnn.convlstms == () and cnn.rnn is None
    hybrid = handles.video_handles(models.build_cnn_rnn_model(shape, conv_filters=(2,), units=3))
    assert len(hybrid.encoders) == 1 and hybrid.rnn.units == 3 and hybrid.convlstms == ()
    with pytest.raises(ValueError, match="course_lib.models.video"):
        handles.video_handles(models.build_char_language_model(5, units=2))
