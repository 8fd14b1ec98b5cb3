"""Synthesised speech from eSpeak NG (``espeakng-loader``), offline (notebook 10).

The pip package ``espeakng-loader`` ships the eSpeak NG speech synthesiser as a shared library
together with its voice data. This module drives that library through ``ctypes`` (about a
millisecond per utterance), so a speech-recognition dataset with many speakers can be made on
any machine without a download:

- ``synthesize``: one utterance, for a voice (accent) and a variant (speaker timbre), a speaking
  rate, a pitch, a pitch range and a gap between words.
- ``random_transcripts``: digit strings or short sequences of command words.
- ``speaker_split``: speakers (voice + variant) split so that the test variants are never heard
  in training.
- ``load_synthetic_speech``: a seeded, cached dataset (``SpeechSet``) with additive noise.
- ``log_mel_spectrogram`` / ``speech_dataset``: log-mel features computed in a ``tf.data``
  pipeline, normalised per utterance, padded into batches with CTC labels.
- ``load_ljspeech``: the full profile's public dataset through tensorflow-datasets.

Text is encoded with ``ALPHABET``: the label of character ``ALPHABET[i]`` is ``i + 1``, and label
0 is the CTC blank (which Keras' CTC loss also uses as padding).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from course_lib.data._tfds import require_tfds
from course_lib.env import atomic_path

__all__ = [
    "ALPHABET",
    "DIGIT_WORDS",
    "COMMAND_WORDS",
    "ENGLISH_VOICES",
    "VARIANTS",
    "SpeechSet",
    "espeak_sample_rate",
    "synthesize",
    "random_transcripts",
    "speaker_split",
    "add_noise",
    "load_synthetic_speech",
    "encode_texts",
    "decode_labels",
    "log_mel_spectrogram",
    "speech_dataset",
    "load_ljspeech",
]

ALPHABET = " abcdefghijklmnopqrstuvwxyz'"
"""The characters a transcript may use; label ``i + 1`` is ``ALPHABET[i]``, label 0 the blank."""

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
COMMAND_WORDS = (
    "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "forward",
    "backward", "follow", "learn", "open", "close", "red", "green", "blue", "yellow", "black",
    "white", "cat", "dog", "bird", "house", "tree", "happy", "wow", "visual", "bed", "sheila",
    "marvin", "please", "lights", "music", "kitchen", "door", "window", "turn", "the", "and",
)  # fmt: skip
"""Words beyond the digits (many of them from the Speech Commands vocabulary)."""

ENGLISH_VOICES = (
    "en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan",
    "en-gb-x-gbcwmd", "en-us-nyc",
)  # fmt: skip
"""eSpeak NG's English voices (accents): British, American, Scottish, received pronunciation,
Caribbean, Lancastrian, West Midlands and New York."""

VARIANTS = (
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
    "adam", "Alex", "Andy", "aunty", "belinda", "benjamin", "boris", "david", "ed",
    "edward", "grandma", "grandpa", "gustave", "ian", "iven", "john", "Lee", "linda", "max",
    "michel", "Mike", "norbert", "paul", "quincy", "rob", "robert", "shelby", "steph", "travis",
    "klatt", "klatt2", "klatt3", "steph2", "anika",
)  # fmt: skip
"""eSpeak NG voice variants (timbre, formants, breathiness) that sound like human speakers."""

_ESPEAK_RATE, _ESPEAK_PITCH, _ESPEAK_RANGE, _ESPEAK_WORDGAP = 1, 3, 4, 7
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_INSTALL_HINT = (
    "the eSpeak NG library could not be loaded; install the pip package that ships it: "
    "`pip install espeakng-loader` (no system package needed)."
)


class _Espeak:
    """The eSpeak NG library, loaded once per process and used under a lock."""

    _instance: _Espeak | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader

            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (ImportError, OSError, RuntimeError) as err:
            raise RuntimeError(f"{_INSTALL_HINT} ({type(err).__name__}: {err})") from err
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), 0)
        if rate <= 0:
            raise RuntimeError(f"{_INSTALL_HINT} (espeak_Initialize returned {rate})")
        self.lib, self.sample_rate = lib, int(rate)
        self._chunks: list[np.ndarray] = []
        callback_type = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
        )

        def collect(wav, n, events):  # called by the library with each block of samples
            if n > 0 and wav:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            return 0

        self._callback = callback_type(collect)  # keep a reference: the library holds a pointer
        lib.espeak_SetSynthCallback(self._callback)
        self._snapshot = _state_snapshot(lib, espeakng_loader.get_library_path())
        self.bit_exact = self._snapshot is not None

    @classmethod
    def get(cls) -> _Espeak:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def synth(
        self,
        text: str,
        voice: str,
        rate: int,
        pitch: int,
        pitch_range: int,
        gap: int,
        seed: int = 0,
    ):
        with self._lock:
            if self._snapshot is not None:  # same state before every utterance: same samples
                rand_state, saved = self._snapshot
                for address, content in saved:
                    ctypes.memmove(address, content, len(content))
                ctypes.c_uint32.from_address(rand_state).value = (seed * 2654435761 + 1) % 2**32
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"voice={voice!r} is not an eSpeak NG voice (+ variant).")
            for parameter, value in [
                (_ESPEAK_RATE, rate), (_ESPEAK_PITCH, pitch), (_ESPEAK_RANGE, pitch_range),
                (_ESPEAK_WORDGAP, gap),
            ]:  # fmt: skip
                self.lib.espeak_SetParameter(parameter, int(value), 0)
            self._chunks = []
            encoded = text.encode("utf-8")
            status = self.lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            if status != 0:
                raise RuntimeError(f"espeak_Synth failed with status {status} on {text!r}.")
            self.lib.espeak_Synchronize()
            chunks, self._chunks = self._chunks, []
        return np.concatenate(chunks) if chunks else np.zeros(0, np.int16)


# eSpeak NG keeps some synthesis state in static variables (the phase of its pitch "flutter", the
# memory of its breath and Klatt filters, an echo buffer, its own random generator), so the same
# call gives slightly different samples depending on what was spoken before. We save those
# variables right after initialisation and restore them before each utterance; the library
# ships with its symbol table, which tells where they are. Without it (another build), synthesis
# still works but is not bit-exact; cached datasets stay reproducible.
_STATE_VARIABLES = frozenset(
    "Flutter_ix rbreath agc amplitude2 cycle_count h_switch_sign maxh maxh2 peaks echo_buf "
    "echo_head echo_tail echo_complete glotlast noise nlast vlast skew time_count kt_globals "
    "kt_frame klattp klattp1 klattp_inc wdata n_samples ix prev_fr resume sourceix v2".split()
)


def _elf_symbols(path: str) -> list[tuple[str, int, int]]:
    """(name, offset, size) of the symbols in a 64-bit little-endian ELF file's ``.symtab``."""
    import struct

    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    out = []
    for sh in sections:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        names_at = sections[sh[6]][4]
        for off in range(sh[4], sh[4] + sh[5], 24):
            name_off, _, _, _, value, size = struct.unpack_from("<IBBHQQ", data, off)
            end = data.index(b"\0", names_at + name_off)
            out.append((data[names_at + name_off : end].decode(errors="replace"), value, size))
    return out


