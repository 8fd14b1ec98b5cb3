"""A settings file for tests: ``99_test`` with two settings, three checks and a key metric."""

import sys
import types

import pytest

from course_lib.settings import Check

NAME = "99_test"


def fake_settings(monkeypatch, **attributes):
    """Register a settings module for notebook ``99_test`` built from ``attributes``."""
    module = types.ModuleType(f"course_lib.settings.nb{NAME}")
    module.__file__ = f"/nowhere/course_lib/settings/nb{NAME}.py"
    defaults = dict(
        COMMON=dict(units=16),
        QUICK=dict(epochs=1),
        STANDARD=dict(epochs=9),
        FULL=dict(epochs=20, units=64),
        KEY_METRIC="accuracy",
        CHECKS=dict(
            accuracy=Check(
                "accuracy at {epochs} epochs",
                at_least=0.95,
                fails_for=0.25,
                fails_for_means="chance",
            ),
            loss=Check("loss", at_most={"quick": 0.5, "standard": 0.3, "full": 0.3}),
            gap=Check("gap", at_least=0.1, skip={"quick": "too few epochs for the gap to show"}),
        ),
    )
    for key, value in {**defaults, **attributes}.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


@pytest.fixture
def notebook_settings(monkeypatch):
    """The ``99_test`` settings file, registered for the test."""
    return fake_settings(monkeypatch)
