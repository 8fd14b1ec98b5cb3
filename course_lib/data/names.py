"""Surnames with a language label, drawn offline from Faker's per-locale name lists.

Faker ships, for each locale, a list of that country's common surnames. Drawing from several
locales gives a real many-to-one task: read a name, say which language it comes from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course_lib._args import finite_float, positive_int

LOCALES: tuple[str, ...] = ("de_DE", "fr_FR", "it_IT", "es_ES", "pl_PL", "fi_FI")


def load_surnames(
    locales: Sequence[str] = LOCALES,
    per_locale: int = 300,
    seed: int = 0,
    draws_per_name: int = 20,
) -> tuple[list[str], np.ndarray]:
    """Distinct surnames from each locale, each labelled with its locale's index.

    For every locale, a Faker generator seeded with ``seed`` draws ``per_locale *
    draws_per_name`` surnames with ``last_name()``; duplicates are dropped (first draw kept).
    A name drawn for more than one locale (Faker's Polish list, for example, contains German
    names) has no single right label and is removed everywhere. The first ``per_locale`` of what
    is left, in draw order, are kept. Same arguments, same names.

    Args:
        locales: Faker locale codes, e.g. ``("de_DE", "fr_FR")`` (at least two, no repeats).
        per_locale: names kept per locale (every class the same size).
        seed: seeds Faker's generator.
        draws_per_name: how many draws to make per name wanted (more finds rarer names).

    Returns:
        ``names`` (a list of ``len(locales) * per_locale`` strings, grouped by locale) and
        ``labels``, an int32 array of the same length with values in ``[0, len(locales))``.

    Raises:
        ValueError: for fewer than two or repeated locales, an unknown locale, a bad count,
            or a locale with fewer than ``per_locale`` distinct names.
    """
    import faker

    locales = tuple(locales)
    if len(locales) < 2 or len(set(locales)) != len(locales):
        raise ValueError(f"locales must name at least two different locales; got {locales!r}.")
    per_locale = positive_int(per_locale, "per_locale")
    draws_per_name = positive_int(draws_per_name, "draws_per_name")
    seed = positive_int(seed, "seed", minimum=0)
    drawn: dict[str, list[str]] = {}
    for locale in locales:
        try:
            generator = faker.Faker(locale)
        except AttributeError:
            raise ValueError(
                f"locale {locale!r} is not one Faker knows; try e.g. {LOCALES[:3]}."
            ) from None
        generator.seed_instance(seed)
        seen: dict[str, None] = {}  # an ordered set: first draw first
        for _ in range(per_locale * draws_per_name):
            seen.setdefault(generator.last_name(), None)
        drawn[locale] = list(seen)
    counts = Counter(name for names in drawn.values() for name in names)
    names: list[str] = []
    labels: list[int] = []
    for index, locale in enumerate(locales):
        unique = [name for name in drawn[locale] if counts[name] == 1]
        if len(unique) < per_locale:
            raise ValueError(
                f"locale {locale!r} gave only {len(unique)} distinct surnames of its own; "
                f"ask for per_locale <= {len(unique)}."
            )
        names.extend(unique[:per_locale])
        labels.extend([index] * per_locale)
    return names, np.array(labels, dtype=np.int32)


@dataclass(frozen=True)
class NameSplit:
    """Names and labels split three ways; no name is in two parts.

    Attributes:
        train_names, val_names, test_names: lists of strings.
        train_labels, val_labels, test_labels: int32 arrays of the same lengths.
    """

    train_names: list[str]
    train_labels: np.ndarray
    val_names: list[str]
    val_labels: np.ndarray
    test_names: list[str]
    test_labels: np.ndarray


def split_names(
    names: Sequence[str],
    labels: np.ndarray,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    seed: int = 0,
) -> NameSplit:
    """Shuffle within each label and cut train / validation / test parts of the same proportions.

    Args:
        names: distinct strings.
        labels: int array ``(len(names),)``.
        val_fraction: share of each label's names for validation, in ``[0, 1)``.
        test_fraction: share of each label's names for test, in ``[0, 1)``; the two shares
            together stay below 1.
        seed: seeds the shuffle; same seed, same split.

    Returns:
        A ``NameSplit``; within each part, names are ordered by label, then shuffled order.

    Raises:
        ValueError: for repeated names, mismatched lengths or bad fractions.
    """
    names = list(names)
    labels = np.asarray(labels)
    if labels.shape != (len(names),):
        raise ValueError(
            f"labels must have shape ({len(names)},), one per name; got {labels.shape}."
        )
    if len(set(names)) != len(names):
        repeated = [n for n, c in Counter(names).items() if c > 1][:3]
        raise ValueError(f"names must be distinct so no name can leak; repeated: {repeated}.")
    val_fraction = finite_float(val_fraction, "val_fraction", at_least=0.0, below=1.0)
    test_fraction = finite_float(test_fraction, "test_fraction", at_least=0.0, below=1.0)
    if val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction + test_fraction must be below 1, leaving training names.")
    rng = np.random.default_rng(seed)
    parts: dict[str, list[int]] = {"train": [], "val": [], "test": []}
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_test = int(round(test_fraction * len(members)))
        n_val = int(round(val_fraction * len(members)))
        parts["test"].extend(members[:n_test])
        parts["val"].extend(members[n_test : n_test + n_val])
        parts["train"].extend(members[n_test + n_val :])

    def take(indices: list[int]) -> tuple[list[str], np.ndarray]:
        return [names[i] for i in indices], labels[np.array(indices, dtype=int)].astype(np.int32)

    return NameSplit(*take(parts["train"]), *take(parts["val"]), *take(parts["test"]))