def _state_snapshot(lib: Any, path: str) -> tuple[int, list[tuple[int, bytes]]] | None:
    try:
        symbols = _elf_symbols(path)
        where = {name: value for name, value, _ in symbols}
        base = ctypes.cast(lib.espeak_Synth, ctypes.c_void_p).value - where["espeak_Synth"]
        saved = [
            (base + value, ctypes.string_at(base + value, size))
            for name, value, size in symbols
            if size > 0 and name.split(".")[0] in _STATE_VARIABLES
        ]
        return base + where["espeak_rand_state"], saved
    except (OSError, KeyError, ValueError, IndexError, TypeError):
        return None


def espeak_sample_rate() -> int:
    """The sample rate (Hz) at which eSpeak NG synthesises (22,050 Hz).

    Raises:
        RuntimeError: if the library cannot be loaded (says what to install).
    """
    return _Espeak.get().sample_rate


def _check_int_range(value: Any, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{label} must be an integer in [{low}, {high}]; got {value!r}.")
    if not low <= value <= high:
        raise ValueError(f"{label} must be an integer in [{low}, {high}]; got {value!r}.")
    return int(value)


def synthesize(
    text: str,
    *,
    voice: str = "en",
    variant: str | None = None,
    rate: int = 175,
    pitch: int = 50,
    pitch_range: int = 50,
    word_gap: int = 0,
    sample_rate: int = 8000,
    seed: int = 0,
) -> np.ndarray:
    """Speak ``text`` with eSpeak NG.

    The same arguments give the same samples (eSpeak's internal state, including its random
    generator, is reset before every utterance; ``seed`` seeds that generator).

    Args:
        text: what to say (non-empty).
        voice: an eSpeak NG voice, e.g. ``"en-us"`` (see ``ENGLISH_VOICES``).
        variant: a voice variant (speaker timbre), e.g. ``"f3"`` (see ``VARIANTS``), or None.
        rate: speaking rate in words per minute, 80 to 450.
        pitch: base pitch, 0 to 100 (50 is the voice's normal pitch).
        pitch_range: how much the pitch moves (intonation), 0 (monotone) to 100.
        word_gap: extra pause between words, in units of 10 ms (0 to 100).
        sample_rate: the returned signal's sample rate in Hz; it is resampled from eSpeak's
            22,050 Hz (4,000 to 22,050).
        seed: seed of eSpeak's random generator (breath noise, jitter), >= 0.

    Returns:
        The waveform, float32 in [-1, 1], shape ``(samples,)``.

    Raises:
        ValueError: for an empty text, an unknown voice or variant, or a value out of range.
        RuntimeError: if the eSpeak NG library cannot be loaded (says what to install).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty string; got {text!r}.")
    if not isinstance(voice, str) or not voice or "+" in voice:
        raise ValueError(f"voice must be a voice name such as 'en-us'; got {voice!r}.")
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"variant must be None or one of VARIANTS {VARIANTS}; got {variant!r}.")
    rate = _check_int_range(rate, "rate", 80, 450)
    pitch = _check_int_range(pitch, "pitch", 0, 100)
    pitch_range = _check_int_range(pitch_range, "pitch_range", 0, 100)
    word_gap = _check_int_range(word_gap, "word_gap", 0, 100)
    sample_rate = _check_int_range(sample_rate, "sample_rate", 4000, 22050)
    seed = _check_int_range(seed, "seed", 0, 2**63)
    engine = _Espeak.get()
    name = voice if variant is None else f"{voice}+{variant}"
    wave = engine.synth(text, name, rate, pitch, pitch_range, word_gap, seed).astype(np.float32)
    wave /= 32768.0
    if sample_rate != engine.sample_rate:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(sample_rate, engine.sample_rate)
        wave = resample_poly(wave, sample_rate // g, engine.sample_rate // g).astype(np.float32)
    return np.clip(wave, -1.0, 1.0)


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
        min_words, max_words: the number of words per transcript, drawn uniformly in
            ``[min_words, max_words]``.
        seed: random seed; the same seed gives the same transcripts.

    Returns:
        ``n`` strings of lower-case words separated by single spaces.

    Raises:
        ValueError: for a bad count, vocabulary or word range.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}.")
    words = _vocabulary(vocabulary)
    if not (isinstance(min_words, int) and isinstance(max_words, int) and 1 <= min_words):
        raise ValueError(f"min_words must be a positive integer; got {min_words!r}.")
    if max_words < min_words:
        raise ValueError(f"max_words must be >= min_words={min_words}; got {max_words!r}.")
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_words, max_words + 1, size=n)
    return [" ".join(words[i] for i in rng.integers(0, len(words), size=k)) for k in lengths]


def _vocabulary(vocabulary: str) -> tuple[str, ...]:
    if vocabulary == "digits":
        return DIGIT_WORDS
    if vocabulary == "commands":
        return DIGIT_WORDS + COMMAND_WORDS[:10]
    if vocabulary == "words":
        return DIGIT_WORDS + COMMAND_WORDS
    raise ValueError(f"vocabulary must be 'digits', 'commands' or 'words'; got {vocabulary!r}.")


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
    _check_int_range(n_test_variants, "n_test_variants", 1, len(VARIANTS) - 1)
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
    if not np.isfinite(snr_db):
        raise ValueError(f"snr_db must be a finite number or None; got {snr_db!r}.")
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
    """

    waves: list[np.ndarray]
    texts: list[str]
    speakers: list[str]
    snr_db: np.ndarray
    sample_rate: int
    params: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)

    def with_noise(self, snr_db: float | None, seed: int = 0) -> SpeechSet:
        """The same utterances with fresh noise at one SNR (None: the clean signals).

        Noise is added to the clean signals kept in ``clean`` (when present), not on top of the
        noise already there.
        """
        clean = self.params.get("_clean", self.waves)
        rng = np.random.default_rng(seed)
        waves = [add_noise(w, snr_db, rng) for w in clean]
        level = np.full(len(waves), np.inf if snr_db is None else float(snr_db))
        params = dict(self.params, snr_db=snr_db)
        return SpeechSet(
            waves, list(self.texts), list(self.speakers), level, self.sample_rate, params
        )

    def duration_seconds(self) -> np.ndarray:
        """Duration of each utterance in seconds, shape ``(n,)``."""
        return np.array([w.size / self.sample_rate for w in self.waves])

    def subset(self, keep: Any) -> SpeechSet:
        """The utterances selected by ``keep`` (a boolean mask ``(n,)`` or indices)."""
        index = np.arange(len(self))[np.asarray(keep)]
        params = dict(self.params)
        if "_clean" in params:
            params["_clean"] = [params["_clean"][i] for i in index]
        return SpeechSet(
            [self.waves[i] for i in index], [self.texts[i] for i in index],
            [self.speakers[i] for i in index], self.snr_db[index], self.sample_rate, params,
        )  # fmt: skip

    def num_frames(self, frame_ms: float = 25.0, step_ms: float = 10.0) -> np.ndarray:
        """Feature frames of each utterance (as ``log_mel_spectrogram`` makes them), ``(n,)``."""
        frame = int(round(self.sample_rate * frame_ms / 1000))
        step = int(round(self.sample_rate * step_ms / 1000))
        return np.array([max(0, 1 + (w.size - frame) // step) for w in self.waves])


def _default_cache_dir() -> Path:
    """``$COURSE_DATA_DIR/speech`` if set; else the repository's ``data/speech`` when the package
    runs from a checkout; else ``~/.cache/rnn-course/speech`` (e.g. installed on Colab)."""
    if os.environ.get("COURSE_DATA_DIR"):
        return Path(os.environ["COURSE_DATA_DIR"]) / "speech"
    repo_data = Path(__file__).resolve().parents[2] / "data"
    if (repo_data / "README.md").is_file():
        return repo_data / "speech"
    return Path.home() / ".cache" / "rnn-course" / "speech"


def _write_npz_atomic(path: Path, **arrays: np.ndarray) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)


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
    complete or absent; the noise (cheap) is added after loading.

    Args:
        n: number of utterances.
        split: ``"train"`` (training speakers) or ``"test"`` (held-out variants).
        vocabulary: ``"digits"``, ``"commands"`` or ``"words"`` (see ``random_transcripts``).
        min_words, max_words: words per utterance.
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
        A ``SpeechSet``; ``params["_clean"]`` keeps the clean waveforms.

    Raises:
        ValueError: for bad arguments.
        RuntimeError: if the eSpeak NG library cannot be loaded (says what to install).
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}.")
    for label, pair, low, high in [
        ("rates", rates, 80, 450), ("pitches", pitches, 0, 100),
        ("pitch_ranges", pitch_ranges, 0, 100), ("word_gaps", word_gaps, 0, 100),
    ]:  # fmt: skip
        if len(pair) != 2 or pair[0] > pair[1]:
            raise ValueError(f"{label} must be a (low, high) pair with low <= high; got {pair!r}.")
        for v in pair:
            _check_int_range(v, label, low, high)
    if snr_db is not None and not np.all(np.isfinite(np.atleast_1d(snr_db))):
        raise ValueError(f"snr_db must be None, a number or a (low, high) pair; got {snr_db!r}.")
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
        seed=seed, format=2,
    )  # fmt: skip
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    path = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
    path = path / f"speech_{split}_{n}_{key}.npz"
    clean = None
    if cache and path.exists():
        try:
            with np.load(path) as f:
                if str(f["key"]) == key:
                    samples, offsets = f["samples"], f["offsets"]
                    clean = [
                        samples[a:b].astype(np.float32) / 32767.0
                        for a, b in zip(offsets[:-1], offsets[1:])
                    ]
        except (OSError, ValueError, KeyError):
            clean = None  # a damaged cache is rebuilt
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
            quantised = [np.round(w * 32767.0).astype(np.int16) for w in clean]
            offsets = np.concatenate([[0], np.cumsum([q.size for q in quantised])])
            _write_npz_atomic(
                path, samples=np.concatenate(quantised), offsets=offsets, key=np.array(key)
            )
            clean = [q.astype(np.float32) / 32767.0 for q in quantised]
    if snr_db is None:
        levels = np.full(n, np.inf)
    elif np.ndim(snr_db) == 0:
        levels = np.full(n, float(snr_db))
    else:
        levels = rng.uniform(float(snr_db[0]), float(snr_db[1]), size=n)
    noise_rng = np.random.default_rng([seed, 3])
    waves = [add_noise(w, None if np.isinf(s) else s, noise_rng) for w, s in zip(clean, levels)]
    params = dict(params, snr_db=snr_db, settings=settings, cache_path=str(path), _clean=clean)
    return SpeechSet(waves, texts, speakers, levels, sample_rate, params)


