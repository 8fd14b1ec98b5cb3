import pytest
from settings_fixture import NAME, fake_settings

from course_lib import settings
from course_lib.profiles import PROFILES
from course_lib.settings import Check


def test_every_notebook_has_a_settings_file_that_loads():
    from pathlib import Path

    notebooks = sorted(p.stem for p in Path(__file__).parent.parent.glob("notebooks/*.ipynb"))
    assert settings.available() == notebooks
    for name in notebooks:
        loaded = settings.load(name)
        for profile in PROFILES:
            values = loaded.values(profile)
            for spec in loaded.checks.values():
                settings.describe(spec, values)  # every {field} names a setting


def test_common_settings_are_written_once_and_profiles_change_some(monkeypatch):
    fake_settings(monkeypatch)
    loaded = settings.load(NAME)
    assert loaded.values("quick") == {"units": 16, "epochs": 1}
    assert loaded.values("full") == {"units": 64, "epochs": 20}


@pytest.mark.parametrize(
    ("attributes", "match"),
    [
        (dict(QUICK=dict(epochs=1, lr=0.1)), "lr must be set in every profile"),
        (dict(QUICK=dict(epochs=1, units=8), STANDARD=dict(epochs=9, units=8)), "never used"),
        (dict(COMMON=dict(units=16, seed=3)), "may not be called 'seed'"),
        (dict(QUICK=[1]), "QUICK must be a dict"),
        (dict(KEY_METRIC="nothing"), "KEY_METRIC must name one of CHECKS"),
        (dict(CHECKS=dict(a=1)), "CHECKS must map"),
        (dict(CHECKS=dict(a=Check("x", at_most=1), b=Check("x", at_most=2))), "same description"),
    ],
)
def test_a_broken_settings_file_is_a_clear_error(monkeypatch, attributes, match):
    if "CHECKS" in attributes and "KEY_METRIC" not in attributes:
        attributes["KEY_METRIC"] = "a"
    fake_settings(monkeypatch, **attributes)
    with pytest.raises(ValueError, match=match):
        settings.load(NAME)


def test_a_description_naming_no_setting_is_a_clear_error():
    with pytest.raises(ValueError, match="not a setting"):
        settings.describe(Check("at lag {lag}", at_least=1.0), {"units": 3})
