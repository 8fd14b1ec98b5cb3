"""Argument checks shared by the package.

Each check returns the cleaned value (a plain ``int``, ``float`` or ``bool``) or raises a
``ValueError`` whose message names the argument, says what is allowed and shows what was given,
for example ``units must be a positive integer; got 0.``. Booleans are never accepted as numbers
(``True`` is an ``int`` in Python, but ``units=True`` is a mistake), and NumPy integers and
floats are accepted where Python ones are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "positive_int",
    "int_in_range",
    "finite_float",
    "probability",
    "choice",
    "flag",
]


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def positive_int(value: Any, name: str, minimum: int = 1, *, allow_none: bool = False) -> Any:
    """An integer ``>= minimum`` (by default a positive integer).

    Args:
        value: the argument to check.
        name: the argument's name, for the message.
        minimum: the smallest allowed value (0 allows zero: "a non-negative integer").
        allow_none: also accept None (returned as is).

    Returns:
        ``int(value)``, or None when ``allow_none`` and ``value`` is None.

    Raises:
        ValueError: if ``value`` is not an integer (a bool is not) or is below ``minimum``.
    """
    if allow_none and value is None:
        return None
    if not _is_int(value) or value < minimum:
        if minimum == 1:
            what = "a positive integer"
        elif minimum == 0:
            what = "a non-negative integer"
        else:
            what = f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {what}{' or None' if allow_none else ''}; got {value!r}.")
    return int(value)


def int_in_range(value: Any, name: str, low: int, high: int) -> int:
    """An integer in ``[low, high]`` (both ends included).

    Args:
        value: the argument to check.
        name: the argument's name, for the message.
        low: the smallest allowed value.
        high: the largest allowed value.

    Returns:
        ``int(value)``.

    Raises:
        ValueError: if ``value`` is not an integer (a bool is not) or lies outside the range.
    """
    if not _is_int(value) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}]; got {value!r}.")
    return int(value)


def _bounds_text(at_least: float | None, above: float | None, at_most: float | None,
                 below: float | None) -> str:  # fmt: skip
    lower = ("[", at_least) if at_least is not None else ("(", above) if above is not None else None
    upper = ("]", at_most) if at_most is not None else (")", below) if below is not None else None
    if lower and upper:
        return f" in {lower[0]}{lower[1]:g}, {upper[1]:g}{upper[0]}"
    if lower:
        return f" {'>=' if lower[0] == '[' else '>'} {lower[1]:g}"
    if upper:
        return f" {'<=' if upper[0] == ']' else '<'} {upper[1]:g}"
    return ""


def finite_float(
    value: Any,
    name: str,
    *,
    at_least: float | None = None,
    above: float | None = None,
    at_most: float | None = None,
    below: float | None = None,
    allow_none: bool = False,
) -> Any:
    """A finite real number, optionally bounded.

    Args:
        value: the argument to check (an int, a float or a NumPy scalar; not a bool).
        name: the argument's name, for the message.
        at_least: inclusive lower bound (give at most one of ``at_least`` and ``above``).
        above: exclusive lower bound.
        at_most: inclusive upper bound (give at most one of ``at_most`` and ``below``).
        below: exclusive upper bound.
        allow_none: also accept None (returned as is).

    Returns:
        ``float(value)``, or None when ``allow_none`` and ``value`` is None.

    Raises:
        ValueError: if ``value`` is not a finite number within the bounds.
    """
    if at_least is not None and above is not None or at_most is not None and below is not None:
        raise ValueError("give at most one lower bound (at_least, above) and one upper bound.")
    if allow_none and value is None:
        return None
    number = None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    ):
        number = float(value)
    ok = (
        number is not None
        and math.isfinite(number)
        and (at_least is None or number >= at_least)
        and (above is None or number > above)
        and (at_most is None or number <= at_most)
        and (below is None or number < below)
    )
    if not ok:
        bounds = _bounds_text(at_least, above, at_most, below)
        raise ValueError(
            f"{name} must be a finite number{bounds}{' or None' if allow_none else ''}; "
            f"got {value!r}."
        )
    return number


def probability(value: Any, name: str, *, allow_one: bool = True) -> float:
    """A number in ``[0, 1]`` (or ``[0, 1)`` with ``allow_one=False``, e.g. a dropout rate).

    Args:
        value: the argument to check.
        name: the argument's name, for the message.
        allow_one: whether 1 itself is allowed.

    Returns:
        ``float(value)``.

    Raises:
        ValueError: if ``value`` is not a number in the interval.
    """
    if allow_one:
        return finite_float(value, name, at_least=0.0, at_most=1.0)
    return finite_float(value, name, at_least=0.0, below=1.0)


def choice(value: Any, name: str, allowed: Iterable[Any]) -> Any:
    """One of the ``allowed`` values (compared by type and equality, so ``True`` is not ``1``).

    Args:
        value: the argument to check.
        name: the argument's name, for the message.
        allowed: the allowed values (strings, numbers, None ...).

    Returns:
        ``value`` unchanged.

    Raises:
        ValueError: if ``value`` is not one of ``allowed``.
    """
    options = tuple(allowed)
    for option in options:
        if _kind(value) == _kind(option) and (value is option or _equal(value, option)):
            return value
    raise ValueError(f"{name} must be one of {options}; got {value!r}.")


def _kind(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float
    if isinstance(value, str):
        return str
    return type(value)


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # e.g. an array compared with a string
        return False


def flag(value: Any, name: str) -> bool:
    """``True`` or ``False`` (a NumPy bool too; not 0, 1 or a string).

    Args:
        value: the argument to check.
        name: the argument's name, for the message.

    Returns:
        ``bool(value)``.

    Raises:
        ValueError: if ``value`` is not a bool.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}.")
    return bool(value)
