"""Saving course models: where they go, a save checked by reloading, backups of long runs.

Importing this module imports neither TensorFlow nor Keras (``course_lib`` re-exports it).

Layout under ``models_dir()``::

    <notebook>/<model name>-<profile>.keras                     save_and_reload
    <notebook>/backup/<run name>-<profile>-seed<seed>/           backup_dir, for training.fit
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_lib.env import atomic_path
from course_lib.profiles import Config

if TYPE_CHECKING:
    import keras

__all__ = ["MODELS_ENV_VAR", "models_dir", "save_and_reload", "backup_dir"]

MODELS_ENV_VAR = "COURSE_MODELS_DIR"


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
    import numpy as np

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model; got {type(model).__name__}.")
    cfg = _check_config(cfg)
    stem = _file_name(model.name if name is None else name, "name")
    path = models_dir() / cfg.name / f"{stem}-{cfg.profile}.keras"
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
