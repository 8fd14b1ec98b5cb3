import json

import matplotlib as mpl
import numpy as np
import pytest

from course_lib import report_metric, setup_notebook
from course_lib.plots import STYLE


def test_setup_notebook_returns_config_and_prints(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_SEED", "5")
    cfg = setup_notebook("01_test", quick=dict(epochs=1), standard=dict(epochs=9))
    assert (cfg.profile, cfg.seed, cfg.epochs) == ("quick", 5, 1)
    out = capsys.readouterr().out
    for word in ("profile    quick", "tensorflow", "keras", "device     CPU", "epochs=1"):
        assert word in out
    assert mpl.rcParams["axes.grid"] == STYLE["axes.grid"]


def test_setup_notebook_seeds_every_generator(monkeypatch):
    import keras

    monkeypatch.setenv("COURSE_PROFILE", "quick")
    draws = []
    for _ in range(2):
        setup_notebook("x", verbose=False)
        draws.append((np.random.rand(), float(keras.random.uniform(()))))  # noqa: NPY002
    assert draws[0] == draws[1]


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


def test_importing_course_lib_has_no_side_effects():
    import subprocess
    import sys

    code = (
        "import sys, os; before = dict(os.environ); import course_lib; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; "
        "assert dict(os.environ) == before"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
