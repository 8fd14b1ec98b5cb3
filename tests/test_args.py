"""Argument checks: what each accepts, what it returns, and what its message says."""

import math

import numpy as np
import pytest

from course_lib import _args as checks


def test_positive_int_accepts_integers_and_returns_plain_ints():
    assert checks.positive_int(3, "units") == 3
    value = checks.positive_int(np.int64(7), "units")
    assert value == 7 and type(value) is int
    assert checks.positive_int(0, "seed", minimum=0) == 0
    assert checks.positive_int(None, "max_len", allow_none=True) is None


@pytest.mark.parametrize(
    "value, minimum, message",
    [
        (0, 1, "units must be a positive integer; got 0."),
        (True, 1, "units must be a positive integer; got True."),
        (2.0, 1, "units must be a positive integer; got 2.0."),
        ("3", 1, "units must be a positive integer; got '3'."),
        (None, 1, "units must be a positive integer; got None."),
        (-1, 0, "units must be a non-negative integer; got -1."),
        (1, 2, "units must be an integer >= 2; got 1."),
    ],
)
def test_positive_int_messages(value, minimum, message):
    with pytest.raises(ValueError) as err:
        checks.positive_int(value, "units", minimum)
    assert str(err.value) == message


def test_positive_int_with_none_says_so():
    with pytest.raises(ValueError, match=r"^max_len must be a positive integer or None; got 0\.$"):
        checks.positive_int(0, "max_len", allow_none=True)


def test_int_in_range():
    assert checks.int_in_range(80, "rate", 80, 450) == 80
    assert checks.int_in_range(np.int32(450), "rate", 80, 450) == 450
    for bad in (79, 451, 100.0, False, "100"):
        with pytest.raises(ValueError, match=r"^rate must be an integer in \[80, 450\]; got "):
            checks.int_in_range(bad, "rate", 80, 450)


def test_finite_float_bounds_and_messages():
    assert checks.finite_float(2, "scale") == 2.0 and type(checks.finite_float(2, "scale")) is float
    assert checks.finite_float(np.float32(0.5), "scale", above=0) == 0.5
    assert checks.finite_float(0, "temperature", at_least=0) == 0.0
    assert checks.finite_float(None, "snr_db", allow_none=True) is None
    cases = [
        (math.nan, {}, "x must be a finite number; got nan."),
        (math.inf, {"above": 0}, "x must be a finite number > 0; got inf."),
        (0.0, {"above": 0}, "x must be a finite number > 0; got 0.0."),
        (-1, {"at_least": 0}, "x must be a finite number >= 0; got -1."),
        (2, {"at_most": 1}, "x must be a finite number <= 1; got 2."),
        (1, {"below": 1}, "x must be a finite number < 1; got 1."),
        (1, {"at_least": 0, "below": 1}, "x must be a finite number in [0, 1); got 1."),
        (0, {"above": 0, "at_most": 1}, "x must be a finite number in (0, 1]; got 0."),
        (True, {}, "x must be a finite number; got True."),
        ("1.5", {}, "x must be a finite number; got '1.5'."),
        (None, {}, "x must be a finite number; got None."),
        ("a", {"allow_none": True}, "x must be a finite number or None; got 'a'."),
    ]
    for value, kwargs, message in cases:
        with pytest.raises(ValueError) as err:
            checks.finite_float(value, "x", **kwargs)
        assert str(err.value) == message
    with pytest.raises(ValueError, match="at most one lower bound"):
        checks.finite_float(1, "x", at_least=0, above=0)


def test_probability():
    assert checks.probability(1, "p") == 1.0 and checks.probability(0.0, "p") == 0.0
    with pytest.raises(ValueError, match=r"^p must be a finite number in \[0, 1\]; got 1\.5\.$"):
        checks.probability(1.5, "p")
    assert checks.probability(0.5, "dropout", allow_one=False) == 0.5
    with pytest.raises(ValueError, match=r"^dropout must be a finite number in \[0, 1\); got 1\.$"):
        checks.probability(1, "dropout", allow_one=False)
    with pytest.raises(ValueError, match="dropout"):
        checks.probability(-0.1, "dropout", allow_one=False)


def test_choice_compares_kind_and_value():
    assert checks.choice("gru", "cell", ("lstm", "gru")) == "gru"
    assert checks.choice(np.str_("gru"), "cell", ["lstm", "gru"]) == "gru"
    assert checks.choice(np.int64(2), "k", (1, 2)) == 2
    assert checks.choice(None, "mode", (None, "sum")) is None
    with pytest.raises(ValueError, match=r"^cell must be one of \('lstm', 'gru'\); got 'GRU'\.$"):
        checks.choice("GRU", "cell", ("lstm", "gru"))
    with pytest.raises(ValueError, match="got True"):
        checks.choice(True, "k", (1, 2))  # True == 1, but it is not one of the numbers
    with pytest.raises(ValueError, match="got 1"):
        checks.choice(1, "flag", (True, False))
    with pytest.raises(ValueError, match="mode"):
        checks.choice(np.zeros(2), "mode", ("sum",))
    with pytest.raises(ValueError, match="mode"):
        checks.choice([1], "mode", ("sum",))  # unhashable: compared, not looked up


def test_flag():
    assert checks.flag(True, "mask") is True
    assert checks.flag(np.bool_(False), "mask") is False
    for bad in (1, 0, "yes", None):
        with pytest.raises(ValueError, match=r"^mask must be True or False; got "):
            checks.flag(bad, "mask")
