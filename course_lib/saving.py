"""Saving course models: where they go, a save checked by reloading, backups of long runs.

Importing this module imports neither TensorFlow nor Keras (``course_lib`` re-exports it).

Layout under ``models_dir()``::

    <notebook>/<model name>-<profile>.keras                     save_and_reload
    <notebook>/<model name>-<profile>-seed<seed>.keras (+ .json) save_for_reuse, load_or_train
    <notebook>/backup/<run name>-<profile>-seed<seed>/           backup_dir, for training.fit

A model saved for reuse is loaded again only by a run with the same profile, seed and training
settings (the ``.json`` beside it records them): one notebook can reuse the models of another
(08b those of 08) without ever picking up a model trained under other settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_lib.paths import MODELS_ENV_VAR, atomic_path, write_json_atomic
from course_lib.profiles import Config

if TYPE_CHECKING:
    import keras

__all__ = [
    "models_dir",
    "save_and_reload",
    "backup_dir",
    "reuse_path",
    "save_for_reuse",
    "load_or_train",
]


def models_dir() -> Path:
    """The folder course models are saved in.

    Returns:
        ``$COURSE_MODELS_DIR`` if set; else ``<repository>/models_saved`` when the package is a
        checkout's (``pyproject.toml`` next to ``course_lib/``); else
        ``~/.cache/rnn-course/models`` (e.g. installed with pip on Colab).
    """
    configured = os.environ.get(MODELS_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "course_lib").is_dir():
        return root / "models_saved"
    return Path.home() / ".cache" / "rnn-course" / "models"


def _file_name(value: Any, label: str) -> str:
    """``value`` if it can be one file or folder name: a non-empty string without separators."""
    separators = {sep for sep in ("/", "\\", os.sep, os.altsep) if sep is not None}
    if (
        not isinstance(value, str)
        or not value.strip()
        or value in (".", "..")
        or any(sep in value for sep in separators)
    ):
        raise ValueError(
            f"{label} must be a non-empty name without path separators, e.g. 'char_lm'; "
            f"got {value!r}."
        )
    return value


def _check_config(cfg: Any) -> Config:
    if not isinstance(cfg, Config):
        raise ValueError(f"cfg must be the Config returned by setup_notebook(); got {cfg!r}.")
    return cfg


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e3:.1f} kB" if n_bytes < 1e6 else f"{n_bytes / 1e6:.1f} MB"


def save_and_reload(
    model: keras.Model, cfg: Config, x: Any, *, name: str | None = None, atol: float = 1e-5
) -> keras.Model:
    """Save a model as a ``.keras`` file, reload it, and check that it predicts the same.

    The file is ``models_dir()/<cfg.name>/<name or model.name>-<cfg.profile>.keras``, written
    atomically (a temporary file in the same folder, then a rename), so an interrupted save
    never leaves half a file. It is reloaded with ``safe_mode=True`` (which refuses ``Lambda``
    layers and unregistered classes): what reloads is what a learner can share. To load it in
    a new session, ``import course_lib.models`` first: that registers the course's own layers.

    Args:
        model: the model to save (the trainable model, not an inference view).
        cfg: the notebook's config from ``setup_notebook``.
        x: inputs for ``model.predict``, e.g. a few validation examples.
        name: the file's stem; the model's name when None.
        atol: the largest absolute difference allowed between the two models' predictions.

    Returns:
        The reloaded model.

    Raises:
        ValueError: for a ``model`` that is not a ``keras.Model``, a ``cfg`` that is not a
            Config, or an empty name or one with a path separator.
        AssertionError: if the reloaded model's predictions differ by more than ``atol`` (the
            message names the largest difference and the output it is in).
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model; got {type(model).__name__}.")
    cfg = _check_config(cfg)
    stem = _file_name(model.name if name is None else name, "name")
    return _save_checked(model, models_dir() / cfg.name / f"{stem}-{cfg.profile}.keras", x, atol)


