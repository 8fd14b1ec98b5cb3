"""Speech datasets: transcripts, speaker split, noise, the explicit clean signals and the cache."""

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from course_lib.data.speech import dataset
from course_lib.data.text import DIGIT_WORDS


def test_transcripts_are_seeded_and_go_beyond_digits():
    a = dataset.random_transcripts(200, vocabulary="words", min_words=2, max_words=4, seed=3)
    assert a == dataset.random_transcripts(
        200, vocabulary="words", min_words=2, max_words=4, seed=3
    )
    assert a != dataset.random_transcripts(200, vocabulary="words", seed=4)
    words = {w for t in a for w in t.split()}
    assert words - set(DIGIT_WORDS)  # more than digits
    assert all(2 <= len(t.split()) <= 4 for t in a)
    digits = dataset.random_transcripts(50, vocabulary="digits", seed=0)
    assert {w for t in digits for w in t.split()} <= set(DIGIT_WORDS)
    commands = dataset.random_transcripts(300, vocabulary="commands", seed=0)
    used = {w for t in commands for w in t.split()}
    core = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"}
    assert used == set(DIGIT_WORDS) | core
    with pytest.raises(ValueError, match="vocabulary"):
        dataset.random_transcripts(3, vocabulary="klingon")
    with pytest.raises(ValueError, match="max_words"):
        dataset.random_transcripts(3, min_words=3, max_words=2)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        dataset.random_transcripts(True)


def test_speaker_split_holds_out_variants():
    train, test = dataset.speaker_split(10)
    train_variants = {v for _, v in train}
    test_variants = {v for _, v in test}
    assert len(test_variants) == 10 and not train_variants & test_variants
    assert train_variants | test_variants == set(dataset.VARIANTS)
    assert dataset.speaker_split(10) == (train, test)
    with pytest.raises(ValueError, match="n_test_variants"):
        dataset.speaker_split(0)


def test_add_noise_reaches_the_asked_snr():
    rng = np.random.default_rng(0)
    clean = np.sin(np.linspace(0, 200, 50_000)).astype(np.float32)
    noisy = dataset.add_noise(clean, 10.0, rng)
    noise = noisy - clean
    snr = 10 * np.log10(np.mean(clean**2) / np.mean(noise**2))
    assert snr == pytest.approx(10.0, abs=0.2)
    assert np.array_equal(dataset.add_noise(clean, None), clean)
    with pytest.raises(ValueError, match="snr_db"):
        dataset.add_noise(clean, float("nan"))


def test_dataset_is_deterministic_cached_and_split(tmp_path):
    kw = dict(split="test", seed=5, cache_dir=tmp_path, snr_db=(10.0, 20.0))
    first = dataset.load_synthetic_speech(12, **kw)
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))
    stamp = os.path.getmtime(files[0])
    again = dataset.load_synthetic_speech(12, **kw)  # from the cache
    assert os.path.getmtime(files[0]) == stamp
    assert again.texts == first.texts and again.speakers == first.speakers
    assert all(np.array_equal(a, b) for a, b in zip(first.waves, again.waves))
    assert np.all((first.snr_db >= 10) & (first.snr_db <= 20))
    fresh = dataset.load_synthetic_speech(12, **kw, cache=False)
    assert all(np.allclose(a, b, atol=1e-4) for a, b in zip(first.waves, fresh.waves))
    _, test_speakers = dataset.speaker_split(10)
    held_out = {f"{v}+{var}" for v, var in test_speakers}
    assert set(first.speakers) <= held_out
    train = dataset.load_synthetic_speech(12, seed=5, cache_dir=tmp_path)
    assert not set(train.speakers) & held_out
    other = dataset.load_synthetic_speech(12, **dict(kw, seed=6))
    assert other.texts != first.texts
    clean = first.with_noise(None)
    assert np.all(np.isinf(clean.snr_db)) and len(clean) == 12


def test_loader_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="split"):
        dataset.load_synthetic_speech(2, split="dev", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="rates"):
        dataset.load_synthetic_speech(2, rates=(50, 100), cache_dir=tmp_path)
    with pytest.raises(ValueError, match="snr_db"):
        dataset.load_synthetic_speech(2, snr_db=(20.0, 10.0), cache_dir=tmp_path)
    with pytest.raises(ValueError, match="snr_db"):
        dataset.load_synthetic_speech(2, snr_db=float("inf"), cache_dir=tmp_path)


