"""Profiles: how big a run is, and how a notebook's configuration is chosen from them.

Every notebook declares its knobs for the three profiles in its setup cell, so a learner sees all
of them in one place. This module checks those declarations and picks the one that applies.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

PROFILES: tuple[str, ...] = ("quick", "standard", "full")
DEFAULT_PROFILE = "standard"
PROFILE_ENV_VAR = "COURSE_PROFILE"
SEED_ENV_VAR = "COURSE_SEED"
DEFAULT_SEED = 42


def current_profile() -> str:
    """Return the profile named by ``COURSE_PROFILE`` (``standard`` when unset).

    Raises:
        ValueError: if the variable holds anything other than quick, standard or full.
    """
    value = os.environ.get(PROFILE_ENV_VAR, "").strip().lower() or DEFAULT_PROFILE
    if value not in PROFILES:
        raise ValueError(
            f"{PROFILE_ENV_VAR}={os.environ.get(PROFILE_ENV_VAR)!r} is not a profile; "
            f"use one of {', '.join(PROFILES)} (or leave it unset for {DEFAULT_PROFILE})."
        )
    return value


def current_seed() -> int:
    """Return the seed named by ``COURSE_SEED`` (42 when unset).

    Raises:
        ValueError: if the variable is not a non-negative integer.
    """
    raw = os.environ.get(SEED_ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_SEED
    try:
        seed = int(raw)
    except ValueError:
        seed = -1
    if seed < 0:
        raise ValueError(f"{SEED_ENV_VAR}={raw!r} must be a non-negative integer.")
    return seed


class Config(Mapping):
    """A notebook's settings for one profile: read them as ``cfg.epochs`` or ``cfg["epochs"]``.

    Attributes:
        name: the notebook's name, e.g. ``"01_rnn_basics"``.
        profile: ``"quick"``, ``"standard"`` or ``"full"``.
        seed: the seed every random generator was set from.
    """

    def __init__(self, name: str, profile: str, seed: int, values: Mapping[str, Any]):
        self.name = name
        self.profile = profile
        self.seed = seed
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        # Only called when normal lookup fails, so name/profile/seed never reach here.
        values = self.__dict__.get("_values", {})
        if key in values:
            return values[key]
        raise AttributeError(
            f"config of {self.__dict__.get('name')!r} has no setting {key!r}; "
            f"it has: {', '.join(sorted(values))}"
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Config({self.name!r}, profile={self.profile!r}, seed={self.seed}, {items})"


def select_config(
    name: str,
    profile: str,
    seed: int,
    quick: Mapping[str, Any],
    standard: Mapping[str, Any],
    full: Mapping[str, Any] | None = None,
) -> Config:
    """Check the three profile declarations and return the one for ``profile``.

    Args:
        name: the notebook's name.
        profile: one of ``PROFILES``.
        seed: the seed to record in the config.
        quick, standard, full: the settings of each profile. They must name the same keys, so
            that no setting exists in one profile only. ``full`` defaults to ``standard``.

    Returns:
        The ``Config`` of the chosen profile.

    Raises:
        ValueError: for an unknown profile or profiles that declare different keys.
    """
    if profile not in PROFILES:
        raise ValueError(f"profile={profile!r} is not one of {', '.join(PROFILES)}.")
    declared = {"quick": quick, "standard": standard, "full": standard if full is None else full}
    for label, values in declared.items():
        if not isinstance(values, Mapping):
            raise ValueError(f"{label}= must be a dict of settings, got {type(values).__name__}.")
    keys = set(declared["standard"])
    for label, values in declared.items():
        if set(values) != keys:
            missing = sorted(keys - set(values))
            extra = sorted(set(values) - keys)
            raise ValueError(
                f"the {label} profile of {name!r} must declare the same settings as standard; "
                f"missing: {missing or 'none'}, extra: {extra or 'none'}."
            )
    return Config(name, profile, seed, declared[profile])
