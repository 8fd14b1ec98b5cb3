"""Synthesised speech: eSpeak NG through ctypes, determinism, speaker split, cache, features."""

import os
from pathlib import Path

import numpy as np
import pytest

from course_lib.data import speech


def test_synthesize_gives_speech_at_the_asked_rate():
    wave = speech.synthesize("three seven", voice="en-us", variant="f2", sample_rate=8000)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert 0.3 < wave.size / 8000 < 2.0
    assert 0.05 < np.abs(wave).max() <= 1.0
    native = speech.synthesize("three seven", voice="en-us", variant="f2", sample_rate=22050)
    assert speech.espeak_sample_rate() == 22050
    assert abs(native.size / 22050 - wave.size / 8000) < 0.01


def test_rate_voice_and_gap_change_the_signal():
    base = speech.synthesize("one two three four", rate=175)
    fast = speech.synthesize("one two three four", rate=300)
    gaps = speech.synthesize("one two three four", rate=175, word_gap=20)
    assert fast.size < 0.8 * base.size
    assert gaps.size > base.size + 3 * 0.15 * 8000
    other = speech.synthesize("one two three four", voice="en-gb-scotland", variant="m3")
    assert other.size != base.size or not np.allclose(other, base)
    assert np.array_equal(base, speech.synthesize("one two three four", rate=175))


def test_synthesize_rejects_bad_arguments():
    with pytest.raises(ValueError, match="text"):
        speech.synthesize("  ")
    with pytest.raises(ValueError, match="variant"):
        speech.synthesize("one", variant="nobody")
    with pytest.raises(ValueError, match="rate"):
        speech.synthesize("one", rate=20)
    with pytest.raises(ValueError, match="voice"):
        speech.synthesize("one", voice="xx-nowhere")


def test_missing_library_says_what_to_install(monkeypatch):
    import espeakng_loader

    monkeypatch.setattr(speech._Espeak, "_instance", None)
    monkeypatch.setattr(espeakng_loader, "get_library_path", lambda: "/nonexistent/libespeak.so")
    with pytest.raises(RuntimeError, match="pip install espeakng-loader"):
        speech.synthesize("one")


def test_transcripts_are_seeded_and_go_beyond_digits():
    a = speech.random_transcripts(200, vocabulary="words", min_words=2, max_words=4, seed=3)
    assert a == speech.random_transcripts(200, vocabulary="words", min_words=2, max_words=4, seed=3)
    assert a != speech.random_transcripts(200, vocabulary="words", seed=4)
    words = {w for t in a for w in t.split()}
    assert words - set(speech.DIGIT_WORDS)  # more than digits
    assert all(2 <= len(t.split()) <= 4 for t in a)
    digits = speech.random_transcripts(50, vocabulary="digits", seed=0)
    assert {w for t in digits for w in t.split()} <= set(speech.DIGIT_WORDS)
    commands = speech.random_transcripts(300, vocabulary="commands", seed=0)
    used = {w for t in commands for w in t.split()}
    assert used == set(speech.DIGIT_WORDS) | {
        "yes",
        "no",
        "up",
        "down",
        "left",
        "right",
        "on",
        "off",
        "stop",
        "go",
    }
    with pytest.raises(ValueError, match="vocabulary"):
        speech.random_transcripts(3, vocabulary="klingon")
    with pytest.raises(ValueError, match="max_words"):
        speech.random_transcripts(3, min_words=3, max_words=2)


def test_speaker_split_holds_out_variants():
    train, test = speech.speaker_split(10)
    train_variants = {v for _, v in train}
    test_variants = {v for _, v in test}
    assert len(test_variants) == 10 and not train_variants & test_variants
    assert train_variants | test_variants == set(speech.VARIANTS)
    assert speech.speaker_split(10) == (train, test)
    with pytest.raises(ValueError, match="n_test_variants"):
        speech.speaker_split(0)


def test_add_noise_reaches_the_asked_snr():
    rng = np.random.default_rng(0)
    clean = np.sin(np.linspace(0, 200, 50_000)).astype(np.float32)
    noisy = speech.add_noise(clean, 10.0, rng)
    noise = noisy - clean
    snr = 10 * np.log10(np.mean(clean**2) / np.mean(noise**2))
    assert snr == pytest.approx(10.0, abs=0.2)
    assert np.array_equal(speech.add_noise(clean, None), clean)
    with pytest.raises(ValueError, match="snr_db"):
        speech.add_noise(clean, float("nan"))


