"""Saving: where models go, save-and-reload with safe_mode for the models the notebooks save."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest

import course_lib
from course_lib import models, saving
from course_lib.profiles import Config


@pytest.fixture
def cfg(monkeypatch, tmp_path) -> Config:
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path / "models"))
    return Config("08_test", "quick", 3, {})


def test_models_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path / "mine"))
    assert saving.models_dir() == tmp_path / "mine"
    monkeypatch.delenv("COURSE_MODELS_DIR")
    repo = Path(course_lib.__file__).resolve().parent.parent
    assert saving.models_dir() == repo / "models_saved"  # the tests run from a checkout
    installed = tmp_path / "site-packages" / "course_lib" / "saving.py"
    monkeypatch.setattr(saving, "__file__", str(installed))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert saving.models_dir() == tmp_path / "home" / ".cache" / "rnn-course" / "models"


def test_backup_dir(cfg, tmp_path):
    path = saving.backup_dir(cfg, "lstm_lm")
    assert path == tmp_path / "models" / "08_test" / "backup" / "lstm_lm-quick-seed3"
    assert not path.exists()
    for bad in ("", " ", "a/b", "..", None):
        with pytest.raises(ValueError, match="run_name"):
            saving.backup_dir(cfg, bad)
    with pytest.raises(ValueError, match="Config"):
        saving.backup_dir({"name": "x"}, "run")


def _ids(rng, shape, high):
    return rng.integers(1, high, size=shape).astype("int32")


def _char_lm(rng):
    model = models.build_char_language_model(9, units=6, embedding_dim=4, cell="lstm")
    x = _ids(rng, (4, 7), 9)
    return model, x, x, keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def _stacked_char_lm(rng):
    model = models.build_stacked_char_language_model(
        9, depth=2, units=6, embedding_dim=4, residual=True, dropout=0.1
    )
    x = _ids(rng, (4, 7), 9)
    return model, x, x, keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def _convlstm(rng):
    model = models.build_convlstm_model(frame_shape=(8, 8, 1), filters=(3, 3))
    x = rng.random((2, 4, 8, 8, 1), dtype=np.float32)
    return model, x, x, "binary_crossentropy"


def _seq2seq(attention):
    def make(rng):
        model = models.build_seq2seq_model(
            9, 8, units=5, embedding_dim=4, attention=attention, encoder_layers=2, dropout=0.1
        )
        source, previous = _ids(rng, (4, 6), 9), _ids(rng, (4, 5), 8)
        source[0, 4:] = 0  # padding
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
        return model, [source, previous], previous, loss

    return make


def _caption(attention):
    def make(rng):
        model = models.build_caption_model(
            9,
            5,
            units=6,
            embed_dim=4,
            attention=attention,
            image_shape=(16, 16, 3),
            filters=(4, 4),
            cell_head=True,
            dropout=0.1,
        )
        x = [rng.random((2, 16, 16, 3), dtype=np.float32), _ids(rng, (2, 5), 9)]
        y = [x[1], _ids(rng, (2, 4), 11)]
        loss = [
            keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        ]
        return model, x, y, loss

    return make


def _ctc(rng):
    model = models.build_ctc_speech_model(8, 5, filters=4, units=4)
    x = rng.normal(size=(2, 12, 8)).astype("float32")
    return model, x, np.array([[1, 2, 0], [3, 0, 0]], "int32"), keras.losses.CTC()


# the models the notebooks save: 01, 06, 07, 08 (each attention), 09 (both decoders), 10
NOTEBOOK_MODELS = {
    "char_lm": _char_lm,
    "stacked_char_lm": _stacked_char_lm,
    "convlstm": _convlstm,
    "seq2seq_none": _seq2seq("none"),
    "seq2seq_bahdanau": _seq2seq("bahdanau"),
    "seq2seq_luong": _seq2seq("luong"),
    "caption_attention": _caption(True),
    "caption_plain": _caption(False),
    "ctc": _ctc,
}


@pytest.mark.parametrize("which", sorted(NOTEBOOK_MODELS))
def test_notebook_models_save_and_reload(cfg, tmp_path, capsys, which):
    keras.utils.set_random_seed(0)
    model, x, y, loss = NOTEBOOK_MODELS[which](np.random.default_rng(0))
    schedule = keras.optimizers.schedules.CosineDecay(1e-2, decay_steps=10)
    # eager: tracing graphs for one step and two predictions would cost more than running them
    model.compile(keras.optimizers.Adam(schedule, clipnorm=1.0), loss=loss, run_eagerly=True)
    model.train_on_batch(x, y)  # trained weights and optimizer state, not the initial ones
    reloaded = saving.save_and_reload(model, cfg, x)
    path = tmp_path / "models" / "08_test" / f"{model.name}-quick.keras"
    assert path.is_file() and str(path) in capsys.readouterr().out
    assert isinstance(reloaded, keras.Model) and reloaded is not model
    assert not any(p.name.startswith(".") for p in path.parent.iterdir()), "a temp file is left"
    if which == "char_lm":  # once: a second save says it replaced the first, under a given name
        saving.save_and_reload(model, cfg, x)
        assert "replaced the file of an earlier run" in capsys.readouterr().out
        saving.save_and_reload(model, cfg, x, name="best")
        assert (path.parent / "best-quick.keras").is_file()
        assert "new file" in capsys.readouterr().out


@keras.saving.register_keras_serializable(package="course_lib_tests")
class _ForgetfulShift(keras.layers.Layer):
    """Adds ``shift``, but its config forgets it: the reloaded layer adds 0."""

    def __init__(self, shift: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.shift = shift

    def call(self, x):
        return x + self.shift

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("shift", None)  # Keras records __init__ arguments by itself; drop it
        return config


def test_a_model_that_reloads_differently_is_caught(cfg):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, _ForgetfulShift(2.5, name="shift")(inputs), name="forgetful")
    with pytest.raises(AssertionError, match=r"largest difference 2\.5 in output 0"):
        saving.save_and_reload(model, cfg, np.zeros((2, 3), "float32"))


def test_save_and_reload_rejects_bad_arguments(cfg):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)], name="tiny")
    x = np.zeros((2, 3), "float32")
    with pytest.raises(ValueError, match="keras.Model"):
        saving.save_and_reload("model", cfg, x)
    with pytest.raises(ValueError, match="Config"):
        saving.save_and_reload(model, {"name": "x"}, x)
    for bad in ("", "a/b", "a\\b"):
        with pytest.raises(ValueError, match="name"):
            saving.save_and_reload(model, cfg, x, name=bad)


# --- models saved for reuse by a later run (08b loads 08's) ------------------------------------


def _tiny(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2, name="dense")(inputs), name="tiny")


def test_reuse_path(cfg, tmp_path):
    assert (
        saving.reuse_path(cfg, "g2p") == tmp_path / "models" / "08_test" / "g2p-quick-seed3.keras"
    )
    other = saving.reuse_path(cfg, "g2p", notebook="08_other")
    assert other == tmp_path / "models" / "08_other" / "g2p-quick-seed3.keras"
    for bad in ("", "a/b", ".."):
        with pytest.raises(ValueError, match="name"):
            saving.reuse_path(cfg, bad)
        with pytest.raises(ValueError, match="notebook"):
            saving.reuse_path(cfg, "g2p", notebook=bad)


def test_load_or_train_trains_once_then_loads(cfg, capsys):
    x = np.arange(6, dtype="float32").reshape(2, 3)
    data = np.arange(10)
    calls = []

    def train():
        calls.append(1)
        return _tiny(len(calls))

    settings = {"units": 2, "members": ("a", "b"), "data": data, "rate": np.float32(0.5)}
    first = saving.load_or_train(cfg, "g2p", train, x, settings=settings)
    assert len(calls) == 1 and "training   g2p: none saved" in capsys.readouterr().out
    record = json.loads(saving.reuse_path(cfg, "g2p").with_suffix(".json").read_text())
    assert record["profile"] == "quick" and record["seed"] == 3 and record["saved_by"] == "08_test"
    assert record["settings"]["data"]["shape"] == [10]
    again = saving.load_or_train(cfg, "g2p", train, x, settings=dict(settings, data=data.copy()))
    assert len(calls) == 1 and "loaded" in capsys.readouterr().out
    np.testing.assert_array_equal(again.predict(x, verbose=0), first.predict(x, verbose=0))


@pytest.mark.parametrize(
    "change",
    ["profile", "seed", "units", "data", "members"],
)
def test_load_or_train_never_loads_a_model_trained_otherwise(cfg, capsys, change):
    x = np.zeros((1, 3), "float32")
    settings = {"units": 2, "members": ["a", "b"], "data": np.arange(4)}
    saving.load_or_train(cfg, "g2p", _tiny, x, settings=settings)
    capsys.readouterr()
    other_cfg = Config(
        "08_test",
        "standard" if change == "profile" else "quick",
        4 if change == "seed" else 3,
        {},
    )
    other = dict(settings)
    if change == "units":
        other["units"] = 3
    if change == "data":
        other["data"] = np.arange(1, 5)
    if change == "members":
        other["members"] = ["a"]
    calls = []
    saving.load_or_train(other_cfg, "g2p", lambda: calls.append(1) or _tiny(), x, settings=other)
    assert calls == [1], f"a model saved with another {change} was loaded"
    out = capsys.readouterr().out
    if change in ("units", "data", "members"):
        assert f"trained with other {change}" in out


def test_load_or_train_looks_in_another_notebook_first(cfg, capsys):
    x = np.zeros((1, 3), "float32")
    settings = {"units": 2}
    first = Config("08_first", "quick", 3, {})
    trained = saving.load_or_train(first, "g2p", lambda: _tiny(7), x, settings=settings)
    appendix = Config("08_appendix", "quick", 3, {})
    loaded = saving.load_or_train(
        appendix, "g2p", lambda: pytest.fail("trained again"), x, settings=settings,
        look_in=["08_first"],
    )  # fmt: skip
    assert "08_first" in capsys.readouterr().out.splitlines()[-1]
    np.testing.assert_array_equal(loaded.get_weights()[0], trained.get_weights()[0])
    # without look_in, or at another seed, the appendix trains (and saves in its own folder)
    saving.load_or_train(appendix, "g2p", lambda: _tiny(8), x, settings=settings)
    assert saving.reuse_path(appendix, "g2p").is_file()
    seed5 = Config("08_appendix", "quick", 5, {})
    calls = []
    saving.load_or_train(
        seed5, "g2p", lambda: calls.append(1) or _tiny(), x, settings=settings,
        look_in=["08_first"],
    )  # fmt: skip
    assert calls == [1]


def test_load_or_train_ignores_a_model_without_its_record(cfg):
    x = np.zeros((1, 3), "float32")
    saving.load_or_train(cfg, "g2p", _tiny, x, settings={"units": 2})
    saving.reuse_path(cfg, "g2p").with_suffix(".json").unlink()
    calls = []
    saving.load_or_train(cfg, "g2p", lambda: calls.append(1) or _tiny(), x, settings={"units": 2})
    assert calls == [1]


def test_reuse_rejects_bad_arguments(cfg):
    x = np.zeros((1, 3), "float32")
    with pytest.raises(ValueError, match="settings"):
        saving.load_or_train(cfg, "g2p", _tiny, x, settings={"f": object()})
    with pytest.raises(ValueError, match="settings"):
        saving.load_or_train(cfg, "g2p", _tiny, x, settings=[1])
    with pytest.raises(ValueError, match="keras.Model"):
        saving.load_or_train(cfg, "g2p", lambda: "model", x, settings={})
    with pytest.raises(ValueError, match="keras.Model"):
        saving.save_for_reuse("model", cfg, "g2p", x, settings={})
    with pytest.raises(ValueError, match="Config"):
        saving.load_or_train({"name": "x"}, "g2p", _tiny, x, settings={})


def test_load_or_train_reads_the_record_not_the_file_name(cfg):
    """A model copied to another seed's file name still says which seed trained it."""
    x = np.zeros((1, 3), "float32")
    saving.load_or_train(cfg, "g2p", _tiny, x, settings={"units": 2})
    seed4 = Config("08_test", "quick", 4, {})
    for suffix in (".keras", ".json"):
        source = saving.reuse_path(cfg, "g2p").with_suffix(suffix)
        source.rename(saving.reuse_path(seed4, "g2p").with_suffix(suffix))
    calls = []
    saving.load_or_train(seed4, "g2p", lambda: calls.append(1) or _tiny(), x, settings={"units": 2})
    assert calls == [1]
