"""The speech package: every public name of its three modules is importable from it."""

import importlib

from course_lib.data import speech

# the names notebook 10 and the course have imported from course_lib.data.speech
PUBLIC = """ALPHABET DIGIT_WORDS COMMAND_WORDS ENGLISH_VOICES VARIANTS SpeechSet espeak_sample_rate
synthesize random_transcripts speaker_split add_noise load_synthetic_speech encode_texts
decode_labels log_mel_spectrogram speech_dataset load_ljspeech""".split()


def test_public_names_are_importable_from_the_package():
    assert set(PUBLIC) <= set(speech.__all__)
    for name in speech.__all__:
        assert hasattr(speech, name), name


def test_each_name_is_the_object_its_module_defines():
    for module_name in ("engine", "dataset", "features"):
        module = importlib.import_module(f"course_lib.data.speech.{module_name}")
        for name in module.__all__:
            assert getattr(speech, name) is getattr(module, name), (module_name, name)
    assert speech.DIGIT_WORDS is importlib.import_module("course_lib.data.scenes").DIGIT_WORDS