def test_clean_signals_are_an_explicit_field():
    data = dataset.load_synthetic_speech(4, seed=2, snr_db=5.0, cache=False)
    assert not [k for k in data.params if k.startswith("_")]
    assert len(data.clean) == 4
    assert not any(np.array_equal(w, c) for w, c in zip(data.waves, data.clean))  # noise added
    quiet = data.with_noise(None)
    assert all(np.array_equal(w, c) for w, c in zip(quiet.waves, data.clean))
    louder = quiet.with_noise(30.0, seed=1)  # noise on the clean signals, not on top of noise
    assert louder.clean is not None
    assert all(np.array_equal(a, b) for a, b in zip(louder.clean, data.clean))
    part = data.subset([3, 1])
    assert np.array_equal(part.clean[0], data.clean[3]) and np.array_equal(
        part.waves[1], data.waves[1]
    )
    plain = dataset.SpeechSet([np.ones(3, np.float32)], ["a"], ["x"], np.array([np.inf]), 8000)
    assert plain.clean is None and np.array_equal(plain.with_noise(None).waves[0], np.ones(3))
    with pytest.raises(ValueError, match="clean"):
        dataset.SpeechSet([np.ones(3)], ["a"], ["x"], np.array([np.inf]), 8000, clean=[])


# The cache ------------------------------------------------------------------------------------


def _cached(tmp_path):
    """A small cached set, its cache file and that file's key."""
    data = dataset.load_synthetic_speech(4, seed=1, cache_dir=tmp_path, snr_db=None)
    (path,) = tmp_path.glob("*.npz")
    key = path.stem.rsplit("_", 1)[1]
    return data, path, key


def _reload_rebuilds(tmp_path, data, path, key, reason):
    with pytest.warns(RuntimeWarning, match=reason):
        again = dataset.load_synthetic_speech(4, seed=1, cache_dir=tmp_path, snr_db=None)
    assert all(np.array_equal(a, b) for a, b in zip(data.waves, again.waves))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rebuilt file reads back cleanly
        waves = dataset._read_cache(path, key)
    assert all(np.array_equal(a, b) for a, b in zip(data.waves, waves))


def test_cache_is_written_with_usual_permissions_and_a_checksum(tmp_path):
    data, path, key = _cached(tmp_path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    with np.load(path) as f:
        assert str(f["key"]) == key
        assert str(f["checksum"]) == dataset._checksum(f["samples"], f["offsets"])


def test_empty_cache_file_is_rebuilt(tmp_path):
    data, path, key = _cached(tmp_path)
    path.write_bytes(b"")
    _reload_rebuilds(tmp_path, data, path, key, "EOFError")


def test_truncated_cache_file_is_rebuilt(tmp_path):
    data, path, key = _cached(tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _reload_rebuilds(tmp_path, data, path, key, "BadZipFile")


def test_garbage_cache_file_is_rebuilt(tmp_path):
    data, path, key = _cached(tmp_path)
    path.write_bytes(b"not a cache")
    _reload_rebuilds(tmp_path, data, path, key, "cannot be read")


def test_cache_with_changed_samples_fails_its_checksum_and_is_rebuilt(tmp_path):
    data, path, key = _cached(tmp_path)
    with np.load(path) as f:
        arrays = {name: f[name] for name in f.files}
    arrays["samples"] = arrays["samples"].copy()
    arrays["samples"][100] += 1  # one sample off by one step: a valid file, wrong contents
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    _reload_rebuilds(tmp_path, data, path, key, "checksum")


def test_cache_without_a_checksum_is_rebuilt(tmp_path):
    data, path, key = _cached(tmp_path)
    with np.load(path) as f:
        arrays = {name: f[name] for name in f.files if name != "checksum"}
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    _reload_rebuilds(tmp_path, data, path, key, "KeyError")


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert dataset._default_cache_dir() == tmp_path / "speech"
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert dataset._default_cache_dir() == Path(__file__).parents[1] / "data" / "speech"


def test_subset_keeps_utterances_aligned():
    data = dataset.load_synthetic_speech(6, seed=3, cache=False)
    part = data.subset(np.array([True, False, True, False, False, True]))
    assert part.texts == [data.texts[i] for i in (0, 2, 5)]
    assert np.array_equal(part.waves[1], data.waves[2])
    assert np.array_equal(part.snr_db, data.snr_db[[0, 2, 5]])
    assert len(part.with_noise(None)) == 3


def test_ljspeech_loads_offline_with_mock_data():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=3):
        data = dataset.load_ljspeech(n=3, sample_rate=8000)
    assert 1 <= len(data) <= 3
    assert all(set(t) <= set(dataset.ALPHABET) and t == t.strip() for t in data.texts)
    assert all(w.dtype == np.float32 and w.ndim == 1 for w in data.waves)


def test_ljspeech_fails_clearly_without_data(monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets")

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds, "load", offline)
    with pytest.raises(RuntimeError, match="ljspeech.*network"):
        dataset.load_ljspeech(n=2)
    with pytest.raises(ValueError, match="n must be a positive integer or None"):
        dataset.load_ljspeech(n=0)
