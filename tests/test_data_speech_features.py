"""Speech features: CTC labels, log-mel spectrograms and the tf.data pipeline."""

import numpy as np
import pytest

from course_lib.data.speech import dataset, engine, features


def test_encode_and_decode_texts():
    labels = features.encode_texts(["go", "red cat"])
    assert labels.shape == (2, 7) and labels[0, 2:].sum() == 0
    assert labels.min() >= 0 and labels[labels > 0].min() >= 1
    assert features.decode_labels(labels[1]) == "red cat"
    assert features.decode_labels([-1, 8, 0, 16, -1]) == "go"
    with pytest.raises(ValueError, match="ALPHABET"):
        features.encode_texts(["Go!"])
    with pytest.raises(ValueError, match="empty"):
        features.encode_texts([""])


def test_log_mel_features_and_pipeline():
    wave = engine.synthesize("seven", sample_rate=8000)
    mel = np.asarray(features.log_mel_spectrogram(wave, sample_rate=8000, n_mels=20))
    assert mel.shape == (1 + (wave.size - 200) // 80, 20)
    assert np.allclose(mel.mean(0), 0, atol=1e-3) and np.allclose(mel.std(0), 1, atol=1e-2)
    with pytest.raises(ValueError, match="step_ms"):
        features.log_mel_spectrogram(wave, step_ms=0)
    data = dataset.load_synthetic_speech(10, seed=2, cache=False)
    ds = features.speech_dataset(data, batch_size=4, n_mels=20, pad_to_multiple=4)
    batches = list(ds)
    assert len(batches) == 3
    x, y = batches[0]
    assert x.shape[0] == 4 and x.shape[2] == 20 and x.shape[1] % 4 == 0
    decoded = sorted(features.decode_labels(row) for b in batches for row in b[1].numpy())
    assert decoded == sorted(data.texts)
    with pytest.raises(ValueError, match="batch_size"):
        features.speech_dataset(data, batch_size=0)


def test_frame_counts_match_the_features():
    data = dataset.load_synthetic_speech(6, seed=3, cache=False)
    for wave, n in zip(data.waves, data.num_frames()):
        assert n == len(features.log_mel_spectrogram(wave, sample_rate=8000, n_mels=8))
