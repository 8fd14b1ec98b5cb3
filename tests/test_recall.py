import keras
import numpy as np
import pytest

from course_lib import recall


def test_build_recall_model_shapes_and_update_gate_bias():
    keras.utils.set_random_seed(0)
    plain = recall.build_recall_model("gru", 8, 2)
    keras.utils.set_random_seed(0)
    shifted = recall.build_recall_model("gru", 8, 2, update_gate_bias=1.0)
    x = np.zeros((3, 11, recall.recall_features(2)), "float32")
    assert plain(x).shape == (3, 4)
    bias_plain = plain.get_layer("rnn").get_weights()[2]
    bias_shifted = shifted.get_layer("rnn").get_weights()[2]
    difference = bias_shifted - bias_plain
    np.testing.assert_allclose(difference[0, :8], 1.0)  # input bias of the update gate z
    np.testing.assert_allclose(difference[0, 8:], 0.0)
    np.testing.assert_allclose(difference[1], 0.0)  # recurrent bias untouched
    with pytest.raises(ValueError, match="update_gate_bias"):
        recall.build_recall_model("lstm", 8, 2, update_gate_bias=1.0)


def test_train_recall_learns_a_short_lag_and_is_reproducible():
    runs = [
        recall.train_recall(
            "lstm", 2, units=16, n_train=1000, max_epochs=25, noise_channels=0, seed=3, n_val=300
        )
        for _ in range(2)
    ]
    (model, result, data), (_, again, _) = runs
    assert data.x.shape == (1000, 7, 5) and data.x_val.shape == (300, 7, 5)
    assert result.final("val_accuracy") >= 0.9, result.history["val_accuracy"]
    assert result.history == again.history  # same seed, same run
    if result.epochs_to_target is not None:
        assert result.history["val_accuracy"][result.epochs_to_target - 1] >= 0.99


def test_train_recall_fails_where_it_should():
    # a planted failure: at lag 40 with 4 units and 2 epochs a SimpleRNN stays near chance
    _, result, _ = recall.train_recall(
        "simple_rnn", 40, units=4, n_train=300, max_epochs=2, noise_channels=2, seed=0, n_val=300
    )
    assert result.final("val_accuracy") < 0.5
    assert result.epochs_to_target is None
