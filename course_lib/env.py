"""Notebook set-up: profile, seeds, plot style, versions and device, and the run's results record.

Importing this module has no side effects; TensorFlow and Keras are imported only when
``setup_notebook`` runs, after it has set the environment variables they read at import time.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from course_lib.profiles import Config, current_profile, current_seed, select_config

RESULTS_ENV_VAR = "COURSE_RESULTS_DIR"
MIXED_PRECISION_ENV_VAR = "COURSE_MIXED_PRECISION"
_TRUE, _FALSE = ("1", "true", "yes"), ("0", "")


def in_colab() -> bool:
    """Return True when running inside Google Colab."""
    return "google.colab" in sys.modules


def mixed_precision_requested() -> bool:
    """Whether ``COURSE_MIXED_PRECISION`` asks for mixed precision (float16 compute).

    Returns:
        True for "1", "true" or "yes"; False for "0", an empty value or no variable (any case,
        surrounding spaces ignored).

    Raises:
        ValueError: for any other value.
    """
    raw = os.environ.get(MIXED_PRECISION_ENV_VAR, "")
    value = raw.strip().lower()
    if value in _TRUE + _FALSE:
        return value in _TRUE
    raise ValueError(
        f"{MIXED_PRECISION_ENV_VAR}={raw!r} is not understood; use 1, true or yes for mixed "
        "float16 precision, or 0, empty or unset for float32."
    )


def device_description() -> str:
    """The devices TensorFlow computes on, e.g. ``"GPU 0: NVIDIA H200 (compute capability 9.0)"``.

    Returns:
        ``"CPU"`` without a GPU; else each GPU's index, name and compute capability (read from
        ``tf.config.experimental.get_device_details``; ``?`` where the driver does not say).
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    described = []
    for index, gpu in enumerate(gpus):
        details = tf.config.experimental.get_device_details(gpu)
        name = details.get("device_name", gpu.name)
        capability = details.get("compute_capability")
        version = ".".join(str(v) for v in capability) if capability else "?"
        described.append(f"GPU {index}: {name} (compute capability {version})")
    return ", ".join(described)