def encode_texts(texts: list[str]) -> np.ndarray:
    """Encode transcripts as CTC labels, right-padded with 0.

    Args:
        texts: strings over ``ALPHABET``.

    Returns:
        int32 array ``(len(texts), longest)``; character ``ALPHABET[i]`` becomes ``i + 1``.

    Raises:
        ValueError: for an empty list, an empty text or a character outside ``ALPHABET``.
    """
    if len(texts) == 0:
        raise ValueError("texts must not be empty.")
    width = max(len(t) for t in texts)
    out = np.zeros((len(texts), width), dtype=np.int32)
    for row, text in enumerate(texts):
        if not text:
            raise ValueError(f"texts[{row}] is empty; CTC needs at least one label.")
        for col, ch in enumerate(text):
            index = ALPHABET.find(ch)
            if index < 0:
                raise ValueError(f"texts[{row}] has {ch!r}, which is not in ALPHABET.")
            out[row, col] = index + 1
    return out


def decode_labels(labels: Any) -> str:
    """Turn one sequence of labels back into text; 0 (blank/padding) and -1 are skipped.

    Args:
        labels: integers, shape ``(length,)``.

    Returns:
        The text.

    Raises:
        ValueError: for a label larger than ``len(ALPHABET)``.
    """
    chars = []
    for label in np.asarray(labels).reshape(-1):
        label = int(label)
        if label <= 0:
            continue
        if label > len(ALPHABET):
            raise ValueError(f"label {label} is outside 0..{len(ALPHABET)}.")
        chars.append(ALPHABET[label - 1])
    return "".join(chars)


