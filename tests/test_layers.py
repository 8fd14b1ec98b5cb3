"""Attention layers match a NumPy reference, mask padded values, serialise, expose weights."""

import keras
import numpy as np
import pytest

from course_lib.layers import BahdanauAttention, LuongAttention, masked_score


def _softmax(s, mask):
    s = np.where(mask[:, None, :], s, -np.inf)
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def bahdanau_reference(q, v, wq, wk, bk, vec, mask):
    hidden = np.tanh((q @ wq)[:, :, None, :] + (v @ wk + bk)[:, None, :, :])
    weights = _softmax(hidden @ vec[:, 0], mask)
    return weights @ v, weights


def luong_reference(q, v, w, mask):
    scores = (q if w is None else q @ w) @ v.transpose(0, 2, 1)
    weights = _softmax(scores, mask)
    return weights @ v, weights


@pytest.fixture
def inputs():
    rng = np.random.default_rng(8)
    q = rng.normal(size=(3, 4, 5)).astype("float32")
    v = rng.normal(size=(3, 6, 7)).astype("float32")
    mask = np.ones((3, 6), bool)
    mask[1, 4:] = False
    mask[2, 1:] = False  # only one real value: its weight must be 1
    return q, v, mask


def test_bahdanau_matches_numpy(inputs):
    q, v, mask = inputs
    layer = BahdanauAttention(8, name="att")
    context, weights = layer(q, v, mask=mask)
    assert context.shape == (3, 4, 7) and weights.shape == (3, 4, 6)
    wq = layer.query_dense.kernel.numpy()
    wk, bk = layer.key_dense.kernel.numpy(), layer.key_dense.bias.numpy()
    vec = layer.score_dense.kernel.numpy()
    want_c, want_w = bahdanau_reference(q, v, wq, wk, bk, vec, mask)
    np.testing.assert_allclose(weights, want_w, atol=1e-5)
    np.testing.assert_allclose(context, want_c, atol=1e-5)
    weights = np.asarray(weights)
    assert np.all(weights[1, :, 4:] == 0.0)
    np.testing.assert_allclose(weights[2, :, 0], 1.0)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)


@pytest.mark.parametrize("score", ["general", "dot"])
def test_luong_matches_numpy(inputs, score):
    q, v, mask = inputs
    if score == "dot":
        q = q[..., :5]
        v = v[..., :5]
    layer = LuongAttention(score=score, name="att")
    context, weights = layer(q, v, mask=mask)
    w = None if score == "dot" else layer.kernel.numpy()
    want_c, want_w = luong_reference(q, v, w, mask)
    np.testing.assert_allclose(weights, want_w, atol=1e-5)
    np.testing.assert_allclose(context, want_c, atol=1e-5)
    assert np.all(np.asarray(weights)[1, :, 4:] == 0.0)


def test_no_mask_means_every_value_counts(inputs):
    q, v, _ = inputs
    layer = LuongAttention(name="att")
    _, weights = layer(q, v)
    _, want = luong_reference(q, v, layer.kernel.numpy(), np.ones((3, 6), bool))
    np.testing.assert_allclose(weights, want, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="units"):
        BahdanauAttention(0)
    with pytest.raises(ValueError, match="score"):
        LuongAttention(score="concat")
    with pytest.raises(ValueError, match="same size"):
        LuongAttention(score="dot")(np.zeros((1, 2, 3)), np.zeros((1, 2, 4)))


@pytest.mark.parametrize(
    "make", [lambda: BahdanauAttention(6, name="att"), lambda: LuongAttention(name="att")]
)
def test_weights_in_a_functional_model_and_saving(tmp_path, make, inputs):
    q, v, mask = inputs
    query = keras.Input((None, 5), name="query")
    values = keras.Input((None, 7), name="values")
    keep = keras.Input((None,), dtype="bool", name="keep")
    layer = make()
    query_in = keras.layers.Dense(7, name="to_values_size")(query)  # lets "dot" work too
    context, weights = layer(query_in, values, mask=keep)
    out = keras.layers.Dense(2, name="head")(keras.layers.Concatenate()([query_in, context]))
    model = keras.Model([query, values, keep], [out, weights])
    logits, w = model.predict([q, v, mask], verbose=0)
    assert w.shape == (3, 4, 6)
    assert np.all(w[1, :, 4:] == 0.0)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    # A second model on the same layers sees the same weights.
    weights_only = keras.Model([query, values, keep], weights)
    np.testing.assert_allclose(weights_only.predict([q, v, mask], verbose=0), w, atol=1e-6)
    path = tmp_path / "model.keras"
    model.save(path)
    again = keras.models.load_model(path)
    logits2, w2 = again.predict([q, v, mask], verbose=0)
    np.testing.assert_allclose(w2, w, atol=1e-6)
    np.testing.assert_allclose(logits2, logits, atol=1e-5)


