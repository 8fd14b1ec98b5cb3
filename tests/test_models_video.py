"""Next-frame models: shapes, named layers, no peeking at the future, rollout and baselines."""

import keras
import numpy as np
import pytest

from course_lib import handles, models
from course_lib.models import video

SHAPE = (8, 8, 1)


def _clips(n=3, t=5, seed=0):
    return np.random.default_rng(seed).random((n, t, *SHAPE), dtype=np.float32)


BUILDERS = {
    "convlstm": lambda: video.build_convlstm_model(SHAPE, filters=4),
    "convlstm_stacked_k5": lambda: video.build_convlstm_model(
        SHAPE, filters=(3, 4), kernel_size=5, head_kernel_size=1
    ),
    "convlstm_stacked_k1": lambda: video.build_convlstm_model(
        SHAPE, filters=(3, 3), kernel_size=1, head_kernel_size=5
    ),
    "frame_cnn": lambda: video.build_frame_cnn_model(SHAPE, filters=(4,)),
    "cnn_rnn_lstm": lambda: video.build_cnn_rnn_model(SHAPE, conv_filters=(4,), units=8),
    "cnn_rnn_gru": lambda: video.build_cnn_rnn_model(SHAPE, (4, 4), units=8, cell="gru"),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_predicts_a_frame_per_step_without_seeing_the_future(name):
    model = BUILDERS[name]()
    clips = _clips()
    out = np.asarray(model(clips))
    assert out.shape == clips.shape and 0.0 < out.min() and out.max() < 1.0
    assert handles.video_handles(model).head is model.layers[-1]
    assert video.future_leak(model, clips, batch_size=2) < 1e-6


def test_the_notebooks_model_is_causal_after_training():
    keras.utils.set_random_seed(0)
    model = video.build_convlstm_model(SHAPE, filters=4)
    model.compile("adam", "binary_crossentropy")
    clips = _clips(8, 4)
    model.fit(clips[:, :-1], clips[:, 1:], epochs=1, verbose=0)
    assert video.future_leak(model, clips, split_points=[1, 3]) < 1e-6


def test_future_leak_catches_a_conv3d_that_looks_across_time():
    inputs = keras.Input((None, *SHAPE))
    z = keras.layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True)(inputs)
    out = keras.layers.Conv3D(1, 3, padding="same", activation="sigmoid")(z)  # 3 frames wide
    leaky = keras.Model(inputs, out)
    assert video.future_leak(leaky, _clips()) > 1e-3
    # and a plain function that averages each frame with the next one
    assert video.future_leak(lambda x: (x + np.roll(x, -1, axis=1)) / 2, _clips()) > 0.1
    assert video.future_leak(lambda x: np.cumsum(x, axis=1), _clips()) < 1e-5


def test_convlstm_parameter_count_and_exports():
    model = video.build_convlstm_model((6, 6, 2), filters=(5, 3), kernel_size=3)
    lstm_1, lstm_2 = (layer.count_params() for layer in handles.video_handles(model).convlstms)
    assert lstm_1 == 4 * 5 * (9 * (2 + 5) + 1)
    assert lstm_2 == 4 * 3 * (9 * (5 + 3) + 1)
    assert models.build_convlstm_model is video.build_convlstm_model
    assert models.rollout is video.rollout


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(frame_shape=(8, 8)), "frame_shape"),
        (dict(filters=()), "filters"),
        (dict(filters=(4, 0)), "filters"),
        (dict(kernel_size=4), "kernel_size"),
        (dict(head_kernel_size=2), "head_kernel_size"),
    ],
)
def test_convlstm_builder_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        video.build_convlstm_model(**kwargs)


def test_other_builders_reject_bad_arguments():
    with pytest.raises(ValueError, match="kernel_size"):
        video.build_frame_cnn_model(kernel_size=2)
    with pytest.raises(ValueError, match="divisible"):
        video.build_cnn_rnn_model((10, 10, 1), conv_filters=(4, 4))
    with pytest.raises(ValueError, match="cell"):
        video.build_cnn_rnn_model(cell="transformer")


def test_rollout_feeds_predictions_back():
    def shift_right(x):  # a "model" that predicts the next frame by moving everything 1 px right
        return np.roll(x, 1, axis=3)

    context = np.zeros((2, 3, *SHAPE), np.float32)
    context[:, -1, 4, 0] = 1.0
    future = video.rollout(shift_right, context, 3)
    assert future.shape == (2, 3, *SHAPE)
    for k in range(3):
        assert future[0, k, 4, 1 + k, 0] == 1.0 and future[0, k].sum() == 1.0
    model = video.build_convlstm_model(SHAPE, filters=2)
    out = video.rollout(model, _clips(2, 3), 2)
    assert out.shape == (2, 2, *SHAPE)
    # the first rolled-out frame is the model's last output on the context
    np.testing.assert_allclose(out[:, 0], np.asarray(model(_clips(2, 3)))[:, -1], atol=1e-6)
    with pytest.raises(ValueError, match="n_future"):
        video.rollout(model, _clips(2, 3), 0)


def test_copy_last_frame_repeats_the_last_frame():
    context = _clips(2, 4)
    copy = video.copy_last_frame(context, 3)
    assert copy.shape == (2, 3, *SHAPE)
    np.testing.assert_array_equal(copy[:, 2], context[:, -1])
