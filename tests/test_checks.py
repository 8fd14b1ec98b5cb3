import json

import numpy as np
import pytest
from settings_fixture import NAME, fake_settings, notebook_settings  # noqa: F401 (a fixture)

from course_lib import check, setup_notebook
from course_lib.settings import Check


@pytest.fixture
def cfg(monkeypatch, notebook_settings):  # noqa: F811
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    return setup_notebook(NAME, verbose=False)


def test_a_check_prints_value_bound_and_the_value_it_rejects(cfg, capsys):
    assert check(cfg, "accuracy", np.float32(0.97)) is None  # nothing for a cell to display
    assert capsys.readouterr().out == (
        "✓ accuracy at 1 epochs = 0.97   needs >= 0.95   (chance: 0.25)\n"
    )
    check(cfg, "loss", 0.3, fails_for=2.0)
    assert "loss = 0.3   needs <= 0.5" in capsys.readouterr().out


def test_a_miss_raises_with_value_bound_and_rejected_value(cfg):
    with pytest.raises(AssertionError, match=r"accuracy at 1 epochs: measured 0.4, needs >= 0.95"):
        check(cfg, "accuracy", 0.4)


def test_a_skipped_check_says_so_and_why(cfg, capsys):
    check(cfg, "gap", 0.0, fails_for=0.0)
    out = capsys.readouterr().out
    assert out.startswith("– gap = 0   not checked at the quick profile: too few epochs")


def test_checks_are_recorded_before_the_verdict(monkeypatch, tmp_path, cfg):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    check(cfg, "accuracy", 0.97)
    check(cfg, "loss", 0.3, fails_for=1.9)
    with pytest.raises(AssertionError):
        check(cfg, "loss", 0.6, fails_for=1.9)
    check(cfg, "gap", 0.0, fails_for=0.0)  # skipped: not recorded
    records = [json.loads(line) for line in (tmp_path / f"{NAME}.checks.jsonl").open()]
    assert [r["check"] for r in records] == ["accuracy at 1 epochs", "loss", "loss"]
    assert [r["passed"] for r in records] == [True, True, False]
    assert records[2]["margin"] == pytest.approx(-0.1) and records[2]["relation"] == "<="
    assert records[0]["fails_for"] == 0.25 and records[1]["fails_for"] == 1.9
    assert records[0]["threshold"] == 0.95 and records[0]["seed"] == cfg.seed
    summary = json.loads((tmp_path / f"{NAME}.json").read_text())  # the key metric
    assert summary["metric"] == "accuracy at 1 epochs" and summary["value"] == pytest.approx(0.97)
    assert summary["target"] == 0.95 and summary["met"] is True and summary["profile"] == "quick"


def test_bounds_per_profile(monkeypatch, notebook_settings):  # noqa: F811
    monkeypatch.setenv("COURSE_PROFILE", "standard")
    cfg = setup_notebook(NAME, verbose=False)
    with pytest.raises(AssertionError, match="needs <= 0.3"):
        check(cfg, "loss", 0.4, fails_for=1.0)


def test_bad_calls_are_clear_errors(cfg):
    with pytest.raises(ValueError, match=r"no check 'acc'.*defines: accuracy, loss, gap"):
        check(cfg, "acc", 0.9)
    with pytest.raises(ValueError, match="finite"):
        check(cfg, "accuracy", float("nan"))
    with pytest.raises(ValueError, match="number"):
        check(cfg, "accuracy", "high")
    with pytest.raises(ValueError, match="Config"):
        check({"name": "x"}, "accuracy", 1.0)
    with pytest.raises(ValueError, match="must reject"):
        check(cfg, "loss", 0.1)  # no value to reject anywhere
    with pytest.raises(ValueError, match="passes <= 0.5"):
        check(cfg, "loss", 0.1, fails_for=0.2)  # a check that cannot fail


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(what="x"), "exactly one"),
        (dict(what="x", at_least=1, at_most=2), "exactly one"),
        (dict(what="", at_least=1), "what must say"),
        (dict(what="x", at_least={"quick": 1}), "no bound for the standard profile"),
        (dict(what="x", at_least=0.2, fails_for=0.25, fails_for_means="chance"), "passes >= 0.2"),
        (dict(what="x", at_least=0.5, fails_for=0.25), "fails_for_means"),
        (dict(what="x", at_least=0.5, skip={"tiny": "why"}), "skip= maps a profile"),
        (dict(what="x", at_least=0.5, skip={"quick": ""}), "skip= maps a profile"),
        (dict(what="x", at_least=float("inf")), "finite"),
    ],
)
def test_a_check_that_cannot_work_is_refused_when_the_file_is_read(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Check(**kwargs)


def test_a_skipped_profile_needs_no_bound():
    spec = Check("x", at_least={"standard": 1.0, "full": 2.0}, skip={"quick": "too short"})
    assert spec.bound("quick") is None and spec.bound("full") == 2.0
