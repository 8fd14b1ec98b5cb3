"""The eSpeak NG speech synthesiser, driven through ``ctypes`` (no system package needed).

The pip package ``espeakng-loader`` ships eSpeak NG as a shared library with its voice data.
``synthesize`` speaks one utterance (about a millisecond of work) for a voice (accent), a variant
(speaker timbre), a speaking rate, a pitch, a pitch range and a gap between words.

Bit-exact synthesis. eSpeak NG keeps some synthesis state in static variables of the library
(the phase of its pitch "flutter", the memory of its breath and Klatt filters, an echo buffer,
its random generator), so the same call gives slightly different samples depending on what was
spoken before. Right after initialisation the engine copies those variables, and before every
utterance it writes the copies back, so an utterance's samples depend on its arguments only.
The variables are found in the library's symbol table (it ships with one). Only symbols that
are data objects (``STT_OBJECT``) lying wholly inside the library's ``.data`` or ``.bss``
section are touched, the load address is checked against four exported functions, and every
listed variable must be found; otherwise nothing is written, synthesis still works, and a
warning says it is not bit-exact (cached datasets stay reproducible either way).
"""

from __future__ import annotations

import ctypes
import struct
import threading
import warnings
from math import gcd
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from course_lib._args import choice, int_in_range

__all__ = ["ENGLISH_VOICES", "VARIANTS", "espeak_sample_rate", "resample", "synthesize"]

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

# The static variables that carry state from one utterance to the next (C static locals appear
# in the symbol table as ``name.<number>``).
_STATE_VARIABLES = frozenset(
    "Flutter_ix rbreath agc amplitude2 cycle_count h_switch_sign maxh maxh2 peaks echo_buf "
    "echo_head echo_tail echo_complete glotlast noise nlast vlast skew time_count kt_globals "
    "kt_frame klattp klattp1 klattp_inc wdata n_samples ix prev_fr resume sourceix v2".split()
)
_RAND_STATE = "espeak_rand_state"
# exported functions whose addresses must all give the same load address
_ANCHORS = ("espeak_Synth", "espeak_Initialize", "espeak_SetParameter", "espeak_Synchronize")
_STT_OBJECT, _STT_FUNC = 1, 2
_SHT_SYMTAB = 2
# sections that hold plain writable data; .data.rel.ro and .got are made read-only after loading
_DATA_SECTIONS = (".data", ".bss")


class _Symbol(NamedTuple):
    """One entry of an ELF symbol table."""

    name: str
    value: int  # address relative to the load address
    size: int  # bytes
    kind: int  # STT_OBJECT, STT_FUNC, ...
    section: str  # the name of the section it lies wholly inside ("" if none)


class _NoSnapshot(Exception):
    """The library's state variables cannot be located safely; the reason is the message."""


def _elf_symbols(path: str | Path) -> list[_Symbol]:
    """The symbols of a 64-bit little-endian ELF file's ``.symtab``.

    Raises:
        _NoSnapshot: for a file that is not such an ELF file or has no symbol table.
    """
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4:6] != b"\x02\x01":
        raise _NoSnapshot(f"{path} is not a 64-bit little-endian ELF file")
    try:
        (shoff,) = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        sections = [
            struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
        ]

        def string(table: int, offset: int) -> str:
            start = sections[table][4] + offset
            return data[start : data.index(b"\0", start)].decode(errors="replace")

        names = [string(shstrndx, sh[0]) for sh in sections]
        out = []
        for sh in sections:
            if sh[1] != _SHT_SYMTAB:
                continue
            for off in range(sh[4], sh[4] + sh[5], 24):
                name_off, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", data, off)
                section = ""
                if 0 < shndx < len(sections):
                    start, length = sections[shndx][3], sections[shndx][5]
                    if start <= value and value + size <= start + length:
                        section = names[shndx]
                out.append(_Symbol(string(sh[6], name_off), value, size, info & 0xF, section))
    except (struct.error, ValueError, IndexError) as err:
        raise _NoSnapshot(f"cannot parse the ELF sections of {path}: {err}") from err
    if not out:
        raise _NoSnapshot(f"{path} has no symbol table")
    return out


def _state_symbols(symbols: list[_Symbol]) -> list[_Symbol]:
    """The symbols to save and restore: data objects named in ``_STATE_VARIABLES``.

    Only objects lying inside ``.data`` or ``.bss`` are chosen; functions, read-only data and
    anything else never are.

    Raises:
        _NoSnapshot: if some state variable is not found among them.
    """
    chosen = [
        s
        for s in symbols
        if s.kind == _STT_OBJECT
        and s.section in _DATA_SECTIONS
        and s.size > 0
        and s.name.split(".")[0] in _STATE_VARIABLES
    ]
    missing = _STATE_VARIABLES - {s.name.split(".")[0] for s in chosen}
    if missing:
        raise _NoSnapshot(f"state variables not found as data objects: {sorted(missing)}")
    return chosen


