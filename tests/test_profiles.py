import pytest

from course_lib.profiles import Config, current_profile, current_seed, select_config

Q, S, F = dict(epochs=1, n=10), dict(epochs=5, n=100), dict(epochs=20, n=1000)


@pytest.mark.parametrize(
    "value,expected",
    [("", "standard"), ("quick", "quick"), (" FULL ", "full"), ("standard", "standard")],
)
def test_current_profile(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_PROFILE", value)
    assert current_profile() == expected


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="quick, standard, full"):
        current_profile()


def test_seed(monkeypatch):
    monkeypatch.delenv("COURSE_SEED", raising=False)
    assert current_seed() == 42
    monkeypatch.setenv("COURSE_SEED", "7")
    assert current_seed() == 7
    for bad in ("-1", "x", "1.5"):
        monkeypatch.setenv("COURSE_SEED", bad)
        with pytest.raises(ValueError, match="COURSE_SEED"):
            current_seed()


@pytest.mark.parametrize("profile,expected", [("quick", Q), ("standard", S), ("full", F)])
def test_select_config(profile, expected):
    cfg = select_config("nb", profile, 3, Q, S, F)
    assert isinstance(cfg, Config)
    assert dict(cfg) == expected and cfg.epochs == expected["epochs"] and cfg["n"] == expected["n"]
    assert (cfg.name, cfg.profile, cfg.seed) == ("nb", profile, 3)


def test_full_defaults_to_standard():
    assert dict(select_config("nb", "full", 0, Q, S)) == S


def test_profiles_must_declare_the_same_keys():
    with pytest.raises(ValueError, match="missing: \\['n'\\]"):
        select_config("nb", "quick", 0, dict(epochs=1), S, F)
    with pytest.raises(ValueError, match="extra: \\['lr'\\]"):
        select_config("nb", "quick", 0, Q, S, dict(F, lr=0.1))
    with pytest.raises(ValueError, match="dict"):
        select_config("nb", "quick", 0, [1], S, F)


def test_missing_setting_names_the_available_ones():
    cfg = select_config("nb", "quick", 0, Q, S, F)
    with pytest.raises(AttributeError, match="epochs, n"):
        _ = cfg.batch_size