def test_config_round_trip():
    b = BahdanauAttention(5, name="b")
    assert BahdanauAttention.from_config(b.get_config()).units == 5
    lu = LuongAttention(score="dot", name="l")
    assert LuongAttention.from_config(lu.get_config()).score == "dot"


def test_gradient_flows_to_every_weight(inputs):
    import tensorflow as tf

    q, v, mask = inputs
    layer = BahdanauAttention(4, name="att")
    with tf.GradientTape() as tape:
        context, _ = layer(q, v, mask=mask)
        loss = tf.reduce_sum(context**2)
    grads = tape.gradient(loss, layer.trainable_weights)
    assert len(grads) == 4 and all(g is not None and np.any(g.numpy() != 0) for g in grads)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_masked_score_is_finite_and_vanishes(dtype):
    import tensorflow as tf

    score = masked_score(dtype)
    big = tf.cast([[100.0, score, score]], dtype)  # softmax subtracts the row maximum (100)
    assert np.isfinite(tf.cast(big, "float32").numpy()).all()
    weights = tf.cast(tf.nn.softmax(big), "float32").numpy()
    assert weights[0, 1] == weights[0, 2] == 0.0 and weights[0, 0] == 1.0


@pytest.mark.parametrize("dtype", ["float32", "mixed_float16"])
@pytest.mark.parametrize(
    "make", [lambda d: BahdanauAttention(6, dtype=d), lambda d: LuongAttention(dtype=d)]
)
def test_masking_in_float16_and_float32(inputs, dtype, make):
    q, v, mask = inputs
    q = np.concatenate([q, q[:, :, :2]], axis=-1) * 30.0  # large scores, 7 features like v
    mask = mask.copy()
    mask[0] = False  # a fully masked row must not turn into NaN
    layer = make(dtype)
    context, weights = layer(q, v, mask=mask)
    weights = np.asarray(weights, dtype=np.float32)
    assert str(layer.compute_dtype) == ("float16" if dtype == "mixed_float16" else "float32")
    assert np.isfinite(weights).all() and np.isfinite(np.asarray(context, np.float32)).all()
    assert np.all(weights[1, :, 4:] == 0.0) and np.all(weights[2, :, 1:] == 0.0)
    np.testing.assert_allclose(weights[1:].sum(-1), 1.0, atol=2e-3)


def test_attention_pooling_weights_real_positions_only_and_sum_to_one():
    from course_lib.layers import AttentionPooling

    rng = np.random.default_rng(0)
    values = rng.normal(size=(3, 6, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0, 0], [1] * 6, [1, 0, 0, 0, 0, 0]], dtype=bool)
    layer = AttentionPooling(5)
    summary, weights = (np.asarray(a) for a in layer(values, mask=mask))
    assert summary.shape == (3, 4) and weights.shape == (3, 6)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-6)
    assert np.all(weights[~mask] == 0)
    np.testing.assert_allclose(weights[2, 0], 1.0)  # one real position takes all the weight
    np.testing.assert_allclose(summary, np.einsum("bt,btf->bf", weights, values), atol=1e-5)
    # the weights come from the learned score: v^T tanh(h W + b), softmax over the real steps
    w, b = layer.hidden.get_weights()
    (v,) = layer.score.get_weights()
    scores = (np.tanh(values @ w + b) @ v)[..., 0]
    want = np.where(mask, np.exp(scores - scores.max(1, keepdims=True)), 0)
    np.testing.assert_allclose(weights, want / want.sum(1, keepdims=True), atol=1e-5)
    with pytest.raises(ValueError, match="units"):
        AttentionPooling(0)
