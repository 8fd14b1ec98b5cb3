import keras
import numpy as np
import pytest

from course_lib.training import FitResult, Timing, fit, forward_time_by_length, time_calls


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="out")], name="lin")
    model.compile(keras.optimizers.Adam(0.1), "mse")
    return model


def test_fit_returns_a_record(capsys):
    x, y = _data()
    result = fit(_model(), x, y, epochs=5, batch_size=16, validation_data=(x, y))
    assert isinstance(result, FitResult)
    assert result.epochs == 5 and len(result.history["loss"]) == 5
    assert result.final("loss") < result.history["loss"][0]
    assert result.best("val_loss") <= result.final("val_loss")
    assert result.params == 4 and result.seconds > 0
    assert len(result.epoch_seconds) == 5 and sum(result.epoch_seconds) <= result.seconds
    # the first epoch builds the graph; a further epoch costs the median of the others
    assert result.seconds_per_epoch == pytest.approx(np.median(result.epoch_seconds[1:]))
    assert "lin: 5 epochs" in capsys.readouterr().out
    with pytest.raises(ValueError, match="no metric"):
        result.final("accuracy")


def test_fit_traces_the_training_step_once_and_trains_as_keras_does():
    x, y = _data()
    reference = _model()
    reference.fit(x, y, epochs=3, batch_size=16, verbose=0)
    model = _model()
    traced = []
    plain_step = model.train_step
    model.train_step = lambda data: traced.append(1) or plain_step(data)
    fit(model, x, y, epochs=3, batch_size=16, verbose=0)
    # the optimizer's variables exist before the first step, so TensorFlow traces it only once
    assert len(traced) == 1
    for ours, theirs in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_early_stopping_stops():
    x, y = _data()
    result = fit(
        _model(),
        x,
        y,
        epochs=200,
        validation_data=(x, y + 100.0),
        early_stopping_patience=2,
        verbose=0,
    )
    assert result.epochs < 200


def test_fit_rejects_bad_calls():
    x, y = _data()
    raw = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="not compiled"):
        fit(raw, x, y, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        fit(_model(), x, y, epochs=0)
    with pytest.raises(ValueError, match="validation_data"):
        fit(_model(), x, y, epochs=1, early_stopping_patience=1)
    with pytest.raises(ValueError, match="keras.Model"):
        fit("model", x, y, epochs=1)


def test_stop_at_records_the_epoch_and_stops():
    x, y = _data()
    result = fit(
        _model(),
        x,
        y,
        epochs=300,
        validation_data=(x, y),
        stop_at=("val_loss", "<=", 0.05),
        verbose=0,
    )
    assert result.epochs_to_target == result.epochs < 300
    assert result.final("val_loss") <= 0.05
    never = fit(
        _model(),
        x,
        y,
        epochs=3,
        validation_data=(x, y),
        stop_at=("val_loss", "<=", -1.0),
        verbose=0,
    )
    assert never.epochs_to_target is None and never.epochs == 3
    with pytest.raises(ValueError, match="not logged"):
        fit(_model(), x, y, epochs=1, stop_at=("val_accuracy", ">=", 0.9), verbose=0)
    # the direction is explicit: a loss-like name does not decide it
    for bad in [("val_loss", 0.05), ("val_loss", "<", 0.05), ("val_loss", "<=", "low")]:
        with pytest.raises(ValueError, match="stop_at"):
            fit(_model(), x, y, epochs=1, validation_data=(x, y), stop_at=bad, verbose=0)
    rising = fit(
        _model(), x, y, epochs=3, validation_data=(x, y), stop_at=("val_loss", ">=", 0.0), verbose=0
    )
    assert rising.epochs_to_target == 1  # any loss is >= 0: reached at once


def test_time_calls_warms_up_and_alternates():
    calls = []
    timings = time_calls(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3, warmup=1
    )
    assert calls == ["a", "b"] * 4  # one warm-up round, then three alternating rounds
    assert set(timings) == {"a", "b"} and isinstance(timings["a"], Timing)
    assert len(timings["a"].wall) == 3 and len(timings["b"].cpu) == 3
    assert timings["a"].median_wall >= 0 and timings["a"].median_cpu >= 0
    slow = time_calls({"sleep": lambda: __import__("time").sleep(0.02)}, repeats=2, warmup=0)
    assert slow["sleep"].median_wall >= 0.019 and slow["sleep"].median_cpu < 0.019
    for kwargs, match in [
        (dict(work={}), "non-empty"),
        (dict(work={"a": 3}), "callable"),
        (dict(work={"a": print}, repeats=0), "repeats"),
        (dict(work={"a": print}, warmup=-1), "warmup"),
    ]:
        with pytest.raises(ValueError, match=match):
            time_calls(**kwargs)


class _Interrupt(keras.callbacks.Callback):
    """Raises KeyboardInterrupt when epoch ``at`` (0-based) begins, as a learner pressing stop."""

    def __init__(self, at: int):
        super().__init__()
        self.at = at

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at:
            raise KeyboardInterrupt


def test_backup_dir_resumes_an_interrupted_run(tmp_path):
    x, y = _data()
    full = fit(_model(), x, y, epochs=4, batch_size=64, shuffle=False, verbose=0)
    backup = tmp_path / "backup" / "lin"
    with pytest.raises(KeyboardInterrupt):
        fit(
            _model(),
            x,
            y,
            epochs=4,
            batch_size=64,
            shuffle=False,
            verbose=0,
            backup_dir=backup,
            callbacks=[_Interrupt(at=2)],
        )
    assert backup.is_dir()  # epochs 1 and 2 are saved
    # a restart builds the model afresh; the backup brings back weights and optimizer state
    resumed = fit(
        _model(), x, y, epochs=4, batch_size=64, shuffle=False, verbose=0, backup_dir=backup
    )
    assert resumed.epochs == 2  # epochs 3 and 4 only
    np.testing.assert_allclose(resumed.history["loss"], full.history["loss"][2:], rtol=1e-5)
    assert not backup.exists(), "the backup is deleted after a finished run"
    with pytest.raises(ValueError, match="backup_dir"):
        fit(_model(), x, y, epochs=1, backup_dir=" ")


def test_train_compiles_with_the_notebooks_settings_and_trains_as_compile_and_fit_do():
    from course_lib.profiles import Config
    from course_lib.training import train

    x, y = _data()
    cfg = Config("99_test", "quick", 0, dict(learning_rate=0.05, epochs=3, batch_size=16))
    reference = _model()
    reference.compile(keras.optimizers.Adam(0.05, clipnorm=1.0), "mse", metrics=["mae"])
    expected = fit(reference, x, y, epochs=3, batch_size=16, verbose=0)
    result = train(_model(), cfg, x, y, loss="mse", metrics=["mae"], clipnorm=1.0, verbose=0)
    assert result.epochs == 3 and "mae" in result.history
    assert result.history["loss"] == expected.history["loss"]
    model = _model()
    other = train(model, cfg, x, y, loss="mse", learning_rate=0.1, epochs=2, verbose=0)
    assert other.epochs == 2
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1)
    assert model.optimizer.clipnorm is None