def test_dataset_is_deterministic_cached_and_split(tmp_path):
    kw = dict(split="test", seed=5, cache_dir=tmp_path, snr_db=(10.0, 20.0))
    first = speech.load_synthetic_speech(12, **kw)
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))
    stamp = os.path.getmtime(files[0])
    again = speech.load_synthetic_speech(12, **kw)  # from the cache
    assert os.path.getmtime(files[0]) == stamp
    assert again.texts == first.texts and again.speakers == first.speakers
    assert all(np.array_equal(a, b) for a, b in zip(first.waves, again.waves))
    assert np.all((first.snr_db >= 10) & (first.snr_db <= 20))
    fresh = speech.load_synthetic_speech(12, **kw, cache=False)
    assert all(np.allclose(a, b, atol=1e-4) for a, b in zip(first.waves, fresh.waves))
    _, test_speakers = speech.speaker_split(10)
    held_out = {f"{v}+{var}" for v, var in test_speakers}
    assert set(first.speakers) <= held_out
    train = speech.load_synthetic_speech(12, seed=5, cache_dir=tmp_path)
    assert not set(train.speakers) & held_out
    other = speech.load_synthetic_speech(12, **dict(kw, seed=6))
    assert other.texts != first.texts
    clean = first.with_noise(None)
    assert np.all(np.isinf(clean.snr_db)) and len(clean) == 12


def test_damaged_cache_is_rebuilt(tmp_path):
    first = speech.load_synthetic_speech(4, seed=1, cache_dir=tmp_path, snr_db=None)
    (path,) = tmp_path.glob("*.npz")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    path.write_bytes(b"not a cache")
    again = speech.load_synthetic_speech(4, seed=1, cache_dir=tmp_path, snr_db=None)
    assert all(np.array_equal(a, b) for a, b in zip(first.waves, again.waves))


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert speech._default_cache_dir() == tmp_path / "speech"
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert speech._default_cache_dir() == Path(__file__).parents[1] / "data" / "speech"


def test_encode_and_decode_texts():
    labels = speech.encode_texts(["go", "red cat"])
    assert labels.shape == (2, 7) and labels[0, 2:].sum() == 0
    assert labels.min() >= 0 and labels[labels > 0].min() >= 1
    assert speech.decode_labels(labels[1]) == "red cat"
    assert speech.decode_labels([-1, 8, 0, 16, -1]) == "go"
    with pytest.raises(ValueError, match="ALPHABET"):
        speech.encode_texts(["Go!"])
    with pytest.raises(ValueError, match="empty"):
        speech.encode_texts([""])


def test_log_mel_features_and_pipeline():
    wave = speech.synthesize("seven", sample_rate=8000)
    mel = np.asarray(speech.log_mel_spectrogram(wave, sample_rate=8000, n_mels=20))
    assert mel.shape == (1 + (wave.size - 200) // 80, 20)
    assert np.allclose(mel.mean(0), 0, atol=1e-3) and np.allclose(mel.std(0), 1, atol=1e-2)
    data = speech.load_synthetic_speech(10, seed=2, cache=False)
    ds = speech.speech_dataset(data, batch_size=4, n_mels=20, pad_to_multiple=4)
    batches = list(ds)
    assert len(batches) == 3
    x, y = batches[0]
    assert x.shape[0] == 4 and x.shape[2] == 20 and x.shape[1] % 4 == 0
    decoded = sorted(speech.decode_labels(row) for b in batches for row in b[1].numpy())
    assert decoded == sorted(data.texts)
    with pytest.raises(ValueError, match="batch_size"):
        speech.speech_dataset(data, batch_size=0)


def test_ljspeech_loads_offline_with_mock_data():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=3):
        data = speech.load_ljspeech(n=3, sample_rate=8000)
    assert 1 <= len(data) <= 3
    assert all(set(t) <= set(speech.ALPHABET) and t == t.strip() for t in data.texts)
    assert all(w.dtype == np.float32 and w.ndim == 1 for w in data.waves)


def test_ljspeech_fails_clearly_without_data(monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets")

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds, "load", offline)
    with pytest.raises(RuntimeError, match="ljspeech.*network"):
        speech.load_ljspeech(n=2)


def test_subset_and_frame_counts():
    data = speech.load_synthetic_speech(6, seed=3, cache=False)
    part = data.subset(np.array([True, False, True, False, False, True]))
    assert part.texts == [data.texts[i] for i in (0, 2, 5)]
    assert np.array_equal(part.waves[1], data.waves[2])
    assert np.array_equal(part.snr_db, data.snr_db[[0, 2, 5]])
    assert len(part.with_noise(None)) == 3
    frames = data.num_frames()
    for wave, n in zip(data.waves, frames):
        assert n == len(speech.log_mel_spectrogram(wave, sample_rate=8000, n_mels=8))