def _save_checked(model: keras.Model, path: Path, x: Any, atol: float) -> keras.Model:
    """Save ``model`` to ``path`` atomically, reload it safely, check it predicts the same."""
    import keras
    import numpy as np

    replaced = path.exists()
    with atomic_path(path, suffix=".keras") as tmp:
        model.save(tmp)
    what = "replaced the file of an earlier run" if replaced else "new file"
    print(f"saved      {path} ({_size(path.stat().st_size)}, {what})")
    reloaded = keras.saving.load_model(path, safe_mode=True)
    before = keras.tree.flatten(model.predict(x, verbose=0))
    after = keras.tree.flatten(reloaded.predict(x, verbose=0))
    if len(before) != len(after):
        raise AssertionError(
            f"the reloaded {path.name} returns {len(after)} outputs, the model {len(before)}."
        )
    worst, where = 0.0, 0
    for index, (a, b) in enumerate(zip(before, after, strict=True)):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        if a.shape != b.shape:
            raise AssertionError(
                f"output {index} of the reloaded {path.name} has shape {b.shape}, not {a.shape}."
            )
        diff = np.abs(a - b)
        diff[np.isnan(a) & np.isnan(b)] = 0.0  # NaN where the original has NaN too is no change
        gap = float(np.nan_to_num(diff, nan=np.inf).max(initial=0.0))
        if gap > worst:
            worst, where = gap, index
    if worst > atol:
        raise AssertionError(
            f"the reloaded {path.name} predicts differently: largest difference {worst:.3g} in "
            f"output {where} (atol {atol:g}); a custom layer may not save all of its state."
        )
    return reloaded


def backup_dir(cfg: Config, run_name: str) -> Path:
    """A folder for one training run's ``keras.callbacks.BackupAndRestore`` checkpoints.

    Pass it to ``training.fit(..., backup_dir=...)``: an interrupted run started again resumes
    after its last finished epoch. Profile and seed are part of the name, so a run with other
    settings never resumes from this one's weights.

    Args:
        cfg: the notebook's config from ``setup_notebook``.
        run_name: names the run within the notebook, e.g. ``"lstm_lm"``.

    Returns:
        ``models_dir()/<cfg.name>/backup/<run_name>-<cfg.profile>-seed<cfg.seed>`` (not created:
        the callback creates it and deletes it when training ends normally).

    Raises:
        ValueError: for a ``cfg`` that is not a Config, or an empty ``run_name`` or one with a
            path separator.
    """
    cfg = _check_config(cfg)
    run_name = _file_name(run_name, "run_name")
    return models_dir() / cfg.name / "backup" / f"{run_name}-{cfg.profile}-seed{cfg.seed}"


def reuse_path(cfg: Config, name: str, notebook: str | None = None) -> Path:
    """Where ``save_for_reuse`` keeps model ``name`` of a run with ``cfg``'s profile and seed.

    Args:
        cfg: the notebook's config from ``setup_notebook``.
        name: the model's name within the notebook, e.g. ``"g2p_bahdanau"``.
        notebook: the notebook that saved it; ``cfg.name`` when None.

    Returns:
        ``models_dir()/<notebook>/<name>-<cfg.profile>-seed<cfg.seed>.keras``; the record of its
        training settings is the same path with ``.json``.

    Raises:
        ValueError: for a ``cfg`` that is not a Config, or a name with a path separator.
    """
    cfg = _check_config(cfg)
    folder = _file_name(cfg.name if notebook is None else notebook, "notebook")
    stem = _file_name(name, "name")
    return models_dir() / folder / f"{stem}-{cfg.profile}-seed{cfg.seed}.keras"


def _fingerprint(value: Any, label: str) -> Any:
    """``value`` as JSON data; arrays become their shape, dtype and a SHA-256 of their bytes."""
    import numpy as np

    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        digest = hashlib.sha256(data.tobytes()).hexdigest()
        return {"shape": list(data.shape), "dtype": str(data.dtype), "sha256": digest}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _fingerprint(v, f"{label}[{k!r}]") for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_fingerprint(v, f"{label}[{i}]") for i, v in enumerate(value)]
    raise ValueError(
        f"{label} must hold numbers, strings, None, arrays, lists or dicts; got "
        f"{type(value).__name__}."
    )


