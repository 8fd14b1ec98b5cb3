"""Every model builder works under Keras' ``mixed_float16`` policy (COURSE_MIXED_PRECISION=1).

Each builder's examples (``tests/builder_examples.py``) are built under the policy, compiled, and
trained for one step on small random inputs: the loss must be finite, the outputs float32 (the
output layers compute in float32, as Keras' mixed-precision guide advises) and free of NaN/inf,
and so must the weights after the step. The inference paths the notebooks use (seq2seq greedy
decoding, the CTC model's predict and decoding) are checked under the policy too.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from builder_examples import EXAMPLES, builder_names, missing_example_message, variants

import course_lib.models
from course_lib import decoding

# builder name -> why its outputs may follow the policy's float16
FLOAT16_OUTPUTS: dict[str, str] = {
    "build_image_encoder_model": "its outputs are features that another model reads, not scores",
}


@pytest.fixture
def mixed_float16():
    keras.mixed_precision.set_global_policy("mixed_float16")
    yield
    keras.mixed_precision.set_global_policy("float32")


def random_inputs(model: keras.Model, rng: np.random.Generator, batch: int = 2, time: int = 6):
    """Inputs of the model's shapes (free sizes set to ``time``); ids drawn from 1 and 2."""
    xs = []
    for tensor in model.inputs:
        shape = (batch, *(time if d is None else d for d in tensor.shape[1:]))
        if "int" in str(tensor.dtype):
            xs.append(rng.integers(1, 3, size=shape).astype(tensor.dtype))
        else:
            xs.append(rng.random(size=shape, dtype=np.float32))
    return xs[0] if len(xs) == 1 else xs


def _as_list(outputs) -> list[np.ndarray]:
    return [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


@pytest.mark.parametrize("name", builder_names())
def test_builder_trains_under_mixed_float16(name, mixed_float16):
    if name not in EXAMPLES:
        pytest.fail(missing_example_message(name, "test_mixed_precision.py"))
    rng = np.random.default_rng(0)
    for kwargs in variants(name):
        model = getattr(course_lib.models, name)(**kwargs)
        assert model.dtype_policy.name == "mixed_float16", "the builder ignored the global policy"
        x = random_inputs(model, rng)
        outputs = _as_list(model(x, training=False))
        if name not in FLOAT16_OUTPUTS:
            dtypes = [str(o.dtype) for o in outputs]
            assert dtypes == ["float32"] * len(outputs), f"{name}(**{kwargs}) outputs {dtypes}"
        targets = [rng.normal(size=o.shape).astype("float32") for o in outputs]
        # eager: one step does not repay the time it takes to trace a graph
        model.compile(keras.optimizers.Adam(1e-3), loss=["mse"] * len(targets), run_eagerly=True)
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
        loss = np.asarray(model.train_on_batch(x, targets), dtype=np.float64)
        assert np.isfinite(loss).all(), f"{name}(**{kwargs}): loss {loss}"
        for out in _as_list(model(x, training=False)):
            assert np.isfinite(out.astype(np.float32)).all(), f"{name}(**{kwargs}): NaN/inf out"
        for weight in model.weights:
            assert np.isfinite(np.asarray(weight, np.float32)).all(), f"{weight.path} not finite"


def test_seq2seq_greedy_decoding_under_mixed_float16(mixed_float16):
    rng = np.random.default_rng(1)
    source = rng.integers(1, 7, size=(3, 5)).astype("int32")
    source[0, 3:] = 0  # padding, masked by the attention
    for attention in ("none", "bahdanau", "luong"):
        model = course_lib.models.build_seq2seq_model(
            7, 6, units=4, embedding_dim=3, attention=attention
        )
        inference = course_lib.models.Seq2SeqInference(model, start_token=1, end_token=2)
        log_probs, state = inference.step_fn(np.ones(3, "int32"), inference.initial_state(source))
        assert log_probs.dtype == np.float32 and np.isfinite(log_probs).all()
        np.testing.assert_allclose(np.exp(log_probs).sum(-1), 1.0, atol=1e-5)
        decoded = inference.decode(source, max_length=4)
        assert len(decoded) == 3 and all(0 <= t < 6 for row in decoded for t in row)
        if attention != "none":
            weights = inference.attention_weights(source, decoded)
            assert all(np.isfinite(w.astype(np.float32)).all() for w in weights)


def test_ctc_model_predicts_and_decodes_under_mixed_float16(mixed_float16):
    rng = np.random.default_rng(2)
    model = course_lib.models.build_ctc_speech_model(8, 5, filters=4, units=4)
    model.compile(keras.optimizers.Adam(1e-3), loss=keras.losses.CTC())
    x = rng.normal(size=(2, 12, 8)).astype("float32")
    labels = np.array([[1, 2, 0], [3, 0, 0]], "int32")
    assert np.isfinite(model.train_on_batch(x, labels))
    logits = model.predict(x, verbose=0)
    assert logits.dtype == np.float32 and logits.shape == (2, 3, 5)
    assert np.isfinite(logits).all()
    paths = decoding.ctc_decode(logits)
    assert len(paths) == 2 and all(0 < t < 5 for row in paths for t in row)


def test_missing_example_fails(monkeypatch, mixed_float16):
    def build_unlisted_model():
        return keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(3)])

    monkeypatch.setattr(course_lib.models, "build_unlisted_model", build_unlisted_model, False)
    assert "build_unlisted_model" in builder_names()
    with pytest.raises(pytest.fail.Exception, match="add one"):
        test_builder_trains_under_mixed_float16("build_unlisted_model", None)


def test_float16_output_is_caught(monkeypatch, mixed_float16):
    def build_float16_model():
        inputs = keras.Input((5, 2))
        return keras.Model(inputs, keras.layers.Dense(3, name="logits")(inputs))

    monkeypatch.setattr(course_lib.models, "build_float16_model", build_float16_model, False)
    monkeypatch.setitem(EXAMPLES, "build_float16_model", [{}])
    with pytest.raises(AssertionError, match="float16"):
        test_builder_trains_under_mixed_float16("build_float16_model", None)
