"""From speech to what a CTC model reads: transcripts as labels, waveforms as log-mel features.

Text is encoded with ``ALPHABET``: the label of character ``ALPHABET[i]`` is ``i + 1``, and label
0 is the CTC blank (which Keras' CTC loss also uses as padding). ``log_mel_spectrogram`` runs in
TensorFlow so that ``speech_dataset`` computes features inside a ``tf.data`` pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from course_lib._args import finite_float, int_in_range, positive_int

if TYPE_CHECKING:
    from course_lib.data.speech.dataset import SpeechSet

__all__ = [
    "ALPHABET",
    "encode_texts",
    "decode_labels",
    "log_mel_spectrogram",
    "speech_dataset",
]

ALPHABET = " abcdefghijklmnopqrstuvwxyz'"
"""The characters a transcript may use; label ``i + 1`` is ``ALPHABET[i]``, label 0 the blank."""


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
) -> Any:
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
        frame_ms: window length in milliseconds.
        step_ms: hop between windows in milliseconds.
        n_mels: number of mel channels.
        normalize: normalise each channel over time.

    Returns:
        A float32 tensor ``(frames, n_mels)`` with ``frames = 1 + (samples - frame) // step``.

    Raises:
        ValueError: for non-positive sizes.
    """
    import tensorflow as tf

    sample_rate = positive_int(sample_rate, "sample_rate")
    frame_ms = finite_float(frame_ms, "frame_ms", above=0.0)
    step_ms = finite_float(step_ms, "step_ms", above=0.0)
    n_mels = positive_int(n_mels, "n_mels")
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
) -> Any:
    """A ``tf.data`` pipeline: waveform -> normalised log-mel features, text -> CTC labels.

    Features are computed in the pipeline (``log_mel_spectrogram``) in the first epoch and kept
    in memory for the next ones; utterances are sorted into buckets of similar length when
    shuffling is off, and padded per batch: features with zeros (the mean, after normalisation)
    to a multiple of ``pad_to_multiple`` frames, labels with 0.

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
        max_time_mask: the longest time mask, in frames.
        max_freq_mask: the widest frequency mask, in mel channels.

    Returns:
        A dataset of ``(features (batch, frames, n_mels), labels (batch, longest text))``.

    Raises:
        ValueError: for an empty set or a bad batch size.
    """
    import tensorflow as tf

    if len(speech) == 0:
        raise ValueError("speech is empty.")
    batch_size = positive_int(batch_size, "batch_size")
    pad_to_multiple = int_in_range(pad_to_multiple, "pad_to_multiple", 1, 64)
    n_mels = positive_int(n_mels, "n_mels")
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
    rate = speech.sample_rate

    def features(wave: Any, label: Any) -> tuple[Any, Any]:
        mel = log_mel_spectrogram(wave, sample_rate=rate, n_mels=n_mels)
        return mel, label

    def pad_frames(mel: Any, label: Any) -> tuple[Any, Any]:
        frames = tf.shape(mel)[1]
        extra = (-frames) % pad_to_multiple
        return tf.pad(mel, [[0, 0], [0, extra], [0, 0]]), label

    # The features are the same every epoch: compute them in the first and keep them in memory
    # (utterances x frames x n_mels floats). Shuffling after the cache gives the order it would
    # give before it.
    ds = ds.map(features, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).cache()
    if shuffle:
        ds = ds.shuffle(len(speech), seed=seed, reshuffle_each_iteration=True)
    if augment:
        max_time_mask = int_in_range(max_time_mask, "max_time_mask", 0, 1000)
        max_freq_mask = int_in_range(max_freq_mask, "max_freq_mask", 0, n_mels)
        noise = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, noise.batch(2)))

        def mask(pair: tuple[Any, Any], randoms: Any) -> tuple[Any, Any]:
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