def setup_notebook(
    name: str,
    quick: Mapping[str, Any] | None = None,
    standard: Mapping[str, Any] | None = None,
    full: Mapping[str, Any] | None = None,
    common: Mapping[str, Any] | None = None,
    *,
    deterministic: bool = True,
    verbose: bool = True,
) -> Config:
    """Prepare a notebook run and return its settings for the current profile.

    Reads ``COURSE_PROFILE`` (quick | standard | full, default standard) and ``COURSE_SEED``
    (default 42); seeds Python, NumPy, TensorFlow and Keras; makes TensorFlow ops deterministic;
    sets Keras' precision policy from ``COURSE_MIXED_PRECISION`` (on: ``mixed_float16``, float16
    compute and float32 weights, fast on GPUs with tensor cores; off or unset: ``float32``, set
    explicitly so a rerun in the same kernel starts clean); applies the course's plot style;
    prints versions, profile, device (each GPU's name and compute capability) and precision.

    Settings that differ between profiles go in ``quick``, ``standard`` and ``full``; those that
    every profile shares go once in ``common``::

        cfg = setup_notebook(
            "03_lstm_gates",
            quick=dict(epochs=3, n_train=2_000),
            standard=dict(epochs=20, n_train=20_000),
            common=dict(units=32, batch_size=64),
        )

    Args:
        name: the notebook's name, e.g. ``"01_rnn_basics"``.
        quick: the quick profile's settings (a short run that checks that everything works).
        standard: the standard profile's settings (the default).
        full: the full profile's settings; defaults to ``standard``. The three profiles name the
            same keys. Leave all out for a notebook with no settings.
        common: settings shared by every profile. A key is either in ``common`` or in the
            profiles, never in both.
        deterministic: make TensorFlow ops deterministic (slightly slower, same result twice).
        verbose: print the set-up summary.

    Returns:
        A ``Config``: the chosen profile's settings merged with ``common``, plus ``name``,
        ``profile`` and ``seed``.

    Raises:
        ValueError: for an unknown profile, a bad seed, a bad ``COURSE_MIXED_PRECISION``,
            profiles declaring different keys, a key in both ``common`` and the profiles, or a
            setting named like a ``Config`` attribute (``name``, ``seed``, ``items``, ...).
    """
    if not isinstance(name, str) or not name:
        raise ValueError("name must be the notebook's name, e.g. '01_rnn_basics'.")
    profile = current_profile()
    seed = current_seed()
    mixed = mixed_precision_requested()
    cfg = select_config(name, profile, seed, quick or {}, standard or {}, full, common)

    # TensorFlow's C++ and Python loggers print start-up and tracing chatter that buries what a
    # learner needs to see; errors still raise. Set TF_CPP_MIN_LOG_LEVEL yourself to see it.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    import numpy as np
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise ValueError(
            f"this course runs Keras on TensorFlow, but KERAS_BACKEND={keras.backend.backend()!r}; "
            "restart the kernel with KERAS_BACKEND unset or set to 'tensorflow'."
        )
    tf.get_logger().setLevel("ERROR")
    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow generators
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    # Ampere and newer GPUs run float32 matrix products in TensorFloat-32 by default (a 10-bit
    # mantissa, errors near 1e-3), too coarse for the from-scratch checks at 1e-5: keep float32.
    tf.config.experimental.enable_tensor_float_32_execution(False)
    keras.mixed_precision.set_global_policy("mixed_float16" if mixed else "float32")

    from course_lib.plots import apply_style

    apply_style()

    if verbose:
        device = device_description()
        where = "Google Colab" if in_colab() else platform.node() or "local machine"
        print(f"notebook   {name}")
        print(f"profile    {profile}   (set COURSE_PROFILE to quick, standard or full)")
        print(f"seed       {seed}")
        print(f"device     {device} on {where}")
        if mixed:
            print("precision  mixed_float16 (float16 compute, float32 weights)")
            if device == "CPU":
                print("           note: float16 on a CPU works but is slower than float32")
        else:
            print(f"precision  float32   (set {MIXED_PRECISION_ENV_VAR}=1 for mixed float16)")
        print(
            f"versions   python {platform.python_version()}, tensorflow {tf.__version__}, "
            f"keras {keras.__version__}, numpy {np.__version__}"
        )
        settings = ", ".join(f"{k}={v}" for k, v in cfg.items())
        print(f"settings   {settings or '(none)'}")
    return cfg


