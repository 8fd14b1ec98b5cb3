"""One way to train: ``fit`` wraps ``model.fit`` with timing and returns a results record.

``train`` is the notebooks' shortcut: it compiles a model with Adam at the notebook's learning
rate and calls ``fit`` with the notebook's epochs and batch size, read from its ``Config``.

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

import importlib
import statistics
import sys
import time
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
        epoch_seconds: wall time of each epoch, validation included.
    """

    name: str
    history: dict[str, list[float]]
    seconds: float
    epochs: int
    params: int
    epochs_to_target: int | None = None
    epoch_seconds: list[float] = field(default_factory=list)

    @property
    def seconds_per_epoch(self) -> float:
        """Median wall time of an epoch, leaving out the first when there are more.

        The first epoch also builds the training graph, which can take longer than the epoch
        itself on a small model; the median of the others is what a further epoch costs. It is
        still one run's wall time, so other programs on the machine add to it: to compare two
        models' speed, use ``time_calls``.
        """
        if not self.epoch_seconds:
            return self.seconds / max(self.epochs, 1)
        rest = self.epoch_seconds[1:] or self.epoch_seconds
        return float(statistics.median(rest))

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
    stop_at: tuple[str, str, float] | None = None,
    verbose: int = 1,
    callbacks: list[keras.callbacks.Callback] | None = None,
    backup_dir: str | Path | None = None,
    **kwargs: Any,
) -> FitResult:
    """Train a compiled model, showing one progress line, and return a ``FitResult``.

    Args:
        model: a compiled Keras model.
        x: training data as for ``model.fit``: an array, a ``tf.data.Dataset`` or a
            ``keras.utils.PyDataset``.
        y: the targets for array inputs; None for the other two.
        epochs: maximum number of epochs (>= 1).
        batch_size: for array inputs.
        validation_data: as for ``model.fit``.
        early_stopping_patience: stop when ``val_loss`` has not improved for this many epochs
            and restore the best weights (needs ``validation_data``).
        stop_at: ``(metric, ">=" or "<=", value)``, e.g. ``("val_accuracy", ">=", 0.99)``:
            stop as soon as the metric reaches the value from the named side, and record the
            epoch in ``epochs_to_target``: how fast a model learns, measured.
        verbose: 1 (the default) shows one line per model that each epoch updates in place (in
            a notebook, a terminal and a saved notebook alike) and ends as a summary; 2 prints one
            line per epoch; 0 is silent. Keras' own progress bars are never shown.
        callbacks: extra Keras callbacks.
        backup_dir: a folder (e.g. ``saving.backup_dir(cfg, "lm")``) where
            ``keras.callbacks.BackupAndRestore`` saves the model and optimizer after every
            epoch: an interrupted run called again with the same folder resumes after the last
            finished epoch (its history then holds the epochs of this call only); the folder is
            deleted when training ends normally.
        **kwargs: passed to ``model.fit``. ``shuffle`` defaults to False for a
            ``tf.data.Dataset`` or a generator, which shuffle themselves (Keras would ignore
            True and warn), and to Keras' True otherwise.

    Returns:
        A ``FitResult``.

    Raises:
        ValueError: if the model is not compiled, ``epochs`` is not a positive integer,
            ``verbose`` is not 0, 1 or 2, or early stopping is asked for without validation data.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model; got {type(model).__name__}.")
    if not model.compiled:
        raise ValueError(f"model {model.name!r} is not compiled; call model.compile(...) first.")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}.")
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(
            f"verbose must be 0 (silent), 1 (one line updated in place) or 2 (a line per "
            f"epoch); got {verbose!r}."
        )
    if "shuffle" not in kwargs and _shuffles_itself(x):
        kwargs["shuffle"] = False
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
        if not isinstance(stop_at, tuple | list) or len(stop_at) != 3:
            raise ValueError(
                f"stop_at must be (metric, '>=' or '<=', value), e.g. ('val_accuracy', '>=', "
                f"0.99); got {stop_at!r}."
            )
        target = _StopAtTarget(*stop_at)
        callbacks.append(target)
    clock = _EpochClock()
    callbacks.append(clock)
    progress = _ProgressLine(model.name, epochs, verbose) if verbose else None
    if progress is not None:
        callbacks.append(progress)
    if model.built and not model.optimizer.built:
        # Create the optimizer's variables (Adam's moments) now: made inside the first traced
        # training step, they make TensorFlow trace that step a second time, which takes
        # seconds for a recurrent model. The training itself is the same either way.
        with model.distribute_strategy.scope():
            model.optimizer.build(model.trainable_variables)
    start = time.perf_counter()
    history = model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=validation_data,
        verbose=0,
        callbacks=callbacks,
        **kwargs,
    )
    seconds = time.perf_counter() - start
    values = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    epochs_run = len(next(iter(values.values()), []))
    if progress is not None:
        last = {k: v[-1] for k, v in values.items() if v}
        progress.finish(
            f"{model.name}: {epochs_run} epochs in {seconds:.1f} s "
            f"({seconds / max(epochs_run, 1):.2f} s/epoch), {model.count_params():,} weights; "
            f"last epoch {_format_logs(last)}"
        )
    return FitResult(
        model.name,
        values,
        seconds,
        epochs_run,
        int(model.count_params()),
        None if target is None else target.reached_at,
        clock.seconds[:epochs_run],
    )


def train(
    model: keras.Model,
    cfg: Config,
    x: Any,
    y: Any = None,
    *,
    loss: Any,
    metrics: Sequence[Any] | None = None,
    learning_rate: float | None = None,
    clipnorm: float | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    **fit_kwargs: Any,
) -> FitResult:
    """Compile ``model`` with Adam and train it with the notebook's settings: ``fit`` in one call.

    ``learning_rate``, ``epochs`` and ``batch_size`` default to the settings of those names in
    ``cfg`` (``cfg.learning_rate``, ``cfg.epochs``, ``cfg.batch_size``); pass them to use
    another setting, e.g. ``epochs=cfg.lm_epochs``. Equivalent to::

        model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),
                      loss=loss, metrics=metrics)
        fit(model, x, y, epochs=epochs, batch_size=batch_size, **fit_kwargs)

    Args:
        model: a Keras model, compiled or not (it is compiled anew).
        cfg: the notebook's config from ``setup_notebook``.
        x: training inputs, as for ``fit``.
        y: training targets, as for ``fit``.
        loss: the loss, as for ``model.compile``.
        metrics: metrics to track, as for ``model.compile``.
        learning_rate: Adam's learning rate; default ``cfg.learning_rate``.
        clipnorm: clip each weight's gradient to this norm; default no clipping.
        epochs: the number of epochs; default ``cfg.epochs``.
        batch_size: the batch size for array inputs; default ``cfg.batch_size`` if the notebook
            has that setting, else Keras' default.
        **fit_kwargs: passed to ``fit`` (``validation_data``, ``verbose``, ``stop_at``, ...).

    Returns:
        ``fit``'s ``FitResult``.

    Raises:
        ValueError: for a ``cfg`` that is not a ``Config``, or a default that ``cfg`` does not
            have (the message names the argument to pass).
    """
    if not isinstance(cfg, Config):
        raise ValueError("cfg must be the Config returned by setup_notebook().")

    def setting(value: Any, name: str, required: bool = True) -> Any:
        if value is not None:
            return value
        if name in cfg:
            return cfg[name]
        if required:
            raise ValueError(
                f"{cfg.name} has no setting {name!r}; pass {name}=... to training.train."
            )
        return None

    optimizer = keras.optimizers.Adam(setting(learning_rate, "learning_rate"), clipnorm=clipnorm)
    model.compile(
        optimizer=optimizer, loss=loss, metrics=None if metrics is None else list(metrics)
    )
    return fit(
        model,
        x,
        y,
        epochs=setting(epochs, "epochs"),
        batch_size=setting(batch_size, "batch_size", required=False),
        **fit_kwargs,
    )


def _shuffles_itself(x: Any) -> bool:
    """Whether ``model.fit`` ignores ``shuffle`` for ``x`` (a ``tf.data.Dataset``, a generator)."""
    if isinstance(x, types.GeneratorType):
        return True
    import tensorflow as tf

    return isinstance(x, tf.data.Dataset)


def _format_logs(logs: Mapping[str, Any]) -> str:
    return "  ".join(f"{key} {float(value):.4g}" for key, value in logs.items())


def _in_notebook() -> bool:
    """Whether code runs in a Jupyter kernel (JupyterLab, Colab, nbclient, nbval).

    A kernel has imported IPython before running any cell, so IPython is looked up, not imported:
    it is not a dependency of the package.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


