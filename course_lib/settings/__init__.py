"""Each notebook's settings per profile and the bounds of its learning checks, one file each.

A notebook's file is ``course_lib/settings/nb<notebook>.py`` (``nb03_lstm_gates.py`` for
``03_lstm_gates``); it ships with the installed package, so Colab reads the same file as a
checkout. It defines:

- ``COMMON``: the settings every profile shares, written once;
- ``QUICK``, ``STANDARD``, ``FULL``: what each profile changes or adds. A setting that is not in
  ``COMMON`` must be in all three; one that is in ``COMMON`` may be changed by some of them;
- ``CHECKS``: the learning checks, by key: ``{"lstm_accuracy": Check(...), ...}``;
- ``KEY_METRIC``: the key of the check whose value the run summary shows.

``setup_notebook`` reads the file through ``load`` and ``check`` reads the bounds from it.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from course_lib.profiles import PROFILES, Config

__all__ = ["Check", "NotebookSettings", "load", "describe", "module_name", "available"]

_NAME = re.compile(r"^\d\d[a-z]?_[a-z0-9_]+$")


@dataclass(frozen=True)
class Check:
    """One learning check: what it measures, its bound per profile and a value it must reject.

    Args:
        what: what is measured, e.g. ``"LSTM accuracy at lag {check_lag}"``; fields in braces
            are filled from the notebook's settings. Unique within a notebook: the seed sweep
            tables checks by this text.
        at_least: the smallest value that passes: one number for every profile, or a dict by
            profile. Give exactly one of ``at_least`` and ``at_most``.
        at_most: the largest value that passes.
        fails_for: a value the check must reject, when it is known before the run (chance
            accuracy, a ratio of 1); else the notebook passes one at run time.
        fails_for_means: who gets ``fails_for``, in a few words: ``"chance"``, ``"a model that
            copies the last frame"``, ``"the trained LSTM"``. Printed next to the value.
        skip: profiles at which the check is not made, each with the reason, e.g.
            ``{"quick": "the gap shows only after longer training"}``. The value is still
            printed at those profiles.
    """

    what: str
    at_least: float | Mapping[str, float] | None = None
    at_most: float | Mapping[str, float] | None = None
    fails_for: float | None = None
    fails_for_means: str = ""
    skip: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.what, str) or not self.what.strip():
            raise ValueError("Check: what must say what is measured, e.g. 'test accuracy'.")
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError(f"Check {self.what!r}: give exactly one of at_least= and at_most=.")
        for profile, reason in self.skip.items():
            if profile not in PROFILES or not isinstance(reason, str) or not reason.strip():
                raise ValueError(
                    f"Check {self.what!r}: skip= maps a profile ({', '.join(PROFILES)}) to the "
                    f"reason it is not checked there; got {profile!r}: {reason!r}."
                )
        bound = self.at_least if self.at_least is not None else self.at_most
        for profile in PROFILES:
            if profile in self.skip:
                continue
            if isinstance(bound, Mapping) and profile not in bound:
                raise ValueError(
                    f"Check {self.what!r}: no bound for the {profile} profile; give one or say "
                    "in skip= why it is not checked there."
                )
            value = bound[profile] if isinstance(bound, Mapping) else bound
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"Check {self.what!r}: the bound must be a finite number.")
            if self.fails_for is not None and self.passes(profile, self.fails_for):
                raise ValueError(
                    f"Check {self.what!r}: {self.fails_for_means or 'fails_for'} "
                    f"({self.fails_for:g}) passes {self.relation} {value:g} at the {profile} "
                    "profile; choose a bound that it fails."
                )
        if self.fails_for is not None and not self.fails_for_means.strip():
            raise ValueError(f"Check {self.what!r}: say who gets fails_for in fails_for_means=.")

    @property
    def relation(self) -> str:
        """``">="`` for ``at_least``, ``"<="`` for ``at_most``."""
        return ">=" if self.at_least is not None else "<="

    def bound(self, profile: str) -> float | None:
        """The bound at ``profile``; None where the check is skipped."""
        if profile in self.skip:
            return None
        bound = self.at_least if self.at_least is not None else self.at_most
        value = bound[profile] if isinstance(bound, Mapping) else bound
        return float(value)

    def margin(self, profile: str, value: float) -> float:
        """How far ``value`` is inside the bound (negative: outside)."""
        bound = self.bound(profile)
        if bound is None:
            raise ValueError(f"Check {self.what!r} is not made at the {profile} profile.")
        return value - bound if self.relation == ">=" else bound - value

    def passes(self, profile: str, value: float) -> bool:
        """Whether ``value`` meets the bound at ``profile``."""
        return self.margin(profile, value) >= 0


@dataclass(frozen=True)
class NotebookSettings:
    """A notebook's settings file, checked.

    Attributes:
        name: the notebook, e.g. ``"03_lstm_gates"``.
        path: the file.
        common: ``COMMON``.
        profiles: ``QUICK``, ``STANDARD`` and ``FULL`` by profile name.
        checks: ``CHECKS``.
        key_metric: ``KEY_METRIC``.
    """

    name: str
    path: Path
    common: Mapping[str, Any]
    profiles: Mapping[str, Mapping[str, Any]]
    checks: Mapping[str, Check]
    key_metric: str

    def values(self, profile: str) -> dict[str, Any]:
        """The settings of ``profile``: ``COMMON`` updated by the profile's own."""
        return {**self.common, **self.profiles[profile]}

    def config(self, profile: str, seed: int, **overrides: Any) -> Config:
        """The ``Config`` of a run: the profile's settings, then ``overrides`` on top.

        Raises:
            ValueError: for an override that names no setting (the message lists them).
        """
        values = self.values(profile)
        unknown = sorted(set(overrides) - set(values))
        if unknown:
            raise ValueError(
                f"{self.name} has no setting {', '.join(map(repr, unknown))}; its settings are: "
                f"{', '.join(sorted(values))} (see {self.path})."
            )
        values.update(overrides)
        return Config(
            self.name,
            profile,
            seed,
            values,
            checks=self.checks,
            key_metric=self.key_metric,
            settings_file=self.path,
            overrides=dict(overrides),
        )