def report_metric(
    cfg: Config,
    metric: str,
    value: float,
    *,
    target: float | None = None,
    higher_is_better: bool = True,
) -> dict[str, Any]:
    """Record a notebook's key metric for the run summary and print it.

    When ``COURSE_RESULTS_DIR`` is set (``make run`` sets it), the record is written atomically to
    ``<dir>/<notebook>.json``, which the summary table reads.

    Args:
        cfg: the notebook's config from ``setup_notebook``.
        metric: a short name, e.g. ``"test MAE (ppm)"``.
        value: the measured value (a finite number).
        target: the threshold the notebook asserts, if any.
        higher_is_better: the direction of the target.

    Returns:
        The record as a dict.

    Raises:
        ValueError: if ``value`` or ``target`` is not a finite number, or ``metric`` is empty.
    """
    if not isinstance(cfg, Config):
        raise ValueError("cfg must be the Config returned by setup_notebook().")
    if not isinstance(metric, str) or not metric.strip():
        raise ValueError("metric must be a non-empty name, e.g. 'test accuracy'.")
    value = _finite(value, "value")
    met = None
    if target is not None:
        target = _finite(target, "target")
        met = value >= target if higher_is_better else value <= target
    record = {
        "notebook": cfg.name,
        "profile": cfg.profile,
        "seed": cfg.seed,
        "metric": metric,
        "value": value,
        "target": target,
        "higher_is_better": higher_is_better,
        "met": met,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    goal = "" if target is None else f" (target {'>=' if higher_is_better else '<='} {target:g})"
    print(f"key metric  {metric} = {value:.4g}{goal}")
    out_dir = os.environ.get(RESULTS_ENV_VAR)
    if out_dir:
        write_json_atomic(Path(out_dir) / f"{cfg.name}.json", record)
    return record


def expect(
    cfg: Config,
    check: str,
    value: float,
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    fails_for: float | None = None,
) -> float:
    """Assert that a measured value meets its threshold, and record both for the seed sweep.

    A notebook's learning checks go through this function rather than a bare ``assert``, so that
    ``tools/run_notebooks.py --seeds`` can tabulate every check's value, threshold and margin
    over many seeds. When ``COURSE_RESULTS_DIR`` is set, one JSON line per call is appended to
    ``<dir>/<notebook>.checks.jsonl`` before the verdict, so a failing check is recorded too.

    Args:
        cfg: the notebook's config from ``setup_notebook``.
        check: what is measured, e.g. ``"LSTM accuracy at lag 30"`` (unique within a notebook).
        value: the measured value (a finite number).
        at_least: the smallest value that passes.
        at_most: the largest value that passes (give exactly one of the two bounds).
        fails_for: a value the check must reject: what a model that did not learn gets (chance
            accuracy, a baseline without memory, an untrained copy), or, for a check that a
            model fails, what one that succeeded gets. The check refuses to run if that value
            would pass, so it cannot pass whatever the model does. Recorded for the sweep table.

    Returns:
        The margin: ``value - at_least`` or ``at_most - value`` (>= 0 when the check passed).

    Raises:
        ValueError: for a bad ``cfg``, an empty ``check``, a non-finite value or bound, not
            exactly one bound, or a ``fails_for`` value that would pass.
        AssertionError: when the value misses its threshold; the message names both.
    """
    if not isinstance(cfg, Config):
        raise ValueError("cfg must be the Config returned by setup_notebook().")
    if not isinstance(check, str) or not check.strip():
        raise ValueError("check must be a non-empty description, e.g. 'test accuracy'.")
    if (at_least is None) == (at_most is None):
        raise ValueError("give exactly one threshold: at_least=... or at_most=...")
    value = _finite(value, "value")
    if at_least is not None:
        threshold, relation = _finite(at_least, "at_least"), ">="
        margin = value - threshold
    else:
        threshold, relation = _finite(at_most, "at_most"), "<="
        margin = threshold - value
    if fails_for is not None:
        fails_for = _finite(fails_for, "fails_for")
        planted = fails_for - threshold if relation == ">=" else threshold - fails_for
        if planted >= 0:
            raise ValueError(
                f"{check}: a model that did not learn scores {fails_for:.4g}, which passes "
                f"{relation} {threshold:g}; choose a threshold that it fails."
            )
    record = {
        "notebook": cfg.name,
        "profile": cfg.profile,
        "seed": cfg.seed,
        "check": check,
        "value": value,
        "relation": relation,
        "threshold": threshold,
        "margin": margin,
        "passed": margin >= 0,
        "fails_for": fails_for,
    }
    out_dir = os.environ.get(RESULTS_ENV_VAR)
    if out_dir:
        path = Path(out_dir) / f"{cfg.name}.checks.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
    if margin < 0:
        raise AssertionError(f"{check}: measured {value:.4g}, needs {relation} {threshold:g}")
    return margin


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write ``payload`` as JSON to ``path`` through a temporary file and a rename."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2))


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file next to ``path`` to write; when the block ends it replaces ``path``.

    The rename is atomic, so readers see the old file or the new one, never half a file. If the
    block raises, the temporary file is removed and ``path`` stays as it was.

    Args:
        path: the file to write; its folder is created if needed.
        suffix: the temporary file's ending (e.g. ``".keras"``, which ``model.save`` demands).

    Yields:
        The temporary file's path: an empty file with a new file's usual permissions.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _finite(x: Any, label: str) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number, got {x!r}.") from None
    if not math.isfinite(x):
        raise ValueError(f"{label} must be finite, got {x}.")
    return x
