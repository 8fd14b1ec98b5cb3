import re

import matplotlib as mpl
import numpy as np
import pytest
from settings_fixture import NAME, notebook_settings  # noqa: F401 (a fixture)

from course_lib import setup_notebook
from course_lib.plots import STYLE
from course_lib.setup import device_description, mixed_precision_requested

pytestmark = pytest.mark.usefixtures("notebook_settings")

# the device line's form, whatever machine runs the tests
DEVICE_LINE = re.compile(
    r"^device     (CPU|GPU \d+: .+ \(compute capability (\d+\.\d+|\?)\)) on \S.*$", re.M
)


@pytest.fixture
def float32_after():
    """Whatever a test sets, the global precision policy is float32 again afterwards."""
    import keras

    yield
    keras.mixed_precision.set_global_policy("float32")


def test_setup_notebook_returns_config_and_prints(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.delenv("COURSE_MIXED_PRECISION", raising=False)
    monkeypatch.setenv("COURSE_SEED", "5")
    cfg = setup_notebook(NAME)
    assert (cfg.profile, cfg.seed, cfg.epochs, cfg.units) == ("quick", 5, 1, 16)
    out = capsys.readouterr().out
    for word in ("profile    quick", "tensorflow", "keras", "epochs=1", "precision  float32"):
        assert word in out
    assert f"from       /nowhere/course_lib/settings/nb{NAME}.py" in out
    assert DEVICE_LINE.search(out), out
    assert mpl.rcParams["axes.grid"] == STYLE["axes.grid"]


def test_device_description_names_each_gpu(monkeypatch):
    import tensorflow as tf

    assert re.fullmatch(
        r"CPU|GPU \d+: .+ \(compute capability (\d+\.\d+|\?)\)", device_description()
    )
    gpus = [tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(2)]
    details = {
        gpus[0].name: {"device_name": "NVIDIA H200", "compute_capability": (9, 0)},
        gpus[1].name: {},  # a driver that says nothing
    }
    monkeypatch.setattr(
        tf.config, "list_physical_devices", lambda kind=None: gpus if kind == "GPU" else []
    )
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda d: details[d.name])
    assert device_description() == (
        "GPU 0: NVIDIA H200 (compute capability 9.0), "
        "GPU 1: /physical_device:GPU:1 (compute capability ?)"
    )
    line = f"device     {device_description()} on host"
    assert DEVICE_LINE.search(line)


@pytest.mark.parametrize(
    ("value", "on"),
    [("1", True), ("true", True), (" YES ", True), ("0", False), ("", False), (None, False)],
)
def test_mixed_precision_switch_values(monkeypatch, value, on):
    if value is None:
        monkeypatch.delenv("COURSE_MIXED_PRECISION", raising=False)
    else:
        monkeypatch.setenv("COURSE_MIXED_PRECISION", value)
    assert mixed_precision_requested() is on


def test_mixed_precision_switch_sets_and_resets_the_policy(monkeypatch, capsys, float32_after):
    import keras

    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_MIXED_PRECISION", "1")
    setup_notebook(NAME)
    policy = keras.mixed_precision.global_policy()
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (
        "mixed_float16",
        "float16",
        "float32",
    )
    out = capsys.readouterr().out
    assert "precision  mixed_float16 (float16 compute, float32 weights)" in out
    on_cpu = re.search(r"^device     CPU on", out, re.M) is not None
    assert ("slower than float32" in out) == on_cpu
    monkeypatch.setenv("COURSE_MIXED_PRECISION", "0")  # a rerun in the same kernel, switched off
    setup_notebook(NAME)
    assert keras.mixed_precision.global_policy().name == "float32"
    assert "precision  float32" in capsys.readouterr().out
    monkeypatch.delenv("COURSE_MIXED_PRECISION")
    keras.mixed_precision.set_global_policy("mixed_float16")
    setup_notebook(NAME, verbose=False)
    assert keras.mixed_precision.global_policy().name == "float32"


def test_mixed_precision_switch_rejects_bad_values(monkeypatch, float32_after):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_MIXED_PRECISION", "fp16")
    with pytest.raises(ValueError, match=r"COURSE_MIXED_PRECISION='fp16'.*1, true or yes.*0"):
        setup_notebook(NAME)


def test_setup_notebook_seeds_every_generator(monkeypatch):
    import keras

    monkeypatch.setenv("COURSE_PROFILE", "quick")
    draws = []
    for _ in range(2):
        setup_notebook(NAME, verbose=False)
        draws.append((np.random.rand(), float(keras.random.uniform(()))))  # noqa: NPY002
    assert draws[0] == draws[1]


def test_setup_notebook_takes_settings_from_the_file_and_changes_by_keyword(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    cfg = setup_notebook(NAME, epochs=3)
    assert dict(cfg) == {"units": 64, "epochs": 3} and cfg.units == 64
    out = capsys.readouterr().out
    assert "settings   units=64, epochs=3" in out
    assert "changed    epochs=3" in out
    with pytest.raises(ValueError, match=r"no setting 'epoch'; its settings are: epochs, units"):
        setup_notebook(NAME, epoch=3)


def test_setup_notebook_names_the_notebooks_it_knows(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    with pytest.raises(ValueError, match=r"no settings file for notebook '98_none'.*03_lstm_gates"):
        setup_notebook("98_none")
    with pytest.raises(ValueError, match="notebook's name"):
        setup_notebook("lstm")


def test_setup_notebook_rejects_unknown_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "huge")
    with pytest.raises(ValueError, match="not a profile"):
        setup_notebook(NAME)


def test_importing_course_lib_has_no_side_effects():
    import subprocess
    import sys

    code = (
        "import sys, os; before = dict(os.environ); import course_lib; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; "
        "assert dict(os.environ) == before"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_setup_notebook_turns_off_tensor_float_32(monkeypatch):
    import tensorflow as tf

    monkeypatch.setenv("COURSE_PROFILE", "quick")
    tf.config.experimental.enable_tensor_float_32_execution(True)
    setup_notebook(NAME, verbose=False)
    assert not tf.config.experimental.tensor_float_32_execution_enabled()


def test_versions_in_range_pass_and_others_are_named(monkeypatch):
    from importlib import metadata

    from course_lib.setup import unsupported_versions

    assert unsupported_versions() == []  # this environment holds the pinned versions
    real = metadata.version
    fake = {"tensorflow": "2.99.0", "numpy": "1.20.0"}
    monkeypatch.setattr(metadata, "version", lambda name: fake.get(name) or real(name))
    problems = unsupported_versions()
    assert len(problems) == 2
    assert problems[0].startswith("tensorflow 2.99.0 (the course supports tensorflow")
    assert problems[1].startswith("numpy 1.20.0 (the course supports numpy")


def test_setup_notebook_stops_on_an_unsupported_version(monkeypatch):
    from course_lib import setup as setup_module

    monkeypatch.setattr(
        setup_module,
        "unsupported_versions",
        lambda: ["keras 2.15.0 (the course supports keras<4,>=3.3)"],
    )
    with pytest.raises(RuntimeError, match=r"does not support: keras 2\.15\.0"):
        setup_module.setup_notebook("01_rnn_basics", verbose=False)
