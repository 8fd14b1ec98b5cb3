import numpy as np
import pytest

from course_lib.data.names import LOCALES, load_surnames, split_names


@pytest.fixture(scope="module")
def surnames():
    return load_surnames(("de_DE", "fi_FI", "it_IT"), per_locale=40, seed=3)


def test_surnames_are_balanced_distinct_and_labelled(surnames):
    names, labels = surnames
    assert len(names) == 120 and labels.shape == (120,) and labels.dtype == np.int32
    assert len(set(names)) == len(names)
    np.testing.assert_array_equal(np.bincount(labels), [40, 40, 40])
    assert all(isinstance(n, str) and n for n in names)
    finnish = [n for n, y in zip(names, labels) if y == 1]
    assert sum(n.endswith("nen") for n in finnish) > 5  # Finnish surnames look Finnish


def test_surnames_are_deterministic(surnames):
    assert load_surnames(("de_DE", "fi_FI", "it_IT"), per_locale=40, seed=3)[0] == surnames[0]
    other = load_surnames(("de_DE", "fi_FI", "it_IT"), per_locale=40, seed=4)[0]
    assert other != surnames[0]


def test_names_in_two_locales_are_dropped():
    # Faker's Polish list contains German names; none may keep two labels
    names, labels = load_surnames(("de_DE", "pl_PL"), per_locale=300, seed=0)
    assert len(set(names)) == len(names) == 600


def test_surnames_bad_arguments():
    with pytest.raises(ValueError, match="at least two"):
        load_surnames(("de_DE",))
    with pytest.raises(ValueError, match="at least two"):
        load_surnames(("de_DE", "de_DE"))
    with pytest.raises(ValueError, match="xx_XX"):
        load_surnames(("de_DE", "xx_XX"), per_locale=2)
    with pytest.raises(ValueError, match="per_locale"):
        load_surnames(LOCALES, per_locale=0)
    with pytest.raises(ValueError, match="per_locale <="):
        load_surnames(("fr_FR", "de_DE"), per_locale=5000, draws_per_name=1)
    with pytest.raises(ValueError, match="seed"):
        load_surnames(LOCALES, seed=-1)


def test_split_is_stratified_deterministic_and_leak_free(surnames):
    names, labels = surnames
    split = split_names(names, labels, val_fraction=0.25, test_fraction=0.25, seed=1)
    parts = [split.train_names, split.val_names, split.test_names]
    assert sum(len(p) for p in parts) == len(names)
    assert set().union(*map(set, parts)) == set(names)
    assert not set(parts[0]) & set(parts[1]) and not set(parts[0]) & set(parts[2])
    assert not set(parts[1]) & set(parts[2])
    np.testing.assert_array_equal(np.bincount(split.test_labels), [10, 10, 10])
    np.testing.assert_array_equal(np.bincount(split.train_labels), [20, 20, 20])
    lookup = dict(zip(names, labels))
    assert all(lookup[n] == y for n, y in zip(split.test_names, split.test_labels))
    again = split_names(names, labels, val_fraction=0.25, test_fraction=0.25, seed=1)
    assert again.test_names == split.test_names
    assert split_names(names, labels, 0.25, 0.25, seed=2).test_names != split.test_names


def test_split_bad_arguments():
    with pytest.raises(ValueError, match="distinct"):
        split_names(["a", "a"], np.array([0, 1]))
    with pytest.raises(ValueError, match="labels"):
        split_names(["a", "b"], np.array([0]))
    with pytest.raises(ValueError, match="test_fraction"):
        split_names(["a", "b"], np.array([0, 1]), test_fraction=1.0)
    with pytest.raises(ValueError, match="below 1"):
        split_names(["a", "b"], np.array([0, 1]), val_fraction=0.5, test_fraction=0.5)
