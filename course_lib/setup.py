"""Notebook set-up: settings, profile, seeds, determinism, precision, plot style, and a summary.

Importing this module has no side effects; TensorFlow and Keras are imported only when
``setup_notebook`` runs, after it has set the environment variables they read at import time.
"""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

from course_lib import settings
from course_lib._quiet import native_stderr_filtered
from course_lib.paths import MIXED_PRECISION_ENV_VAR, PROFILE_ENV_VAR, data_dir
from course_lib.profiles import Config, current_profile, current_seed
from course_lib.saving import models_dir

__all__ = [
    "setup_notebook",
    "in_colab",
    "mixed_precision_requested",
    "device_description",
    "unsupported_versions",
]

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


# The libraries whose versions a runtime such as Colab chooses (pyproject.toml has the ranges).
_RUNTIME_LIBRARIES = ("tensorflow", "keras", "numpy")


def unsupported_versions() -> list[str]:
    """TensorFlow, Keras and NumPy where they are missing or outside the ranges course-lib declares.

    Returns:
        One sentence per library out of range, e.g. ``"tensorflow 2.22.0 (the course supports
        tensorflow<2.22,>=2.17)"``; empty when all fit or when course-lib is not installed (a
        checkout on ``sys.path`` has no declared ranges to compare with).
    """
    from importlib import metadata

    try:
        from packaging.requirements import Requirement

        declared = metadata.requires("course-lib") or []
    except (ImportError, metadata.PackageNotFoundError):  # no ranges, or nothing to read them
        return []
    problems = []
    for text in declared:
        requirement = Requirement(text)
        if requirement.name not in _RUNTIME_LIBRARIES or requirement.marker is not None:
            continue
        wanted = f"{requirement.name}{requirement.specifier}"
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{requirement.name} is not installed (the course needs {wanted})")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            problems.append(f"{requirement.name} {installed} (the course supports {wanted})")
    return problems


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
    name: str, *, deterministic: bool = True, verbose: bool = True, **overrides: Any
) -> Config:
    """Prepare a notebook run and return its settings for the current profile.

    Reads the notebook's settings file (``course_lib/settings/nb<name>.py``), ``COURSE_PROFILE``
    (quick | standard | full, default standard) and ``COURSE_SEED`` (default 42); seeds Python,
    NumPy, TensorFlow and Keras; makes TensorFlow ops deterministic; sets Keras' precision policy
    from ``COURSE_MIXED_PRECISION`` (on: ``mixed_float16``, float16 compute and float32 weights,
    fast on GPUs with tensor cores; off or unset: ``float32``, set explicitly so a rerun in the
    same kernel starts clean); applies the course's plot style; prints the profile, seed, device,
    precision, versions, the settings and where they come from.

    A setting is changed by keyword, e.g. ``setup_notebook("03_lstm_gates", units=64)``; the
    learning checks keep the bounds of the settings file.

    Args:
        name: the notebook's name, e.g. ``"01_rnn_basics"``.
        deterministic: make TensorFlow ops deterministic (slightly slower, same result twice).
        verbose: print the set-up summary.
        **overrides: settings to change for this run.

    Returns:
        A ``Config``: the profile's settings (with ``overrides``), plus ``name``, ``profile``,
        ``seed`` and the notebook's learning checks.

    Raises:
        ValueError: for a notebook without a settings file, an override that names no setting
            (the message lists the settings), an unknown profile, a bad seed or a bad
            ``COURSE_MIXED_PRECISION``.
        RuntimeError: when TensorFlow, Keras or NumPy is missing or outside the versions the
            course supports (the message names them).
    """
    problems = unsupported_versions()
    if problems:
        raise RuntimeError(
            "this Python has versions the course does not support: "
            + "; ".join(problems)
            + ". Install the course's versions (make setup, or pip install course-lib with "
            "its dependencies), or on Colab choose an older runtime version "
            "(Runtime > Change runtime type)."
        )
    notebook = settings.load(name)
    profile = current_profile()
    seed = current_seed()
    mixed = mixed_precision_requested()
    cfg = notebook.config(profile, seed, **overrides)

    # TensorFlow's C++ and Python loggers print start-up and tracing chatter that buries what a
    # learner needs to see; errors still raise, and native lines that are not known start-up noise
    # still print. Set TF_CPP_MIN_LOG_LEVEL yourself to see more.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with native_stderr_filtered():
        import keras
        import numpy as np
        import tensorflow as tf

        if keras.backend.backend() != "tensorflow":
            raise ValueError(
                "this course runs Keras on TensorFlow, but "
                f"KERAS_BACKEND={keras.backend.backend()!r}; restart the kernel with "
                "KERAS_BACKEND unset or set to 'tensorflow'."
            )
        tf.get_logger().setLevel("ERROR")
        keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow generators
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        # Ampere and newer GPUs run float32 matrix products in TensorFloat-32 by default (a 10-bit
        # mantissa, errors near 1e-3), too coarse for the from-scratch checks at 1e-5: keep
        # float32.
        tf.config.experimental.enable_tensor_float_32_execution(False)
        keras.mixed_precision.set_global_policy("mixed_float16" if mixed else "float32")
        device = device_description()

        from course_lib.plots import apply_style

        apply_style()

    if verbose:
        where = "Google Colab" if in_colab() else platform.node() or "local machine"
        print(f"notebook   {name}")
        print(f"profile    {profile}   (set {PROFILE_ENV_VAR} to quick, standard or full)")
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
        shown = ", ".join(f"{k}={v}" for k, v in cfg.items())
        print(f"settings   {shown or '(none)'}")
        if overrides:
            changed = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
            print(f"changed    {changed}   (by your call to setup_notebook)")
        print(f"from       {notebook.path}")
        print(f"folders    models {models_dir()}, data cache {data_dir()}")
    return cfg
