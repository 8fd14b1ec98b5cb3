import json
import re

import matplotlib as mpl
import numpy as np
import pytest

from course_lib import expect, report_metric, setup_notebook
from course_lib.env import device_description, mixed_precision_requested
from course_lib.plots import STYLE

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
    cfg = setup_notebook("01_test", quick=dict(epochs=1), standard=dict(epochs=9))
    assert (cfg.profile, cfg.seed, cfg.epochs) == ("quick", 5, 1)
    out = capsys.readouterr().out
    for word in ("profile    quick", "tensorflow", "keras", "epochs=1", "precision  float32"):
        assert word in out
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
    setup_notebook("x")
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
    setup_notebook("x")
    assert keras.mixed_precision.global_policy().name == "float32"
    assert "precision  float32" in capsys.readouterr().out
    monkeypatch.delenv("COURSE_MIXED_PRECISION")
    keras.mixed_precision.set_global_policy("mixed_float16")
    setup_notebook("x", verbose=False)
    assert keras.mixed_precision.global_policy().name == "float32"


def test_mixed_precision_switch_rejects_bad_values(monkeypatch, float32_after):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_MIXED_PRECISION", "fp16")
    with pytest.raises(ValueError, match=r"COURSE_MIXED_PRECISION='fp16'.*1, true or yes.*0"):
        setup_notebook("x")


def test_setup_notebook_seeds_every_generator(monkeypatch):
    import keras

    monkeypatch.setenv("COURSE_PROFILE", "quick")
    draws = []
    for _ in range(2):
        setup_notebook("x", verbose=False)
        draws.append((np.random.rand(), float(keras.random.uniform(()))))  # noqa: NPY002
    assert draws[0] == draws[1]


def test_setup_notebook_merges_common_settings(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "standard")
    cfg = setup_notebook(
        "x", quick=dict(epochs=1), standard=dict(epochs=9), common=dict(units=16), verbose=True
    )
    assert dict(cfg) == {"epochs": 9, "units": 16} and cfg.units == 16
    assert "settings   epochs=9, units=16" in capsys.readouterr().out
    with pytest.raises(ValueError, match="'epochs'.*both in common"):
        setup_notebook("x", quick=dict(epochs=1), standard=dict(epochs=9), common=dict(epochs=2))
    with pytest.raises(ValueError, match="may not be called 'seed'"):
        setup_notebook("x", common=dict(seed=3))


def test_setup_notebook_rejects_unknown_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "huge")
    with pytest.raises(ValueError, match="not a profile"):
        setup_notebook("x")


def test_report_metric_writes_record(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    cfg = setup_notebook("01_test", verbose=False)
    rec = report_metric(cfg, "test MAE", np.float32(0.25), target=0.4, higher_is_better=False)
    assert rec["met"] is True
    saved = json.loads((tmp_path / "01_test.json").read_text())
    assert saved["value"] == pytest.approx(0.25) and saved["profile"] == "quick"
    assert "test MAE = 0.25" in capsys.readouterr().out
    assert report_metric(cfg, "acc", 0.5, target=0.9)["met"] is False


def test_report_metric_rejects_bad_values(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    cfg = setup_notebook("x", verbose=False)
    with pytest.raises(ValueError, match="finite"):
        report_metric(cfg, "m", float("nan"))
    with pytest.raises(ValueError, match="number"):
        report_metric(cfg, "m", "high")
    with pytest.raises(ValueError, match="non-empty"):
        report_metric(cfg, " ", 1.0)
    with pytest.raises(ValueError, match="Config"):
        report_metric({"name": "x"}, "m", 1.0)


def test_expect_records_every_check_and_raises_on_a_miss(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    cfg = setup_notebook("01_test", verbose=False)
    assert expect(cfg, "accuracy", np.float32(0.97), at_least=0.95) == pytest.approx(0.02, abs=1e-6)
    assert expect(cfg, "loss", 0.3, at_most=0.5) == pytest.approx(0.2)
    with pytest.raises(AssertionError, match=r"accuracy at lag 30: measured 0.4, needs >= 0.95"):
        expect(cfg, "accuracy at lag 30", 0.4, at_least=0.95)
    lines = (tmp_path / "01_test.checks.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["check"] for r in records] == ["accuracy", "loss", "accuracy at lag 30"]
    assert [r["passed"] for r in records] == [True, True, False]
    assert records[2]["margin"] == pytest.approx(-0.55) and records[2]["relation"] == ">="
    assert records[1]["threshold"] == 0.5 and records[0]["seed"] == cfg.seed


def test_expect_rejects_bad_arguments(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    cfg = setup_notebook("x", verbose=False)
    with pytest.raises(ValueError, match="exactly one"):
        expect(cfg, "m", 1.0)
    with pytest.raises(ValueError, match="exactly one"):
        expect(cfg, "m", 1.0, at_least=0.0, at_most=2.0)
    with pytest.raises(ValueError, match="finite"):
        expect(cfg, "m", float("nan"), at_least=0.0)
    with pytest.raises(ValueError, match="non-empty"):
        expect(cfg, "", 1.0, at_least=0.0)
    with pytest.raises(ValueError, match="Config"):
        expect({"name": "x"}, "m", 1.0, at_least=0.0)
    # a check that a model which learned nothing would pass is refused
    with pytest.raises(ValueError, match="did not learn scores 0.25"):
        expect(cfg, "accuracy", 0.99, at_least=0.2, fails_for=0.25)
    with pytest.raises(ValueError, match="did not learn"):
        expect(cfg, "loss", 0.1, at_most=2.0, fails_for=1.9)
    assert expect(cfg, "accuracy", 0.99, at_least=0.95, fails_for=0.25) == pytest.approx(0.04)


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
    setup_notebook("x", verbose=False)
    assert not tf.config.experimental.tensor_float_32_execution_enabled()
