"""Human-written dates in many locales and formats (Babel) and their ISO form (notebook 08).

Each example is one calendar date written the way a locale writes it, for instance
``"martes, 7 de marzo de 2023"`` or ``"07.03.23"``, paired with its ISO 8601 form
``"2023-03-07"``. Babel (the CLDR locale data) does the writing, so the month and weekday names,
abbreviations and word orders are real ones. It is a small sequence-to-sequence task: input and
output have different lengths and vocabularies, and the output order differs from the input order.

Two choices keep the task well defined (each answer is unique):

- month-first numeric forms (``en_US`` writes 7 March 2023 as ``3/7/23``, which in Britain is
  3 July) are left out, so every all-digit input is day first;
- dates lie between 1950-01-01 and 2049-12-31, so a two-digit year names one century
  (``50``-``99`` -> 19xx, ``00``-``49`` -> 20xx).

The test dates are held out as dates, not only as strings: ``split="test"`` draws from the days
whose ISO string hashes into one bucket in ten, ``split="train"`` from the other nine, so no test
day appears in training in any locale or format.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course_lib._args import choice, positive_int

__all__ = ["LOCALES", "FORMATS", "DateExamples", "load_dates", "write_date"]

LOCALES: tuple[str, ...] = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "nl_NL")
FORMATS: tuple[str, ...] = ("short", "medium", "long", "full", "numeric")
_NUMERIC = ("short", "numeric")
_FIRST, _LAST = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)
_SPLITS = ("train", "test")


@dataclass
class DateExamples:
    """Dates written by people (``texts``) and their ISO form (``iso``), one row per example.

    Attributes:
        texts: the written dates, e.g. ``"7 mars 2023"``.
        iso: ``"YYYY-MM-DD"`` strings.
        locales: the Babel locale that wrote each one (e.g. ``"fr_FR"``).
        formats: the format used, one of ``FORMATS``.
    """

    texts: list[str]
    iso: list[str]
    locales: list[str]
    formats: list[str]

    def __len__(self) -> int:
        return len(self.texts)


def _day_first(locale: str) -> bool:
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=locale).pattern
    return pattern.index("d") < pattern.index("M")


def write_date(date: datetime.date, locale: str, fmt: str) -> str:
    """Write ``date`` as ``locale`` does in format ``fmt``.

    Args:
        date: the calendar date.
        locale: a Babel locale such as ``"de_DE"``.
        fmt: ``"short"``, ``"medium"``, ``"long"``, ``"full"`` (Babel's named formats) or
            ``"numeric"`` (the locale's all-digit form with a four-digit year).

    Returns:
        The text, with non-breaking spaces replaced by plain spaces.

    Raises:
        ValueError: for an unknown format or locale.
    """
    from babel import UnknownLocaleError
    from babel.dates import format_date, format_skeleton

    choice(fmt, "fmt", FORMATS)
    try:
        if fmt == "numeric":
            text = format_skeleton("yMd", date, locale=locale)
        else:
            text = format_date(date, fmt, locale=locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(
            f"locale {locale!r} is not one Babel knows; try e.g. {LOCALES[:3]}."
        ) from None
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _in_split(date: datetime.date, split: str) -> bool:
    bucket = int(hashlib.sha1(date.isoformat().encode()).hexdigest(), 16) % 10
    return (bucket == 0) == (split == "test")


def load_dates(
    n: int,
    seed: int = 0,
    split: str = "train",
    locales: Sequence[str] = LOCALES,
    formats: Sequence[str] = FORMATS,
) -> DateExamples:
    """``n`` random dates, each written in a random (locale, format) pair, with their ISO form.

    Dates are uniform over 1950-2049 within the split; the (locale, format) pair is uniform over
    the allowed pairs (month-first numeric forms are not allowed: see the module docstring).
    Same arguments, same examples.

    Args:
        n: number of examples.
        seed: seeds the draws.
        split: ``"train"`` (nine days in ten) or ``"test"`` (the other days).
        locales: Babel locales to write in.
        formats: formats to use, from ``FORMATS``.

    Returns:
        A ``DateExamples`` of length ``n``.

    Raises:
        ValueError: for a bad ``n``, ``seed``, ``split``, locale or format, or when no
            (locale, format) pair is allowed.
    """
    n = positive_int(n, "n")
    seed = positive_int(seed, "seed", minimum=0)
    choice(split, "split", _SPLITS)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}; got {formats!r}.")
    for locale in locales:
        write_date(_FIRST, locale, "long")  # raises ValueError for an unknown locale
    pairs = [
        (loc, fmt) for loc in locales for fmt in formats if fmt not in _NUMERIC or _day_first(loc)
    ]
    if not pairs:
        raise ValueError(
            f"no allowed (locale, format) pair in locales={locales!r}, formats={formats!r}: "
            "month-first numeric forms are left out."
        )
    days = [
        d
        for d in (_FIRST + datetime.timedelta(i) for i in range((_LAST - _FIRST).days + 1))
        if _in_split(d, split)
    ]
    rng = np.random.default_rng(seed)
    day_idx = rng.integers(0, len(days), n)
    pair_idx = rng.integers(0, len(pairs), n)
    out = DateExamples([], [], [], [])
    for di, pi in zip(day_idx, pair_idx):
        date, (locale, fmt) = days[di], pairs[pi]
        out.texts.append(write_date(date, locale, fmt))
        out.iso.append(date.isoformat())
        out.locales.append(locale)
        out.formats.append(fmt)
    return out