class _Snapshot(NamedTuple):
    rand_state: int  # address of the library's random generator state (uint32)
    saved: list[tuple[int, bytes]]  # (address, content right after initialisation)


def _state_snapshot(lib: Any, path: str | Path) -> _Snapshot:
    """Copy the library's state variables (see the module docstring).

    Raises:
        _NoSnapshot: if they cannot be located safely.
    """
    symbols = _elf_symbols(path)
    functions = {s.name: s.value for s in symbols if s.kind == _STT_FUNC}
    bases = set()
    for name in _ANCHORS:
        if name not in functions:
            raise _NoSnapshot(f"{path} has no function {name}")
        address = ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
        if address is None:
            raise _NoSnapshot(f"{path}: the loaded library's {name} is a null pointer")
        bases.add(address - functions[name])
    if len(bases) != 1:
        raise _NoSnapshot(f"{path} is not the library that was loaded (its addresses differ)")
    (base,) = bases
    rand = [
        s
        for s in symbols
        if s.name == _RAND_STATE
        and s.kind == _STT_OBJECT
        and s.section in _DATA_SECTIONS
        and s.size == 4
    ]
    if len(rand) != 1:
        raise _NoSnapshot(f"{_RAND_STATE} not found as one 4-byte data object")
    saved = [
        (base + s.value, ctypes.string_at(base + s.value, s.size)) for s in _state_symbols(symbols)
    ]
    return _Snapshot(base + rand[0].value, saved)


def _take_snapshot(lib: Any, path: str | Path) -> _Snapshot | None:
    """``_state_snapshot``, or None with a warning when the state cannot be located safely."""
    try:
        return _state_snapshot(lib, path)
    except (_NoSnapshot, OSError) as err:
        warnings.warn(
            f"eSpeak NG synthesis is not bit-exact with this build of the library ({err}); "
            "the same arguments can give slightly different samples.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None


class _Espeak:
    """The eSpeak NG library, loaded once per process and used under a lock."""

    _instance: _Espeak | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader

            path = espeakng_loader.get_library_path()
            lib = ctypes.CDLL(path)
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

        def collect(wav: Any, n: int, events: Any) -> int:  # called with each block of samples
            if n > 0 and wav:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            return 0

        self._callback = callback_type(collect)  # keep a reference: the library holds a pointer
        lib.espeak_SetSynthCallback(self._callback)
        self._snapshot = _take_snapshot(lib, path)
        self.bit_exact = self._snapshot is not None

    @classmethod
    def get(cls) -> _Espeak:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def synth(
        self, text: str, voice: str, rate: int, pitch: int, pitch_range: int, gap: int, seed: int
    ) -> np.ndarray:
        """int16 samples at ``sample_rate`` for one utterance (arguments already checked)."""
        with self._lock:
            if self._snapshot is not None:  # the same state before every utterance
                for address, content in self._snapshot.saved:
                    ctypes.memmove(address, content, len(content))
                rand_state = ctypes.c_uint32.from_address(self._snapshot.rand_state)
                rand_state.value = (seed * 2654435761 + 1) % 2**32
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


def espeak_sample_rate() -> int:
    """The sample rate (Hz) at which eSpeak NG synthesises (22,050 Hz).

    Returns:
        Samples per second.

    Raises:
        RuntimeError: if the library cannot be loaded (says what to install).
    """
    return _Espeak.get().sample_rate


def resample(wave: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample a waveform by a rational factor (polyphase filtering, ``scipy.signal``).

    Args:
        wave: float waveform, shape ``(samples,)``.
        rate_in: the input's sample rate in Hz.
        rate_out: the output's sample rate in Hz.

    Returns:
        float32 waveform at ``rate_out``, shape ``(about samples * rate_out / rate_in,)``.
    """
    if rate_in == rate_out:
        return np.asarray(wave, dtype=np.float32)
    from scipy.signal import resample_poly

    g = gcd(rate_out, rate_in)
    return resample_poly(wave, rate_out // g, rate_in // g).astype(np.float32)


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

    The same arguments give the same samples, whatever was spoken before (eSpeak's internal
    state, including its random generator, is reset before every utterance; ``seed`` seeds that
    generator).

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
    if variant is not None:
        choice(variant, "variant (or None)", VARIANTS)
    rate = int_in_range(rate, "rate", 80, 450)
    pitch = int_in_range(pitch, "pitch", 0, 100)
    pitch_range = int_in_range(pitch_range, "pitch_range", 0, 100)
    word_gap = int_in_range(word_gap, "word_gap", 0, 100)
    sample_rate = int_in_range(sample_rate, "sample_rate", 4000, 22050)
    seed = int_in_range(seed, "seed", 0, 2**63)
    engine = _Espeak.get()
    name = voice if variant is None else f"{voice}+{variant}"
    wave = engine.synth(text, name, rate, pitch, pitch_range, word_gap, seed).astype(np.float32)
    wave /= 32768.0
    return np.clip(resample(wave, engine.sample_rate, sample_rate), -1.0, 1.0)
