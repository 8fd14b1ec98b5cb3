"""One way to train: ``fit`` wraps ``model.fit`` with timing and returns a results record.

``distribution_strategy`` chooses where a model trains: mirrored over several GPUs for the full
profile, else the default strategy (one device).

XLA (``model.compile(jit_compile=...)``): the course keeps Keras' default, ``"auto"``, on
purpose. In Keras 3 on TensorFlow (``trainers/trainer.py``: ``_resolve_auto_jit_compile``,
``model_supports_jit``) "auto" means XLA only on a machine with a GPU, outside a
``tf.distribute`` strategy, with op determinism off, and when every layer supports XLA. An LSTM
or GRU that can use cuDNN declares on a GPU that it does not (``layers/rnn/lstm.py``), because
the fused ``CudnnRNN`` op has no XLA kernel (keras-team/keras#18456): so XLA never replaces the
cuDNN kernel, Keras picks cuDNN, and it even turns an explicit ``jit_compile=True`` into False
with a warning (keras-team/keras-core#616). The same happens under ``setup_notebook``'s default
``deterministic=True``, for every model. An explicit True in a notebook would thus be ignored
with a warning, and "auto" already picks XLA where it can: for the convolutional and dense-only
models, on a GPU, with ``deterministic=False``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keras

from course_lib.profiles import PROFILES, Config

if TYPE_CHECKING:
    import tensorflow as tf


@dataclass
class FitResult:
    """What a training run produced.

    Attributes:
        name: the model's name.
        history: per-epoch values, e.g. ``{"loss": [...], "val_loss": [...]}``.
        seconds: wall time of the whole fit.
        epochs: epochs actually run (fewer than asked when early stopping fired).
        params: the model's trainable and non-trainable weight count.
        epochs_to_target: with ``stop_at``, the epoch (1-based) at which the target was first
            reached; None if it never was or no target was given.
    """

    name: str
    history: dict[str, list[float]]
    seconds: float
    epochs: int
    params: int
    epochs_to_target: int | None = None

    @property
    def seconds_per_epoch(self) -> float:
        """Mean wall time of one epoch."""
        return self.seconds / max(self.epochs, 1)

    def final(self, metric: str = "val_loss") -> float:
        """The metric's value after the last epoch."""
        return self._series(metric)[-1]

    def best(self, metric: str = "val_loss", mode: str = "min") -> float:
        """The metric's best value over the epochs (``mode`` is ``"min"`` or ``"max"``)."""
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max'; got {mode!r}.")
        values = self._series(metric)
        return min(values) if mode == "min" else max(values)

    def _series(self, metric: str) -> list[float]:
        if metric not in self.history:
            raise ValueError(f"no metric {metric!r} in this run; it has {sorted(self.history)}.")
        return self.history[metric]


