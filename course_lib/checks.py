"""Learning checks: one line in a notebook, the bounds in its settings file, a record for CI.

``check(cfg, "lstm_accuracy", acc)`` looks the check up in the notebook's settings file
(``course_lib.settings``), prints one line (what was measured, the bound, and the value a model
that did not learn would get), and raises ``AssertionError`` when the value misses its bound, so
that nbval and ``make run`` fail. When ``COURSE_RESULTS_DIR`` is set (``make run`` and
``make seeds`` set it), every check is appended to ``<dir>/<notebook>.checks.jsonl`` before the
verdict, so a failing check is recorded too; the check named ``KEY_METRIC`` in the settings file
also writes ``<dir>/<notebook>.json``, the row of the run summary.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from course_lib.paths import results_dir, write_json_atomic
from course_lib.profiles import Config
from course_lib.settings import Check, describe

__all__ = ["check"]


def check(cfg: Config, key: str, value: float, *, fails_for: float | None = None) -> None:
    """Check a measured value against its bound in the notebook's settings file.

    Args:
        cfg: the notebook's config from ``setup_notebook``.
        key: the check's key in the settings file's ``CHECKS``.
        value: the measured value (a finite number).
        fails_for: a value the check must reject, measured in this run (a baseline's score, an
            untrained copy's); overrides the settings file's ``fails_for``. One of the two must
            give it, and it must fail the bound, so the check cannot pass whatever the model does.

    Raises:
        ValueError: for a bad ``cfg``, a key the settings file does not define (the message lists
            them), a value that is not a finite number, no value to reject, or one that would pass.
        AssertionError: when the value misses its bound; the message names both.
    """
    if not isinstance(cfg, Config) or not cfg.checks:
        raise ValueError("cfg must be the Config returned by setup_notebook().")
    spec = cfg.checks.get(key)
    if not isinstance(spec, Check):
        raise ValueError(
            f"{cfg.name} has no check {key!r}; its settings file {cfg.settings_file} defines: "
            f"{', '.join(cfg.checks)}."
        )
    what = describe(spec, cfg)
    value = _finite(value, f"{what}: the measured value")
    rejected = spec.fails_for if fails_for is None else _finite(fails_for, "fails_for")
    if rejected is None:
        raise ValueError(
            f"{what}: name a value the check must reject, as fails_for= here or in the settings "
            "file, so that it cannot pass for a model that learned nothing."
        )
    bound = spec.bound(cfg.profile)
    if bound is None:
        print(f"– {what} = {value:.4g}   not checked at the {cfg.profile} profile: "
              f"{spec.skip[cfg.profile]}")  # fmt: skip
        if key == cfg.key_metric:
            _record_key_metric(cfg, what, value, spec, None)
        return
    if spec.passes(cfg.profile, rejected):
        raise ValueError(
            f"{what}: {spec.fails_for_means} scores {rejected:.4g}, which passes "
            f"{spec.relation} {bound:g}; choose a bound that it fails."
        )
    margin = spec.margin(cfg.profile, value)
    reject_text = f"{spec.fails_for_means}: {rejected:.4g}"
    _record_check(cfg, key, what, value, spec, bound, margin, rejected)
    if key == cfg.key_metric:
        _record_key_metric(cfg, what, value, spec, bound)
    if margin < 0:
        raise AssertionError(
            f"{what}: measured {value:.4g}, needs {spec.relation} {bound:g} ({reject_text})"
        )
    print(f"✓ {what} = {value:.4g}   needs {spec.relation} {bound:g}   ({reject_text})")


def _record_check(
    cfg: Config,
    key: str,
    what: str,
    value: float,
    spec: Check,
    bound: float,
    margin: float,
    rejected: float,
) -> None:
    folder = results_dir()
    if folder is None:
        return
    record = {
        "notebook": cfg.name,
        "profile": cfg.profile,
        "seed": cfg.seed,
        "key": key,
        "check": what,
        "value": value,
        "relation": spec.relation,
        "threshold": bound,
        "margin": margin,
        "passed": margin >= 0,
        "fails_for": rejected,
    }
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{cfg.name}.checks.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")


def _record_key_metric(
    cfg: Config, what: str, value: float, spec: Check, bound: float | None
) -> None:
    folder = results_dir()
    if folder is None:
        return
    higher = spec.relation == ">="
    record = {
        "notebook": cfg.name,
        "profile": cfg.profile,
        "seed": cfg.seed,
        "metric": what,
        "value": value,
        "target": bound,
        "higher_is_better": higher,
        "met": None if bound is None else (value >= bound if higher else value <= bound),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    write_json_atomic(folder / f"{cfg.name}.json", record)


def _finite(x: Any, label: str) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number, got {x!r}.") from None
    if not math.isfinite(x):
        raise ValueError(f"{label} must be finite, got {x}.")
    return x
