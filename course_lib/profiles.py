"""Profiles: how big a run is, and how a notebook's configuration is chosen from them.

Every notebook declares its knobs for the three profiles in its setup cell, so a learner sees all
of them in one place. This module checks those declarations and picks the one that applies, and
derives the seeds of a run's separate random streams (``child_seed``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from course_lib._checks import positive_int

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


class Config(Mapping[str, Any]):
    """A notebook's settings for one profile: read them as ``cfg.epochs`` or ``cfg["epochs"]``.

    A setting may not be named like one of the config's own attributes or methods (``name``,
    ``profile``, ``seed``, ``items``, ``keys``, ``values``, ``get``) or start with an underscore:
    ``cfg.seed`` would not read it, so such a key is refused.

    Attributes:
        name: the notebook's name, e.g. ``"01_rnn_basics"``.
        profile: ``"quick"``, ``"standard"`` or ``"full"``.
        seed: the seed every random generator was set from.
    """

    def __init__(self, name: str, profile: str, seed: int, values: Mapping[str, Any]) -> None:
        """Store the settings after checking their names.

        Args:
            name: the notebook's name.
            profile: the profile the settings belong to.
            seed: the run's seed.
            values: the settings, by name.

        Raises:
            ValueError: for a setting whose name is not a string, starts with an underscore or
                shadows an attribute or method of ``Config``.
        """
        for key in values:
            _check_setting_name(key)
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


# Names a setting may not take: reading them as cfg.<name> would return Config's own attribute.
RESERVED_SETTINGS: frozenset[str] = frozenset(
    {"name", "profile", "seed"} | {n for n in dir(Config) if not n.startswith("_")}
)


def _check_setting_name(key: Any) -> None:
    if not isinstance(key, str):
        raise ValueError(f"setting names must be strings; got {key!r}.")
    if key in RESERVED_SETTINGS or key.startswith("_"):
        raise ValueError(
            f"a setting may not be called {key!r}: cfg.{key} would read the config's own "
            f"attribute, not the setting. Reserved: {', '.join(sorted(RESERVED_SETTINGS))} and "
            "any name starting with an underscore; rename it."
        )


def select_config(
    name: str,
    profile: str,
    seed: int,
    quick: Mapping[str, Any],
    standard: Mapping[str, Any],
    full: Mapping[str, Any] | None = None,
    common: Mapping[str, Any] | None = None,
) -> Config:
    """Check the profile declarations and return the settings for ``profile``.

    Args:
        name: the notebook's name.
        profile: one of ``PROFILES``.
        seed: the seed to record in the config.
        quick: the quick profile's settings.
        standard: the standard profile's settings.
        full: the full profile's settings; defaults to ``standard``. The three profiles must
            name the same keys, so that no setting exists in one profile only.
        common: settings shared by all profiles, written once. A key may be in ``common`` or in
            the profiles, not both.

    Returns:
        The ``Config`` of the chosen profile: its own settings followed by ``common``'s.

    Raises:
        ValueError: for an unknown profile, a declaration that is not a dict, profiles that
            declare different keys, a key in both ``common`` and a profile (named in the
            message), or a reserved setting name (see ``Config``).
    """
    if profile not in PROFILES:
        raise ValueError(f"profile={profile!r} is not one of {', '.join(PROFILES)}.")
    declared = {"quick": quick, "standard": standard, "full": standard if full is None else full}
    shared = {} if common is None else common
    for label, values in [*declared.items(), ("common", shared)]:
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
    both = sorted(set(shared) & keys, key=str)
    if both:
        raise ValueError(
            f"{', '.join(map(repr, both))} of {name!r} appear both in common= and in the "
            "profiles; declare each setting once: in common= if every profile shares its value, "
            "else in each profile."
        )
    return Config(name, profile, seed, {**declared[profile], **shared})


def child_seed(cfg_or_seed: Config | int, purpose: str) -> int:
    """A seed for one purpose (a data split, a probe, a baseline), derived from the run's seed.

    Use one per random stream instead of offsets such as ``seed + 1``: the streams of different
    purposes are independent, and two purposes never share a seed by accident of arithmetic
    (``seed + 1`` for one run is ``seed`` for the next). The purpose string is hashed with
    SHA-256 (stable across processes, unlike Python's ``hash``) and mixed with the seed by
    NumPy's ``SeedSequence``, so the result is the same on every machine and every run.

    Args:
        cfg_or_seed: the notebook's ``Config`` (its ``seed`` is used) or a non-negative seed.
        purpose: what the stream is for, e.g. ``"validation"`` or ``"test data"``; any
            non-empty string, compared exactly.

    Returns:
        A seed in ``[0, 2**31)``, fit for NumPy, Keras and TensorFlow alike.

    Raises:
        ValueError: for a seed that is not a non-negative integer or an empty ``purpose``.
    """
    seed = cfg_or_seed.seed if isinstance(cfg_or_seed, Config) else cfg_or_seed
    seed = positive_int(seed, "cfg_or_seed", minimum=0)
    if not isinstance(purpose, str) or not purpose.strip():
        raise ValueError(f"purpose must be a non-empty string, e.g. 'validation'; got {purpose!r}.")
    digest = hashlib.sha256(purpose.encode("utf-8")).digest()
    words = [int(w) for w in np.frombuffer(digest, dtype="<u4")]
    state = np.random.SeedSequence([seed, *words]).generate_state(1, dtype=np.uint32)
    return int(state[0] >> 1)
