"""Dates: real locale forms, ISO targets that match, held-out days, no ambiguous inputs."""

import datetime

import pytest

from course_lib.data import dates


def test_examples_are_right_and_deterministic():
    a = dates.load_dates(300, seed=4)
    b = dates.load_dates(300, seed=4)
    assert a == b and len(a) == 300
    assert a != dates.load_dates(300, seed=5)
    for text, iso, locale, fmt in zip(a.texts, a.iso, a.locales, a.formats):
        date = datetime.date.fromisoformat(iso)
        assert datetime.date(1950, 1, 1) <= date <= datetime.date(2049, 12, 31)
        assert text == dates.write_date(date, locale, fmt)
        assert "\xa0" not in text and "\u202f" not in text
    assert set(a.locales) == set(dates.LOCALES)
    assert set(a.formats) == set(dates.FORMATS)


def test_known_forms():
    day = datetime.date(2023, 3, 7)
    assert dates.write_date(day, "en_US", "long") == "March 7, 2023"
    assert dates.write_date(day, "de_DE", "short") == "07.03.23"
    assert dates.write_date(day, "es_ES", "full") == "martes, 7 de marzo de 2023"
    assert dates.write_date(day, "en_GB", "numeric") == "07/03/2023"


def test_no_month_first_numeric_forms():
    data = dates.load_dates(2000, seed=0)
    pairs = set(zip(data.locales, data.formats))
    assert ("en_US", "short") not in pairs and ("en_US", "numeric") not in pairs
    assert ("en_GB", "short") in pairs
    # Every all-digit text maps to one date: no text appears with two ISO answers.
    answer = {}
    for text, iso in zip(data.texts, data.iso):
        assert answer.setdefault(text, iso) == iso


def test_test_days_are_held_out():
    train = dates.load_dates(3000, seed=1, split="train")
    test = dates.load_dates(500, seed=1, split="test")
    assert not set(train.iso) & set(test.iso)
    assert len(set(test.iso)) > 400


def test_bad_arguments():
    with pytest.raises(ValueError, match="n must"):
        dates.load_dates(0)
    with pytest.raises(ValueError, match="split"):
        dates.load_dates(5, split="valid")
    with pytest.raises(ValueError, match="formats"):
        dates.load_dates(5, formats=("iso",))
    with pytest.raises(ValueError, match="locale"):
        dates.load_dates(5, locales=("xx_YY",))
    with pytest.raises(ValueError, match="no allowed"):
        dates.load_dates(5, locales=("en_US",), formats=("short",))
    with pytest.raises(ValueError, match="fmt"):
        dates.write_date(datetime.date(2000, 1, 1), "en_US", "tiny")
