"""Profiles: how big a run is; a run's ``Config``; the seeds of its separate random streams.

The settings of each profile live in the notebook's settings file (``course_lib.settings``);
this module reads the profile and seed of a run from the environment, holds the chosen settings
in a ``Config`` and derives the seeds of a run's separate random streams (``child_seed``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from course_lib._args import positive_int
from course_lib.paths import PROFILE_ENV_VAR, SEED_ENV_VAR

PROFILES: tuple[str, ...] = ("quick", "standard", "full")
DEFAULT_PROFILE = "standard"
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
        checks: the notebook's learning checks by key (``course_lib.settings.Check``).
        key_metric: the key of the check the run summary shows.
        settings_file: the file the settings came from.
        overrides: the settings the learner changed in ``setup_notebook(...)``.
    """

    def __init__(
        self,
        name: str,
        profile: str,
        seed: int,
        values: Mapping[str, Any],
        *,
        checks: Mapping[str, Any] | None = None,
        key_metric: str | None = None,
        settings_file: Any = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        """Store the settings after checking their names.

        Args:
            name: the notebook's name.
            profile: the profile the settings belong to.
            seed: the run's seed.
            values: the settings, by name.
            checks: the learning checks by key.
            key_metric: the key of the check the run summary shows.
            settings_file: where the settings came from.
            overrides: the settings changed by the learner.

        Raises:
            ValueError: for a setting whose name is not a string, starts with an underscore or
                shadows an attribute or method of ``Config``.
        """
        for key in values:
            _check_setting_name(key)
        self.name = name
        self.profile = profile
        self.seed = seed
        self.checks = dict(checks or {})
        self.key_metric = key_metric
        self.settings_file = settings_file
        self.overrides = dict(overrides or {})
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
    {"name", "profile", "seed", "checks", "key_metric", "settings_file", "overrides"}
    | {n for n in dir(Config) if not n.startswith("_")}
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