def test_train_names_the_setting_it_lacks():
    from course_lib.profiles import Config
    from course_lib.training import train

    x, y = _data()
    cfg = Config("99_test", "quick", 0, dict(epochs=1))
    with pytest.raises(ValueError, match="no setting 'learning_rate'; pass learning_rate="):
        train(_model(), cfg, x, y, loss="mse")
    with pytest.raises(ValueError, match="Config"):
        train(_model(), {"epochs": 1}, x, y, loss="mse", learning_rate=0.1)
    result = train(_model(), cfg, x, y, loss="mse", learning_rate=0.1, verbose=0)  # no batch size
    assert result.epochs == 1


def test_fit_shows_one_line_per_model_outside_a_terminal(capsys):
    x, y = _data()
    fit(_model(), x, y, epochs=3, batch_size=16, validation_data=(x, y))
    out = capsys.readouterr().out
    # not Keras' "Epoch 1/3" and bar per epoch: one summary line with the last epoch's values
    assert "Epoch 1/3" not in out and out.count("\n") == 1
    assert out.startswith("lin: 3 epochs in ") and "last epoch loss " in out and "val_loss " in out


def test_fit_verbose_2_prints_one_line_per_epoch(capsys):
    x, y = _data()
    fit(_model(), x, y, epochs=3, batch_size=16, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[1] for line in lines[:3]] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert len(lines) == 4 and lines[3].startswith("lin: 3 epochs")


def test_fit_updates_one_display_in_a_notebook(monkeypatch, capsys):
    import IPython.display

    from course_lib import training

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(obj.data)

    def display(obj, display_id=False):
        assert display_id is True
        shown.append(obj.data)
        return Handle()

    monkeypatch.setattr(training, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    x, y = _data()
    fit(_model(), x, y, epochs=2, batch_size=16)
    assert capsys.readouterr().out == ""
    assert shown[0] == "lin: training for 2 epochs..."
    assert shown[1].startswith("lin  epoch 1/2  loss ") and shown[2].startswith("lin  epoch 2/2")
    assert shown[-1].startswith("lin: 2 epochs in ") and len(shown) == 4


def test_fit_rejects_an_unknown_verbosity():
    x, y = _data()
    with pytest.raises(ValueError, match="verbose must be 0"):
        fit(_model(), x, y, epochs=1, verbose=3)


def test_fit_does_not_ask_a_dataset_to_shuffle():
    import warnings

    import tensorflow as tf

    x, y = _data()
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns when shuffle=True reaches a Dataset
        result = fit(_model(), batches, epochs=2, verbose=0)
    assert result.epochs == 2


def test_forward_time_by_length_times_each_model_on_each_length():
    seen = []

    class Recorder:
        def predict_on_batch(self, x):
            seen.append(x.shape[1])

    x = np.zeros((2, 8, 1), dtype="float32")
    out = forward_time_by_length({"a": Recorder(), "b": Recorder()}, x, [2, 8], repeats=2)
    assert set(out) == {"a", "b"} and all(len(v) == 2 and min(v) >= 0 for v in out.values())
    # per length: one warm-up and 2 timed calls of each model, on the last n steps
    assert seen == [2] * 6 + [8] * 6
    rnn = keras.Sequential([keras.Input((None, 1)), keras.layers.SimpleRNN(4)])
    assert len(forward_time_by_length({"rnn": rnn}, x, [3], repeats=1)["rnn"]) == 1
    for bad in ([0], [9], [], [2.5]):
        with pytest.raises(ValueError, match="lengths"):
            forward_time_by_length({"a": Recorder()}, x, bad)
    with pytest.raises(ValueError, match="batch, time, features"):
        forward_time_by_length({"a": Recorder()}, x[0], [2])
    with pytest.raises(ValueError, match="models"):
        forward_time_by_length({}, x, [2])
