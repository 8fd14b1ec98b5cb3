"""The eSpeak NG engine: synthesis, argument checks, and bit-exact, safely restored state."""

import ctypes
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest

from course_lib.data.speech import engine


def test_synthesize_gives_speech_at_the_asked_rate():
    wave = engine.synthesize("three seven", voice="en-us", variant="f2", sample_rate=8000)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert 0.3 < wave.size / 8000 < 2.0
    assert 0.05 < np.abs(wave).max() <= 1.0
    native = engine.synthesize("three seven", voice="en-us", variant="f2", sample_rate=22050)
    assert engine.espeak_sample_rate() == 22050
    assert abs(native.size / 22050 - wave.size / 8000) < 0.01


def test_rate_voice_and_gap_change_the_signal():
    base = engine.synthesize("one two three four", rate=175)
    fast = engine.synthesize("one two three four", rate=300)
    gaps = engine.synthesize("one two three four", rate=175, word_gap=20)
    assert fast.size < 0.8 * base.size
    assert gaps.size > base.size + 3 * 0.15 * 8000
    other = engine.synthesize("one two three four", voice="en-gb-scotland", variant="m3")
    assert other.size != base.size or not np.allclose(other, base)


def test_synthesize_rejects_bad_arguments():
    with pytest.raises(ValueError, match="text"):
        engine.synthesize("  ")
    with pytest.raises(ValueError, match="variant"):
        engine.synthesize("one", variant="nobody")
    with pytest.raises(ValueError, match=r"rate must be an integer in \[80, 450\]; got 20"):
        engine.synthesize("one", rate=20)
    with pytest.raises(ValueError, match="pitch"):
        engine.synthesize("one", pitch=True)
    with pytest.raises(ValueError, match="voice"):
        engine.synthesize("one", voice="xx-nowhere")


def test_missing_library_says_what_to_install(monkeypatch):
    import espeakng_loader

    monkeypatch.setattr(engine._Espeak, "_instance", None)
    monkeypatch.setattr(espeakng_loader, "get_library_path", lambda: "/nonexistent/libespeak.so")
    with pytest.raises(RuntimeError, match="pip install espeakng-loader"):
        engine.synthesize("one")


# Bit-exact synthesis ---------------------------------------------------------------------------

SAYINGS = [  # (text, voice, variant): plain, Klatt and breathy voices
    ("one two three", "en", None),
    ("four five six seven", "en-us", "klatt3"),
    ("stop the music", "en-gb-scotland", "m3"),
    ("open the door", "en-029", "f2"),
]


def test_same_arguments_give_the_same_samples_whatever_came_before():
    assert engine._Espeak.get().bit_exact
    first = [engine.synthesize(t, voice=v, variant=var) for t, v, var in SAYINGS]
    for text, voice, variant in reversed(SAYINGS):  # another order, other predecessors
        again = engine.synthesize(text, voice=voice, variant=variant)
        assert np.array_equal(again, first[SAYINGS.index((text, voice, variant))])
    seeded = engine.synthesize("one two three", variant="klatt", seed=7)
    assert np.array_equal(seeded, engine.synthesize("one two three", variant="klatt", seed=7))


def test_restoring_the_state_is_what_makes_synthesis_exact(monkeypatch):
    """Without the restore, what was spoken before changes the samples (so the test above has
    power); synthesis itself still works."""
    espeak = engine._Espeak.get()
    changed = 0
    for text, voice, variant in SAYINGS:
        exact = engine.synthesize(text, voice=voice, variant=variant)
        with monkeypatch.context() as m:
            m.setattr(espeak, "_snapshot", None)
            engine.synthesize("yes no up down left right", voice="en-us-nyc", variant="klatt2")
            drifted = engine.synthesize(text, voice=voice, variant=variant)
        assert drifted.size > 0.9 * exact.size
        changed += not np.array_equal(drifted, exact)
    assert changed >= 3


def test_a_fresh_process_synthesises_the_same_samples(tmp_path):
    """What one process synthesises (and caches) is what another would: compare with a new
    interpreter that loads only the engine module and speaks something else first."""
    out = tmp_path / "wave.npy"
    script = textwrap.dedent(
        f"""
        import importlib.util, numpy as np
        spec = importlib.util.spec_from_file_location("probe", {str(Path(engine.__file__))!r})
        probe = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(probe)
        probe.synthesize("nine eight", voice="en-us", variant="klatt2")
        np.save({str(out)!r}, probe.synthesize("stop the music", voice="en-gb-scotland",
                                                variant="m3", seed=3))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    here = engine.synthesize("stop the music", voice="en-gb-scotland", variant="m3", seed=3)
    assert np.array_equal(np.load(out), here)


def _sym(name, kind=engine._STT_OBJECT, section=".bss", value=0x1000, size=4):
    return engine._Symbol(name, value, size, kind, section)


def test_only_data_objects_inside_data_or_bss_are_restored():
    valid = [
        _sym(f"{name}.{i}", value=0x1000 + 8 * i) for i, name in enumerate(engine._STATE_VARIABLES)
    ]
    decoys = [
        _sym("noise", kind=engine._STT_FUNC, section=".text"),  # a function of the same name
        _sym("peaks", section=".data.rel.ro"),  # read-only after relocation
        _sym("ix.99", section=""),  # not wholly inside any section
        _sym("v2", size=0),
        _sym("unrelated_counter"),
        _sym("wdata", kind=0, section=".data"),  # STT_NOTYPE
    ]
    assert engine._state_symbols(decoys + valid) == valid
    with pytest.raises(engine._NoSnapshot, match="Flutter_ix"):
        engine._state_symbols([s for s in valid if not s.name.startswith("Flutter_ix")] + decoys)


def test_the_real_library_state_is_all_data_objects():
    import espeakng_loader

    symbols = engine._elf_symbols(espeakng_loader.get_library_path())
    chosen = engine._state_symbols(symbols)
    assert {s.name.split(".")[0] for s in chosen} == engine._STATE_VARIABLES
    assert all(s.kind == engine._STT_OBJECT and s.section in (".data", ".bss") for s in chosen)
    snapshot = engine._Espeak.get()._snapshot
    assert len(snapshot.saved) == len(chosen)
    assert sum(len(content) for _, content in snapshot.saved) == sum(s.size for s in chosen)


def test_snapshot_refuses_a_file_that_is_not_the_loaded_library(tmp_path):
    espeak = engine._Espeak.get()
    not_elf = tmp_path / "lib.so"
    not_elf.write_bytes(b"MZ not an ELF file")
    with pytest.raises(engine._NoSnapshot, match="not a 64-bit"):
        engine._state_snapshot(espeak.lib, not_elf)
    import _ctypes  # another ELF file, without eSpeak's functions

    with pytest.raises(engine._NoSnapshot):
        engine._state_snapshot(espeak.lib, _ctypes.__file__)
    import espeakng_loader

    fake = types.SimpleNamespace(
        **{name: ctypes.c_void_p(4096 * (i + 1)) for i, name in enumerate(engine._ANCHORS)}
    )
    with pytest.raises(engine._NoSnapshot, match="not the library that was loaded"):
        engine._state_snapshot(fake, espeakng_loader.get_library_path())


def test_no_snapshot_means_a_warning_not_a_crash(tmp_path):
    not_elf = tmp_path / "lib.so"
    not_elf.write_bytes(b"")
    with pytest.warns(RuntimeWarning, match="not bit-exact"):
        assert engine._take_snapshot(engine._Espeak.get().lib, not_elf) is None