class _ProgressLine(keras.callbacks.Callback):
    """Shows training progress as one line per model, or one line per epoch (``verbose=2``).

    With ``verbose=1`` the line is updated in place after every epoch: in a Jupyter kernel through
    a display that is updated (so a saved or exported notebook keeps only the final line), on a
    terminal by rewriting the line, and elsewhere (a log file) by printing only the final line.
    """

    def __init__(self, name: str, epochs: int, verbose: int) -> None:
        super().__init__()
        self.name, self.epochs, self.verbose = name, epochs, verbose
        self._notebook = verbose == 1 and _in_notebook()
        self._tty = verbose == 1 and not self._notebook and sys.stdout.isatty()
        self._handle: Any = None
        self._start = time.perf_counter()

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._start = time.perf_counter()
        self._show(f"{self.name}: training for {self.epochs} epochs...")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        elapsed = time.perf_counter() - self._start
        line = f"{self.name}  epoch {epoch + 1}/{self.epochs}  {_format_logs(logs or {})}"
        self._show(f"{line}  ({elapsed:.1f} s)", epoch_line=True)

    def finish(self, summary: str) -> None:
        """Replace the progress line with ``summary``."""
        self._show(summary, final=True)

    def _show(self, text: str, *, epoch_line: bool = False, final: bool = False) -> None:
        if self._notebook:
            shown = importlib.import_module("IPython.display")  # present in every kernel
            if self._handle is None:
                self._handle = shown.display(shown.Pretty(text), display_id=True)
            else:
                self._handle.update(shown.Pretty(text))
        elif self._tty:
            sys.stdout.write("\r\033[K" + text + ("\n" if final else ""))
            sys.stdout.flush()
        elif final or (self.verbose == 2 and epoch_line):
            print(text, flush=True)


