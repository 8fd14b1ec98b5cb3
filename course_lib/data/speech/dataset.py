"""Speech datasets: seeded transcripts, speakers split by timbre, noise, a checked cache.

- ``random_transcripts``: digit strings or short sequences of command words.
- ``speaker_split``: speakers (voice + variant) split so that the test variants are never heard
  in training.
- ``add_noise``: white noise at a given signal-to-noise ratio.
- ``load_synthetic_speech``: a seeded dataset (``SpeechSet``) synthesised with
  ``engine.synthesize``, cached on disk, with additive noise.
- ``load_ljspeech``: the full profile's public dataset through tensorflow-datasets.
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from course_lib._args import choice, finite_float, int_in_range, positive_int
from course_lib.data._tfds import require_tfds
from course_lib.data.speech.engine import ENGLISH_VOICES, VARIANTS, resample, synthesize
from course_lib.data.speech.features import ALPHABET
from course_lib.data.text import DIGIT_WORDS
from course_lib.paths import atomic_path, data_dir

__all__ = [
    "DIGIT_WORDS",
    "COMMAND_WORDS",
    "SpeechSet",
    "random_transcripts",
    "speaker_split",
    "add_noise",
    "load_synthetic_speech",
    "load_ljspeech",
]

COMMAND_WORDS = (
    "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "forward",
    "backward", "follow", "learn", "open", "close", "red", "green", "blue", "yellow", "black",
    "white", "cat", "dog", "bird", "house", "tree", "happy", "wow", "visual", "bed", "sheila",
    "marvin", "please", "lights", "music", "kitchen", "door", "window", "turn", "the", "and",
)  # fmt: skip
"""Words beyond the digits (many of them from the Speech Commands vocabulary)."""

# Part of every cache key: a new format never reads an old file. 3: with a SHA-256 checksum.
_CACHE_FORMAT = 3


def random_transcripts(
    n: int,
    *,
    vocabulary: str = "words",
    min_words: int = 2,
    max_words: int = 4,
    seed: int = 0,
) -> list[str]:
    """Random transcripts: sequences of words drawn uniformly from a vocabulary.

    Args:
        n: how many transcripts.
        vocabulary: ``"digits"`` (zero ... nine), ``"commands"`` (the digits and the ten
            core words of the Speech Commands set: yes, no, up, down, left, right, on, off,
            stop, go; 20 words) or ``"words"`` (the digits and all of ``COMMAND_WORDS``, 52).
        min_words: the fewest words in a transcript.
        max_words: the most words in a transcript; each transcript's length is drawn
            uniformly in ``[min_words, max_words]``.
        seed: random seed; the same seed gives the same transcripts.

    Returns:
        ``n`` strings of lower-case words separated by single spaces.

    Raises:
        ValueError: for a bad count, vocabulary or word range.
    """
    n = positive_int(n, "n")
    words = _vocabulary(vocabulary)
    min_words = positive_int(min_words, "min_words")
    max_words = positive_int(max_words, "max_words")
    if max_words < min_words:
        raise ValueError(f"max_words must be >= min_words={min_words}; got {max_words!r}.")
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_words, max_words + 1, size=n)
    return [" ".join(words[i] for i in rng.integers(0, len(words), size=k)) for k in lengths]


def _vocabulary(vocabulary: str) -> tuple[str, ...]:
    vocabulary = choice(vocabulary, "vocabulary", ("digits", "commands", "words"))
    if vocabulary == "digits":
        return DIGIT_WORDS
    if vocabulary == "commands":
        return DIGIT_WORDS + COMMAND_WORDS[:10]
    return DIGIT_WORDS + COMMAND_WORDS


def speaker_split(
    n_test_variants: int = 10, *, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Split the speakers (voice, variant) so that test variants are never heard in training.

    A speaker is an English voice (accent) combined with a variant (timbre). The variants are
    shuffled with ``seed`` and the first ``n_test_variants`` are kept for testing: every test
    speaker has a timbre that no training speaker has.

    Args:
        n_test_variants: variants held out for testing (1 to ``len(VARIANTS) - 1``).
        seed: random seed of the split.

    Returns:
        ``(train_speakers, test_speakers)``: lists of ``(voice, variant)`` pairs.

    Raises:
        ValueError: if ``n_test_variants`` is out of range.
    """
    n_test_variants = int_in_range(n_test_variants, "n_test_variants", 1, len(VARIANTS) - 1)
    order = np.random.default_rng(seed).permutation(len(VARIANTS))
    test_variants = sorted(VARIANTS[i] for i in order[:n_test_variants])
    train_variants = sorted(VARIANTS[i] for i in order[n_test_variants:])
    train = [(v, var) for v in ENGLISH_VOICES for var in train_variants]
    test = [(v, var) for v in ENGLISH_VOICES for var in test_variants]
    return train, test