def log_mel_spectrogram(
    wave: Any,
    *,
    sample_rate: int = 8000,
    frame_ms: float = 25.0,
    step_ms: float = 10.0,
    n_mels: int = 40,
    normalize: bool = True,
):
    """Log-mel spectrogram of one waveform, in TensorFlow (usable inside ``tf.data``).

    Short-time Fourier transform (Hann windows of ``frame_ms``, every ``step_ms``), power
    spectrum, a bank of ``n_mels`` triangular mel filters from 20 Hz to half the sample rate,
    ``log(mel + 1e-3)`` (the floor, about 40 dB below the loudest bands of speech at full
    scale, makes digital silence and very faint noise look alike); with ``normalize`` each mel
    channel is shifted and scaled to mean 0 and standard deviation 1 over the utterance
    (per-utterance mean and variance normalisation, which removes most of a speaker's and a
    channel's constant colouring).

    Args:
        wave: float waveform, shape ``(samples,)``.
        sample_rate: Hz.
        frame_ms, step_ms: window length and hop in milliseconds.
        n_mels: number of mel channels.
        normalize: normalise each channel over time.

    Returns:
        A float32 tensor ``(frames, n_mels)`` with ``frames = 1 + (samples - frame) // step``.

    Raises:
        ValueError: for non-positive sizes.
    """
    import tensorflow as tf

    if not (frame_ms > 0 and step_ms > 0 and n_mels >= 1 and sample_rate > 0):
        raise ValueError(
            "frame_ms, step_ms, sample_rate must be positive and n_mels >= 1; got "
            f"{frame_ms}, {step_ms}, {sample_rate}, {n_mels}."
        )
    frame = int(round(sample_rate * frame_ms / 1000))
    step = int(round(sample_rate * step_ms / 1000))
    fft_length = int(2 ** np.ceil(np.log2(frame)))
    wave = tf.convert_to_tensor(wave, tf.float32)
    stft = tf.signal.stft(wave, frame, step, fft_length=fft_length, pad_end=False)
    power = tf.square(tf.abs(stft))
    mel_matrix = tf.signal.linear_to_mel_weight_matrix(
        n_mels, fft_length // 2 + 1, sample_rate, 20.0, sample_rate / 2
    )
    mel = tf.math.log(tf.matmul(power, mel_matrix) + 1e-3)
    if normalize:
        mean, var = tf.nn.moments(mel, axes=[0], keepdims=True)
        mel = (mel - mean) / tf.sqrt(var + 1e-5)
    return mel


