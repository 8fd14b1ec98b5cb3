"""Synthesised speech from eSpeak NG (``espeakng-loader``), offline (notebook 10).

The pip package ``espeakng-loader`` ships the eSpeak NG speech synthesiser as a shared library
together with its voice data, so a speech-recognition dataset with many speakers can be made on
any machine without a download. Three modules, all of whose public names are available here:

- ``engine``: the synthesiser, driven through ``ctypes``: ``synthesize`` one utterance for a
  voice (accent) and a variant (speaker timbre), a speaking rate, a pitch, a pitch range and a
  gap between words; the same arguments always give the same samples.
- ``dataset``: ``random_transcripts``, ``speaker_split`` (test timbres never heard in training),
  ``add_noise``, ``load_synthetic_speech`` (a seeded, cached ``SpeechSet``) and ``load_ljspeech``
  (the full profile's public dataset through tensorflow-datasets).
- ``features``: ``ALPHABET`` and the CTC labels (``encode_texts``, ``decode_labels``),
  ``log_mel_spectrogram`` and the ``tf.data`` pipeline ``speech_dataset``.

Text is encoded with ``ALPHABET``: the label of character ``ALPHABET[i]`` is ``i + 1``, and label
0 is the CTC blank (which Keras' CTC loss also uses as padding).
"""

from course_lib.data.speech.dataset import (
    COMMAND_WORDS,
    DIGIT_WORDS,
    SpeechSet,
    add_noise,
    load_ljspeech,
    load_synthetic_speech,
    random_transcripts,
    speaker_split,
)
from course_lib.data.speech.engine import (
    ENGLISH_VOICES,
    VARIANTS,
    espeak_sample_rate,
    resample,
    synthesize,
)
from course_lib.data.speech.features import (
    ALPHABET,
    decode_labels,
    encode_texts,
    log_mel_spectrogram,
    speech_dataset,
)

__all__ = [
    "ALPHABET",
    "DIGIT_WORDS",
    "COMMAND_WORDS",
    "ENGLISH_VOICES",
    "VARIANTS",
    "SpeechSet",
    "espeak_sample_rate",
    "synthesize",
    "resample",
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
