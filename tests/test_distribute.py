"""``training.distribution_strategy``: a MirroredStrategy step equals a one-device step.

Logical devices must be configured before TensorFlow initialises, so the comparison runs in a
fresh Python process that splits the CPU into two logical devices (GPUs hidden, so the test is
the same on every machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from course_lib import training
from course_lib.profiles import Config

SCRIPT = textwrap.dedent(
    """
    import json
    import tensorflow as tf

    tf.config.set_visible_devices([], "GPU")
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    import keras
    import numpy as np
    from course_lib import models, training

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 5, 3)).astype("float32")
    y = rng.integers(0, 2, size=8).astype("int32")
    keras.utils.set_random_seed(0)
    initial = models.build_sequence_classifier_model(3, 2, units=4, cell="gru").get_weights()


    def one_step(strategy):
        with strategy.scope():  # the model's and the optimizer's variables are made here
            # (an optimizer made outside makes fit fail: "Mixing different ... Strategy objects")
            model = models.build_sequence_classifier_model(3, 2, units=4, cell="gru")
            model.set_weights(initial)
            model.compile(
                keras.optimizers.Adam(1e-2),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            )
        history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        return model.distribute_strategy, history.history["loss"][0], model.get_weights()


    mirrored, loss_m, weights_m = one_step(training.distribution_strategy(
        "quick", devices=["/cpu:0", "/cpu:1"]
    ))
    default, loss_d, weights_d = one_step(training.distribution_strategy("full"))
    print(json.dumps({
        "mirrored": type(mirrored).__name__,
        "replicas": mirrored.num_replicas_in_sync,
        "default": type(default).__name__,
        "loss": [loss_m, loss_d],
        "weight_gap": max(float(np.abs(a - b).max()) for a, b in zip(weights_m, weights_d)),
        "moved": max(float(np.abs(a - b).max()) for a, b in zip(weights_d, initial)),
    }))
    """
)


def test_mirrored_step_matches_the_default_strategy():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert "MirroredStrategy over 2 devices (/cpu:0, /cpu:1)" in done.stdout
    assert "strategy   default, one device (profile full)" in done.stdout  # no GPU there
    assert (result["mirrored"], result["replicas"]) == ("MirroredStrategy", 2)
    assert result["default"] != "MirroredStrategy"
    loss_mirrored, loss_default = result["loss"]
    assert loss_mirrored == pytest.approx(loss_default, abs=1e-5)
    assert result["moved"] > 1e-4  # the step changed the weights ...
    assert result["weight_gap"] < 1e-5  # ... in the same way on both


def test_default_strategy_and_bad_arguments(capsys):
    import tensorflow as tf

    cfg = Config("x", "quick", 0, {})
    assert training.distribution_strategy(cfg) is tf.distribute.get_strategy()
    assert "default, one device (profile quick)" in capsys.readouterr().out
    full = training.distribution_strategy("full")
    gpus = len(tf.config.list_logical_devices("GPU"))
    assert isinstance(full, tf.distribute.MirroredStrategy) == (gpus >= 2)
    for bad in ("huge", None, {"profile": "quick"}):
        with pytest.raises(ValueError, match="cfg_or_profile"):
            training.distribution_strategy(bad)
    for devices in ([], "/gpu:0", [0], [""]):
        with pytest.raises(ValueError, match="devices"):
            training.distribution_strategy(cfg, devices=devices)


def test_builders_compile_and_fit_under_the_default_strategy_scope():
    import keras

    from course_lib import models

    with training.distribution_strategy("quick").scope():
        model = models.build_sequence_classifier_model(3, 2, units=4)
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.zeros((4, 5, 3), "float32")
    result = training.fit(model, x, np.zeros(4, "int32"), epochs=1, verbose=0)
    assert np.isfinite(result.final("loss"))