def speech_dataset(
    speech: SpeechSet,
    *,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int = 0,
    n_mels: int = 40,
    pad_to_multiple: int = 4,
    augment: bool = False,
    max_time_mask: int = 10,
    max_freq_mask: int = 6,
):
    """A ``tf.data`` pipeline: waveform -> normalised log-mel features, text -> CTC labels.

    Features are computed in the pipeline (``log_mel_spectrogram``); utterances are sorted into
    buckets of similar length when shuffling is off, and padded per batch: features with zeros
    (the mean, after normalisation) to a multiple of ``pad_to_multiple`` frames, labels with 0.

    Args:
        speech: the utterances.
        batch_size: utterances per batch.
        shuffle: shuffle every epoch (seeded).
        seed: shuffling seed.
        n_mels: mel channels.
        pad_to_multiple: pad the frame count of each batch to a multiple of this (the model's
            total time stride).
        augment: SpecAugment-style masking for training: two bands of up to
            ``max_freq_mask`` mel channels and two spans of up to ``max_time_mask`` frames are
            set to 0 (the mean), at random places drawn afresh every epoch (seeded).
        max_time_mask, max_freq_mask: the largest masks.

    Returns:
        A dataset of ``(features (batch, frames, n_mels), labels (batch, longest text))``.

    Raises:
        ValueError: for an empty set or a bad batch size.
    """
    import tensorflow as tf

    if len(speech) == 0:
        raise ValueError("speech is empty.")
    _check_int_range(batch_size, "batch_size", 1, 1 << 20)
    _check_int_range(pad_to_multiple, "pad_to_multiple", 1, 64)
    labels = encode_texts(speech.texts)
    lengths = np.array([w.size for w in speech.waves])
    order = np.arange(len(speech)) if shuffle else np.argsort(lengths, kind="stable")
    waves = tf.RaggedTensor.from_row_lengths(
        np.concatenate([speech.waves[i] for i in order]).astype(np.float32), lengths[order]
    )
    rows = [labels[i][labels[i] > 0] for i in order]
    label_rows = tf.RaggedTensor.from_row_lengths(
        np.concatenate(rows).astype(np.int32), [r.size for r in rows]
    )
    ds = tf.data.Dataset.from_tensor_slices((waves, label_rows))
    if shuffle:
        ds = ds.shuffle(len(speech), seed=seed, reshuffle_each_iteration=True)
    rate = speech.sample_rate

    def features(wave, label):
        mel = log_mel_spectrogram(wave, sample_rate=rate, n_mels=n_mels)
        return mel, label

    def pad_frames(mel, label):
        frames = tf.shape(mel)[1]
        extra = (-frames) % pad_to_multiple
        return tf.pad(mel, [[0, 0], [0, extra], [0, 0]]), label

    ds = ds.map(features, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if augment:
        _check_int_range(max_time_mask, "max_time_mask", 0, 1000)
        _check_int_range(max_freq_mask, "max_freq_mask", 0, n_mels)
        noise = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, noise.batch(2)))

        def mask(pair, randoms):
            mel, label = pair
            frames = tf.shape(mel)[0]
            keep = tf.ones_like(mel)
            draws = tf.random.stateless_uniform([8], seed=randoms, dtype=tf.float32)
            for k in range(2):
                width = tf.cast(draws[4 * k] * (max_freq_mask + 1), tf.int32)
                start = tf.cast(
                    draws[4 * k + 1] * tf.cast(n_mels - width + 1, tf.float32), tf.int32
                )
                band = tf.range(n_mels)
                keep *= tf.cast((band < start) | (band >= start + width), tf.float32)[None, :]
                span = tf.minimum(tf.cast(draws[4 * k + 2] * (max_time_mask + 1), tf.int32), frames)
                begin = tf.cast(draws[4 * k + 3] * tf.cast(frames - span + 1, tf.float32), tf.int32)
                steps = tf.range(frames)
                keep *= tf.cast((steps < begin) | (steps >= begin + span), tf.float32)[:, None]
            return mel * keep, label

        ds = ds.map(mask, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.padded_batch(batch_size, padded_shapes=([None, n_mels], [None]))
    return ds.map(pad_frames).prefetch(tf.data.AUTOTUNE)


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
    if n is not None:
        _check_int_range(n, "n", 1, 1 << 30)
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
    from math import gcd

    from scipy.signal import resample_poly

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
        g = gcd(sample_rate, 22050)
        waves.append(resample_poly(wave, sample_rate // g, 22050 // g).astype(np.float32))
        texts.append(text)
    levels = np.full(len(texts), np.inf)
    return SpeechSet(waves, texts, ["LJ"] * len(texts), levels, sample_rate, {"split": split})