def _record(cfg: Config, settings: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(settings, Mapping):
        raise ValueError(f"settings must be a dict of what the model depends on; got {settings!r}.")
    fingerprint = _fingerprint(settings, "settings")
    record = {"profile": cfg.profile, "seed": cfg.seed, "settings": fingerprint}
    return json.loads(json.dumps(record))  # tuples become lists, as when read back


def save_for_reuse(
    model: keras.Model,
    cfg: Config,
    name: str,
    x: Any,
    *,
    settings: Mapping[str, Any],
    atol: float = 1e-5,
) -> keras.Model:
    """Save a trained model for later runs to load, with a record of how it was trained.

    The model goes to ``reuse_path(cfg, name)``, saved atomically and checked by reloading as in
    ``save_and_reload``; then a ``.json`` beside it records the profile, the seed and
    ``settings``, which ``load_or_train`` compares before loading.

    Args:
        model: the trained model.
        cfg: the notebook's config from ``setup_notebook``.
        name: the model's name within the notebook, e.g. ``"g2p_bahdanau"``.
        x: inputs for ``model.predict`` (a few examples) to compare the reloaded copy on.
        settings: everything else the trained model depends on: sizes, epochs, learning rate,
            the training data (arrays are recorded by a hash of their bytes).
        atol: the largest difference allowed between the two models' predictions.

    Returns:
        The reloaded model.

    Raises:
        ValueError: for a ``model`` that is not a ``keras.Model``, a bad ``cfg`` or ``name``, or
            ``settings`` that are not numbers, strings, arrays, lists or dicts.
        AssertionError: if the reloaded model predicts differently.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model; got {type(model).__name__}.")
    path = reuse_path(cfg, name)
    record = _record(cfg, settings)
    reloaded = _save_checked(model, path, x, atol)
    record["saved_by"] = cfg.name
    write_json_atomic(path.with_suffix(".json"), record)  # after the model: never a dangling record
    return reloaded


def _mismatch(path: Path, wanted: Mapping[str, Any]) -> str | None:
    """Why the model at ``path`` is not the one ``wanted`` describes; None when it is."""
    record_path = path.with_suffix(".json")
    if not path.is_file() or not record_path.is_file():
        return f"none saved in {path.parent}"
    try:
        record = json.loads(record_path.read_text())
    except (OSError, ValueError):
        return f"{record_path.name} cannot be read"
    if not isinstance(record, dict):
        return f"{record_path.name} is not a record"
    for key in ("profile", "seed"):
        if record.get(key) != wanted[key]:
            return f"the one in {path.parent} was trained with {key} {record.get(key)!r}"
    saved, here = record.get("settings"), wanted["settings"]
    if saved != here:
        if isinstance(saved, dict):
            keys = sorted(k for k in set(saved) | set(here) if saved.get(k) != here.get(k))
            return f"the one in {path.parent} was trained with other {', '.join(keys)}"
        return f"the one in {path.parent} has no usable record of its settings"
    return None


def load_or_train(
    cfg: Config,
    name: str,
    train: Callable[[], keras.Model],
    x: Any,
    *,
    settings: Mapping[str, Any],
    look_in: Iterable[str] = (),
) -> keras.Model:
    """Load model ``name`` if a run with the same profile, seed and settings saved it; else train.

    Looks in the folders of the notebooks ``look_in`` (e.g. the notebook that trains the model
    first), then in ``cfg.name``'s, for ``reuse_path(cfg, name, notebook)`` with a record equal
    to this run's profile, seed and ``settings``. A model saved at another profile or seed, or
    with other settings, is never loaded: then ``train()`` runs and its model is saved with
    ``save_for_reuse`` under ``cfg.name``. ``import course_lib.models`` first, so that Keras
    knows the course's layers.

    Args:
        cfg: the notebook's config from ``setup_notebook``.
        name: the model's name, e.g. ``"g2p_bahdanau"``.
        train: builds and trains the model; called only when no saved model fits.
        x: inputs for ``model.predict``, to check the saved copy (see ``save_for_reuse``).
        settings: what the model depends on besides profile and seed (see ``save_for_reuse``).
        look_in: notebooks whose saved models to try before this notebook's own.

    Returns:
        The loaded model, or the newly trained one.

    Raises:
        ValueError: for a bad ``cfg``, ``name`` or ``settings``, or a ``train`` that does not
            return a ``keras.Model``.
    """
    import keras

    cfg = _check_config(cfg)
    wanted = _record(cfg, settings)
    reasons = []
    for notebook in dict.fromkeys([*look_in, cfg.name]):
        path = reuse_path(cfg, name, notebook)
        why = _mismatch(path, wanted)
        if why is None:
            print(f"loaded     {path} (same profile, seed and settings; not trained again)")
            return keras.saving.load_model(path, safe_mode=True)
        reasons.append(why)
    print(f"training   {name}: {'; '.join(reasons)}")
    model = train()
    if not isinstance(model, keras.Model):
        raise ValueError(f"train() must return a keras.Model; got {type(model).__name__}.")
    save_for_reuse(model, cfg, name, x, settings=settings)
    return model