def module_name(name: str) -> str:
    """The settings module of notebook ``name``: ``"03_lstm_gates"`` -> ``"nb03_lstm_gates"``."""
    return f"nb{name}"


def available() -> list[str]:
    """The notebooks that have a settings file, e.g. ``["01_rnn_basics", ...]``."""
    folder = Path(__file__).parent
    return sorted(p.stem[2:] for p in folder.glob("nb*.py"))


def load(name: str) -> NotebookSettings:
    """Read and check the settings file of notebook ``name``.

    Raises:
        ValueError: for a name with no settings file (the message lists the notebooks), or a
            file that breaks the rules of this module's docstring (the message says which).
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be a notebook's name such as '03_lstm_gates'; got {name!r}.")
    try:
        module = importlib.import_module(f"{__name__}.{module_name(name)}")
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{module_name(name)}":
            raise
        raise ValueError(
            f"no settings file for notebook {name!r}; notebooks with one: {', '.join(available())}."
        ) from None
    return _read(name, module)


def _read(name: str, module: ModuleType) -> NotebookSettings:
    path = Path(module.__file__ or "")

    def problem(text: str) -> ValueError:
        return ValueError(f"{path.name}: {text}")

    common = getattr(module, "COMMON", {})
    profiles: dict[str, Any] = {p: getattr(module, p.upper(), None) for p in PROFILES}
    for label, values in [("COMMON", common), *((p.upper(), v) for p, v in profiles.items())]:
        if not isinstance(values, Mapping):
            raise problem(f"{label} must be a dict of settings; got {type(values).__name__}.")
    own = {p: set(v) for p, v in profiles.items()}
    everywhere = set.intersection(*own.values())
    somewhere = set.union(*own.values())
    missing = sorted(somewhere - everywhere - set(common))
    if missing:
        raise problem(
            f"{', '.join(missing)} must be set in every profile, or given a shared value in COMMON."
        )
    dead = sorted(everywhere & set(common))
    if dead:
        raise problem(
            f"every profile changes {', '.join(dead)}, so its value in COMMON is never used; "
            "remove it from COMMON."
        )
    for profile in PROFILES:
        Config(name, profile, 0, {**common, **profiles[profile]})  # checks the names
    checks = getattr(module, "CHECKS", {})
    if not isinstance(checks, Mapping) or not all(isinstance(c, Check) for c in checks.values()):
        raise problem("CHECKS must map each check's key to a Check(...).")
    for profile in PROFILES:
        texts = [describe(c, {**common, **profiles[profile]}) for c in checks.values()]
        if len(set(texts)) != len(texts):
            raise problem(f"two checks have the same description at the {profile} profile.")
    key_metric = getattr(module, "KEY_METRIC", None)
    if key_metric not in checks:
        raise problem(f"KEY_METRIC must name one of CHECKS ({', '.join(checks)}).")
    return NotebookSettings(name, path, dict(common), profiles, dict(checks), key_metric)


def describe(spec: Check, values: Mapping[str, Any]) -> str:
    """A check's description with its ``{setting}`` fields filled in from ``values``.

    Raises:
        ValueError: for a field that names no setting.
    """
    try:
        return spec.what.format(**values)
    except (KeyError, IndexError, AttributeError) as err:
        raise ValueError(f"Check {spec.what!r} names {err} which is not a setting.") from None