class _EpochClock(keras.callbacks.Callback):
    """Records the wall time of every epoch (validation included)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)


class _StopAtTarget(keras.callbacks.Callback):
    """Stops training when a metric reaches a target from the given side; remembers the epoch."""

    def __init__(self, metric: str, relation: str, value: float) -> None:
        super().__init__()
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"stop_at needs a metric name first; got {metric!r}.")
        if relation not in (">=", "<="):
            raise ValueError(f"stop_at's relation must be '>=' or '<='; got {relation!r}.")
        try:
            self.value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"stop_at's target must be a number; got {value!r}.") from None
        self.metric = metric
        self.lower_is_better = relation == "<="
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


@dataclass
class Timing:
    """Repeated wall and CPU times of one piece of work, in seconds.

    Attributes:
        wall: wall time of each repeat (what you wait).
        cpu: CPU time of this process in each repeat (what the work costs, all threads
            together; less disturbed by other programs on the machine than wall time).
    """

    wall: list[float]
    cpu: list[float]

    @property
    def median_wall(self) -> float:
        """Median wall time of a repeat."""
        return float(statistics.median(self.wall))

    @property
    def median_cpu(self) -> float:
        """Median CPU time of a repeat."""
        return float(statistics.median(self.cpu))


def time_calls(
    work: Mapping[str, Callable[[], Any]], repeats: int = 5, warmup: int = 1
) -> dict[str, Timing]:
    """Time several pieces of work fairly: warm each up, then alternate them, repeat by repeat.

    The course's one way to compare speeds (a forward pass, a training epoch, a batch). The
    warm-up calls build graphs and fill caches and are not timed; alternating the pieces spreads
    any slowdown of the machine over all of them instead of penalising whichever ran last.

    Args:
        work: name -> a callable with no arguments, e.g.
            ``{"GRU": lambda: gru.fit(x, y, epochs=1, verbose=0)}``.
        repeats: timed calls of each (>= 1).
        warmup: untimed calls of each first (>= 0).

    Returns:
        name -> ``Timing`` (compare ``median_wall`` or ``median_cpu``).

    Raises:
        ValueError: for no work, a value that is not callable, or bad counts.
    """
    if not isinstance(work, Mapping) or not work:
        raise ValueError("work must be a non-empty mapping of name -> callable.")
    for name, fn in work.items():
        if not callable(fn):
            raise ValueError(f"work[{name!r}] must be a callable with no arguments; got {fn!r}.")
    for label, count, low in (("repeats", repeats, 1), ("warmup", warmup, 0)):
        if isinstance(count, bool) or not isinstance(count, int) or count < low:
            raise ValueError(f"{label} must be an integer >= {low}; got {count!r}.")
    for _ in range(warmup):
        for fn in work.values():
            fn()
    timings = {name: Timing([], []) for name in work}
    for _ in range(repeats):
        for name, fn in work.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            timings[name].cpu.append(time.process_time() - cpu)
            timings[name].wall.append(time.perf_counter() - wall)
    return timings


def forward_time_by_length(
    models: Mapping[str, Any], x: Any, lengths: Sequence[int], repeats: int = 5
) -> dict[str, list[float]]:
    """Seconds one forward pass takes against the sequence length, for several models.

    For each length ``n`` every model predicts on the last ``n`` steps of the same batch ``x``
    (``predict_on_batch``, one batch, no training); ``time_calls`` warms each up and alternates
    them, and the median wall time of ``repeats`` calls is kept.

    Args:
        models: label -> a Keras model that accepts ``(batch, any length, features)``.
        x: inputs, shape ``(batch, time, features)`` with ``time >= max(lengths)``.
        lengths: sequence lengths to time, each from 1 to ``time``.
        repeats: timed calls per model and length (>= 1).

    Returns:
        label -> median seconds per forward pass, one per length.

    Raises:
        ValueError: for no models, ``x`` that is not 3-D, or a length outside 1..time.
    """
    if not isinstance(models, Mapping) or not models:
        raise ValueError("models must be a non-empty mapping of label -> Keras model.")
    shape: tuple[int, ...] = tuple(getattr(x, "shape", ()))
    if len(shape) != 3:
        raise ValueError(f"x must have shape (batch, time, features); got {tuple(shape)}.")
    lengths = list(lengths)
    bad = [
        n
        for n in lengths
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= shape[1]
    ]
    if not lengths or bad:
        raise ValueError(
            f"lengths must be integers from 1 to {shape[1]} (x's time axis); got {lengths}."
        )
    seconds: dict[str, list[float]] = {label: [] for label in models}
    for n in lengths:
        work = {
            label: (lambda m=model, piece=x[:, -n:]: m.predict_on_batch(piece))
            for label, model in models.items()
        }
        for label, timing in time_calls(work, repeats=repeats).items():
            seconds[label].append(timing.median_wall)
    return seconds


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