def fit(
    model: keras.Model,
    x: Any,
    y: Any = None,
    *,
    epochs: int,
    batch_size: int | None = None,
    validation_data: Any = None,
    early_stopping_patience: int | None = None,
    stop_at: tuple[str, float] | None = None,
    verbose: int = 2,
    callbacks: list[keras.callbacks.Callback] | None = None,
    backup_dir: str | Path | None = None,
    **kwargs: Any,
) -> FitResult:
    """Train a compiled model with Keras' progress output and return a ``FitResult``.

    Args:
        model: a compiled Keras model.
        x, y: training data as for ``model.fit`` (arrays, a ``tf.data.Dataset`` or a
            ``keras.utils.PyDataset``; ``y`` is None for the last two).
        epochs: maximum number of epochs (>= 1).
        batch_size: for array inputs.
        validation_data: as for ``model.fit``.
        early_stopping_patience: stop when ``val_loss`` has not improved for this many epochs
            and restore the best weights (needs ``validation_data``).
        stop_at: ``(metric, value)``: stop as soon as ``metric`` (e.g. ``"val_accuracy"``)
            reaches ``value`` (or falls to it, for metrics whose name contains "loss"), and
            record the epoch in ``epochs_to_target``: how fast a model learns, measured.
        verbose: Keras' verbosity: 1 a progress bar, 2 one line per epoch (the default, which
            reads well in saved notebooks), 0 silent.
        callbacks: extra Keras callbacks.
        backup_dir: a folder (e.g. ``saving.backup_dir(cfg, "lm")``) where
            ``keras.callbacks.BackupAndRestore`` saves the model and optimizer after every
            epoch: an interrupted run called again with the same folder resumes after the last
            finished epoch (its history then holds the epochs of this call only); the folder is
            deleted when training ends normally.
        **kwargs: passed to ``model.fit``.

    Returns:
        A ``FitResult``.

    Raises:
        ValueError: if the model is not compiled, ``epochs`` is not a positive integer, or early
            stopping is asked for without validation data.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model; got {type(model).__name__}.")
    if not model.compiled:
        raise ValueError(f"model {model.name!r} is not compiled; call model.compile(...) first.")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}.")
    callbacks = list(callbacks or [])
    if backup_dir is not None:
        if not str(backup_dir).strip():
            raise ValueError("backup_dir must be a folder path (or None for no backup).")
        callbacks.append(
            keras.callbacks.BackupAndRestore(
                str(backup_dir), save_freq="epoch", delete_checkpoint=True
            )
        )
    if early_stopping_patience is not None:
        if validation_data is None:
            raise ValueError("early_stopping_patience needs validation_data to watch val_loss.")
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=early_stopping_patience, restore_best_weights=True
            )
        )
    target = None
    if stop_at is not None:
        target = _StopAtTarget(*stop_at)
        callbacks.append(target)
    start = time.perf_counter()
    history = model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=validation_data,
        verbose=verbose,
        callbacks=callbacks,
        **kwargs,
    )
    seconds = time.perf_counter() - start
    values = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    epochs_run = len(next(iter(values.values()), []))
    if verbose:
        print(
            f"{model.name}: {epochs_run} epochs in {seconds:.1f} s "
            f"({seconds / max(epochs_run, 1):.2f} s/epoch), {model.count_params():,} weights"
        )
    return FitResult(
        model.name,
        values,
        seconds,
        epochs_run,
        int(model.count_params()),
        None if target is None else target.reached_at,
    )


class _StopAtTarget(keras.callbacks.Callback):
    """Stops training when a metric reaches a target value; remembers the epoch."""

    def __init__(self, metric: str, value: float):
        super().__init__()
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"stop_at needs (metric name, value); got metric={metric!r}.")
        self.metric, self.value = metric, float(value)
        self.lower_is_better = "loss" in metric
        self.reached_at: int | None = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.metric not in logs:
            raise ValueError(
                f"stop_at metric {self.metric!r} is not logged; available: {sorted(logs)}."
            )
        current = float(logs[self.metric])
        done = current <= self.value if self.lower_is_better else current >= self.value
        if done and self.reached_at is None:
            self.reached_at = epoch + 1
            self.model.stop_training = True


def distribution_strategy(
    cfg_or_profile: Config | str, devices: Sequence[str] | None = None
) -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy to build and train a model under, and say which.

    Build and compile inside its scope: ``with training.distribution_strategy(cfg).scope():``
    then ``model = models.build_...(...)`` and ``model.compile(optimizer=..., ...)``. The
    optimizer's variables must be made under the model's strategy (else Keras fails in ``fit``
    with "Mixing different tf.distribute.Strategy objects"); ``fit`` may come after the block.
    Under a ``MirroredStrategy`` every device holds a copy of the weights, each batch is split
    between the devices and their gradients are summed, so ``batch_size`` is the global batch.

    Args:
        cfg_or_profile: the notebook's ``Config`` or a profile name.
        devices: device names to mirror over, e.g. ``["/gpu:0", "/gpu:1"]``; None chooses:
            every GPU for the full profile when there are two or more, else one device.

    Returns:
        A ``tf.distribute.MirroredStrategy``, or the default strategy
        (``tf.distribute.get_strategy()``).

    Raises:
        ValueError: for something that is neither a Config nor a profile name, or ``devices``
            that is not a non-empty list of device names.
    """
    import tensorflow as tf

    profile = cfg_or_profile.profile if isinstance(cfg_or_profile, Config) else cfg_or_profile
    if profile not in PROFILES:
        raise ValueError(
            f"cfg_or_profile must be a Config or one of {', '.join(PROFILES)}; "
            f"got {cfg_or_profile!r}."
        )
    if devices is not None:
        if isinstance(devices, str) or not devices:
            raise ValueError(
                f"devices must be a non-empty list of device names, e.g. ['/gpu:0', '/gpu:1']; "
                f"got {devices!r}."
            )
        if not all(isinstance(d, str) and d.strip() for d in devices):
            raise ValueError(f"devices must hold device names (strings); got {devices!r}.")
        devices = list(devices)
    else:
        gpus = tf.config.list_logical_devices("GPU")
        if profile == "full" and len(gpus) >= 2:
            devices = [gpu.name for gpu in gpus]
    if devices is None:
        print(f"strategy   default, one device (profile {profile})")
        return tf.distribute.get_strategy()
    strategy = tf.distribute.MirroredStrategy(devices)
    print(
        f"strategy   MirroredStrategy over {len(devices)} devices ({', '.join(devices)}): "
        "each batch is split between them"
    )
    return strategy