def add_noise(
    wave: np.ndarray, snr_db: float | None, rng: np.random.Generator | int = 0
) -> np.ndarray:
    """Add white Gaussian noise at a given signal-to-noise ratio.

    The noise power is the signal's mean power divided by ``10 ** (snr_db / 10)``.

    Args:
        wave: the clean signal, shape ``(samples,)``.
        snr_db: signal-to-noise ratio in decibels, or None for no noise.
        rng: a NumPy generator or a seed.

    Returns:
        The noisy signal, float32, shape ``(samples,)``.

    Raises:
        ValueError: if ``wave`` is not a non-empty 1-D array or ``snr_db`` is not finite.
    """
    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim != 1 or wave.size == 0:
        raise ValueError(f"wave must be a non-empty 1-D array; got shape {wave.shape}.")
    if snr_db is None:
        return wave.copy()
    snr_db = finite_float(snr_db, "snr_db", allow_none=True)
    rng = np.random.default_rng(rng)
    power = float(np.mean(wave.astype(np.float64) ** 2))
    sigma = np.sqrt(power / 10.0 ** (float(snr_db) / 10.0))
    return (wave + sigma * rng.standard_normal(wave.size)).astype(np.float32)


@dataclass
class SpeechSet:
    """Utterances with their transcripts.

    Attributes:
        waves: one float32 waveform per utterance, each ``(samples,)``, in [-1, 1] before noise.
        texts: the transcripts.
        speakers: ``"voice+variant"`` of each utterance.
        snr_db: the signal-to-noise ratio of the added noise per utterance (inf: clean),
            shape ``(n,)``.
        sample_rate: samples per second.
        params: the generation settings (for the record).
        clean: the waveforms before noise was added, one per utterance, or None when ``waves``
            are the clean signals themselves (no noise added).
    """

    waves: list[np.ndarray]
    texts: list[str]
    speakers: list[str]
    snr_db: np.ndarray
    sample_rate: int
    params: dict = field(default_factory=dict)
    clean: list[np.ndarray] | None = None

    def __post_init__(self) -> None:
        if self.clean is not None and len(self.clean) != len(self.waves):
            raise ValueError(
                f"clean must hold one waveform per utterance ({len(self.waves)}); "
                f"got {len(self.clean)}."
            )

    def __len__(self) -> int:
        return len(self.texts)

    def with_noise(self, snr_db: float | None, seed: int = 0) -> SpeechSet:
        """The same utterances with fresh noise at one SNR (None: the clean signals).

        Noise is added to the clean signals (``clean``, or ``waves`` when ``clean`` is None),
        not on top of the noise already there.

        Args:
            snr_db: signal-to-noise ratio in dB for every utterance, or None for no noise.
            seed: the noise's random seed.

        Returns:
            A new ``SpeechSet`` whose ``clean`` are this set's clean signals.
        """
        clean = self.waves if self.clean is None else self.clean
        rng = np.random.default_rng(seed)
        waves = [add_noise(w, snr_db, rng) for w in clean]
        level = np.full(len(waves), np.inf if snr_db is None else float(snr_db))
        params = dict(self.params, snr_db=snr_db)
        return SpeechSet(
            waves, list(self.texts), list(self.speakers), level, self.sample_rate, params,
            clean=list(clean),
        )  # fmt: skip

    def duration_seconds(self) -> np.ndarray:
        """Duration of each utterance in seconds, shape ``(n,)``."""
        return np.array([w.size / self.sample_rate for w in self.waves])

    def subset(self, keep: Any) -> SpeechSet:
        """The utterances selected by ``keep`` (a boolean mask ``(n,)`` or indices)."""
        index = np.arange(len(self))[np.asarray(keep)]
        clean = None if self.clean is None else [self.clean[i] for i in index]
        return SpeechSet(
            [self.waves[i] for i in index], [self.texts[i] for i in index],
            [self.speakers[i] for i in index], self.snr_db[index], self.sample_rate,
            dict(self.params), clean=clean,
        )  # fmt: skip

    def num_frames(self, frame_ms: float = 25.0, step_ms: float = 10.0) -> np.ndarray:
        """Feature frames of each utterance (as ``log_mel_spectrogram`` makes them), ``(n,)``."""
        frame = int(round(self.sample_rate * frame_ms / 1000))
        step = int(round(self.sample_rate * step_ms / 1000))
        return np.array([max(0, 1 + (w.size - frame) // step) for w in self.waves])


def _default_cache_dir() -> Path:
    """Where the speech cache lives.

    ``speech/`` in ``paths.data_dir()``: ``$COURSE_DATA_DIR/speech`` if set; else the
    repository's ``data/speech`` when the package runs from a checkout; else
    ``~/.cache/rnn-course/speech`` (e.g. installed on Colab).
    """
    return data_dir() / "speech"


def _checksum(samples: np.ndarray, offsets: np.ndarray) -> str:
    """SHA-256 of a cache's arrays (little-endian int64 offsets, then int16 samples)."""
    digest = hashlib.sha256(np.ascontiguousarray(offsets, dtype="<i8").tobytes())
    digest.update(np.ascontiguousarray(samples, dtype="<i2").tobytes())
    return digest.hexdigest()


def _write_cache(path: Path, key: str, waves: list[np.ndarray]) -> list[np.ndarray]:
    """Write the waveforms as 16-bit samples, atomically, with ``key`` and a checksum.

    Returns:
        The waveforms as they will be read back (quantised to 16 bits), float32.
    """
    quantised = [np.round(np.asarray(w) * 32767.0).astype(np.int16) for w in waves]
    samples = np.concatenate(quantised) if quantised else np.zeros(0, np.int16)
    offsets = np.concatenate([[0], np.cumsum([q.size for q in quantised])]).astype(np.int64)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(
            f, samples=samples, offsets=offsets, key=np.array(key),
            checksum=np.array(_checksum(samples, offsets)),
        )  # fmt: skip
    return [q.astype(np.float32) / 32767.0 for q in quantised]


def _read_cache(path: Path, key: str) -> list[np.ndarray] | None:
    """The cached waveforms, or None (with a warning) if the file is damaged or not for ``key``.

    A file that is empty (``EOFError``), truncated (``zipfile.BadZipFile``), not an ``.npz``
    file, lacks an array, or whose arrays do not match their checksum counts as damaged.
    """
    try:
        with np.load(path, allow_pickle=False) as f:
            stored_key, checksum = str(f["key"]), str(f["checksum"])
            samples, offsets = f["samples"], f["offsets"]
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as err:
        problem = f"cannot be read ({type(err).__name__}: {err})"
    else:
        if stored_key != key:
            problem = f"holds key {stored_key!r}, not {key!r}"
        elif (
            samples.dtype != np.int16 or samples.ndim != 1 or offsets.ndim != 1
            or offsets.size < 1 or offsets[0] != 0 or offsets[-1] != samples.size
            or np.any(np.diff(offsets) < 0)
        ):  # fmt: skip
            problem = "has inconsistent arrays"
        elif _checksum(samples, offsets) != checksum:
            problem = "does not match its checksum"
        else:
            return [
                samples[a:b].astype(np.float32) / 32767.0 for a, b in zip(offsets[:-1], offsets[1:])
            ]
    warnings.warn(
        f"the speech cache {path} {problem}; rebuilding it.", RuntimeWarning, stacklevel=3
    )
    return None


def _check_snr(snr_db: Any) -> None:
    ok = snr_db is None or (
        np.ndim(snr_db) == 0
        or (np.ndim(snr_db) == 1 and len(snr_db) == 2 and snr_db[0] <= snr_db[1])
    )
    if ok and snr_db is not None:
        try:
            ok = all(np.isfinite(float(v)) for v in np.atleast_1d(snr_db))
        except (TypeError, ValueError):
            ok = False
    if not ok:
        raise ValueError(
            f"snr_db must be None, a number or a (low, high) pair with low <= high; got {snr_db!r}."
        )


def load_synthetic_speech(
    n: int,
    *,
    split: str = "train",
    vocabulary: str = "words",
    min_words: int = 2,
    max_words: int = 4,
    rates: tuple[int, int] = (140, 210),
    pitches: tuple[int, int] = (30, 70),
    pitch_ranges: tuple[int, int] = (20, 80),
    word_gaps: tuple[int, int] = (0, 8),
    snr_db: tuple[float, float] | float | None = (10.0, 40.0),
    n_test_variants: int = 10,
    sample_rate: int = 8000,
    seed: int = 0,
    cache: bool = True,
    cache_dir: str | Path | None = None,
) -> SpeechSet:
    """A seeded dataset of synthesised utterances, with speakers split by variant.

    Each utterance draws a transcript (``random_transcripts``), a speaker from the split's pool
    (``speaker_split``), a speaking rate, a pitch, a pitch range and a word gap uniformly from
    the given ranges, and noise at an SNR drawn uniformly from ``snr_db``. The clean signals are
    cached in ``cache_dir`` (default ``data/speech/`` in the repository) under a name made from
    a hash of every setting, written to a temporary file and then renamed, so a cache is either
    complete or absent, with a SHA-256 checksum of its contents; a cache file that cannot be read
    or does not match its checksum is rebuilt (with a warning). The noise (cheap) is added after
    loading.

    Args:
        n: number of utterances.
        split: ``"train"`` (training speakers) or ``"test"`` (held-out variants).
        vocabulary: ``"digits"``, ``"commands"`` or ``"words"`` (see ``random_transcripts``).
        min_words: the fewest words per utterance.
        max_words: the most words per utterance.
        rates: (low, high) speaking rate in words per minute.
        pitches: (low, high) base pitch, 0-100.
        pitch_ranges: (low, high) intonation range, 0-100.
        word_gaps: (low, high) extra pause between words in 10 ms units.
        snr_db: (low, high) SNR range in dB, one fixed SNR, or None for clean speech.
        n_test_variants: variants held out for testing (the split's seed is fixed at 0, so the
            held-out variants do not change with ``seed``).
        sample_rate: Hz.
        seed: random seed (use different seeds for training and validation sets).
        cache: read and write the cache.
        cache_dir: where the cache lives.

    Returns:
        A ``SpeechSet``; its ``clean`` holds the waveforms before noise.

    Raises:
        ValueError: for bad arguments.
        RuntimeError: if the eSpeak NG library cannot be loaded (says what to install).
    """
    n = positive_int(n, "n")
    split = choice(split, "split", ("train", "test"))
    for label, pair, low, high in [
        ("rates", rates, 80, 450), ("pitches", pitches, 0, 100),
        ("pitch_ranges", pitch_ranges, 0, 100), ("word_gaps", word_gaps, 0, 100),
    ]:  # fmt: skip
        if len(pair) != 2 or pair[0] > pair[1]:
            raise ValueError(f"{label} must be a (low, high) pair with low <= high; got {pair!r}.")
        for v in pair:
            int_in_range(v, label, low, high)
    _check_snr(snr_db)
    texts = random_transcripts(
        n, vocabulary=vocabulary, min_words=min_words, max_words=max_words, seed=seed
    )
    train_speakers, test_speakers = speaker_split(n_test_variants, seed=0)
    pool = train_speakers if split == "train" else test_speakers
    rng = np.random.default_rng([seed, 1 if split == "train" else 2])
    who = rng.integers(0, len(pool), size=n)
    settings = np.stack(
        [
            rng.integers(rates[0], rates[1] + 1, size=n),
            rng.integers(pitches[0], pitches[1] + 1, size=n),
            rng.integers(pitch_ranges[0], pitch_ranges[1] + 1, size=n),
            rng.integers(word_gaps[0], word_gaps[1] + 1, size=n),
            rng.integers(0, 2**31, size=n),
        ],
        axis=1,
    )
    speakers = [f"{pool[i][0]}+{pool[i][1]}" for i in who]
    params = dict(
        n=n, split=split, vocabulary=vocabulary, min_words=min_words, max_words=max_words,
        rates=list(rates), pitches=list(pitches), pitch_ranges=list(pitch_ranges),
        word_gaps=list(word_gaps), n_test_variants=n_test_variants, sample_rate=sample_rate,
        seed=seed, format=_CACHE_FORMAT,
    )  # fmt: skip
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    path = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
    path = path / f"speech_{split}_{n}_{key}.npz"
    clean = _read_cache(path, key) if cache and path.exists() else None
    if clean is None:
        clean = [
            synthesize(
                t, voice=pool[i][0], variant=pool[i][1], rate=int(s[0]), pitch=int(s[1]),
                pitch_range=int(s[2]), word_gap=int(s[3]), sample_rate=sample_rate,
                seed=int(s[4]),
            )
            for t, i, s in zip(texts, who, settings)
        ]  # fmt: skip
        if cache:
            clean = _write_cache(path, key, clean)
    if snr_db is None:
        levels = np.full(n, np.inf)
    elif np.ndim(snr_db) == 0:
        levels = np.full(n, float(cast(float, snr_db)))
    else:
        bounds = cast(tuple[float, float], snr_db)
        levels = rng.uniform(float(bounds[0]), float(bounds[1]), size=n)
    noise_rng = np.random.default_rng([seed, 3])
    waves = [add_noise(w, None if np.isinf(s) else s, noise_rng) for w, s in zip(clean, levels)]
    params = dict(params, snr_db=snr_db, settings=settings, cache_path=str(path))
    return SpeechSet(waves, texts, speakers, levels, sample_rate, params, clean=clean)


def load_ljspeech(
    n: int | None = None,
    *,
    split: str = "train[:95%]",
    sample_rate: int = 8000,
    data_dir: str | None = None,
) -> SpeechSet:
    """LJ Speech (13,100 read sentences, one speaker) through tensorflow-datasets (full profile).

    Downloads about 2.6 GB the first time (needs network). Transcripts are the normalised texts,
    lower-cased and reduced to ``ALPHABET`` (other characters become spaces, runs of spaces are
    merged). LJ Speech has a single speaker, so it tests longer, natural sentences rather than
    unseen voices.

    Args:
        n: take at most this many utterances (None: all of the split).
        split: a tensorflow-datasets split string (the set only has ``"train"``; slice it, e.g.
            ``"train[:95%]"`` and ``"train[95%:]"``).
        sample_rate: resample the 22,050 Hz audio to this rate.
        data_dir: tensorflow-datasets' data directory.

    Returns:
        A ``SpeechSet`` (speaker ``"LJ"``, no added noise).

    Raises:
        ValueError: for a bad ``n``.
        RuntimeError: if the data cannot be fetched (no network) or tensorflow-datasets is
            missing; the message says what to do.
    """
    n = positive_int(n, "n", allow_none=True)
    tfds = require_tfds("load_ljspeech")
    try:
        ds = tfds.load("ljspeech", split=split, data_dir=data_dir, shuffle_files=False)
    except Exception as err:  # tfds raises many kinds of errors when offline
        raise RuntimeError(
            "could not load 'ljspeech' with tensorflow-datasets (about 2.6 GB, needs network "
            "the first time; it is for the full profile only, the quick and standard profiles "
            f"use synthesised speech): {type(err).__name__}: {err}"
        ) from err
    if n is not None:
        ds = ds.take(n)
    allowed = set(ALPHABET)
    waves, texts = [], []
    for example in tfds.as_numpy(ds):
        raw = example["text_normalized"]
        text = (raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)).lower()
        text = " ".join("".join(c if c in allowed else " " for c in text).split())
        if not text:
            continue
        wave = np.asarray(example["speech"], dtype=np.float32).reshape(-1) / 32768.0
        if wave.size == 0:
            continue
        waves.append(resample(wave, 22050, sample_rate))
        texts.append(text)
    levels = np.full(len(texts), np.inf)
    return SpeechSet(waves, texts, ["LJ"] * len(texts), levels, sample_rate, {"split": split})
