"""Ensembles: averaged step functions against exhaustive search, EM-fitted mixture weights, and
several seq2seq models decoding together (course_lib.decoding.ensemble)."""

import itertools

import keras
import numpy as np
import pytest
from test_decoding_search import END, START, VOCAB, make_model, state_for
from test_models_seq2seq import _batch

from course_lib import decoding, models
from course_lib.data.text import TokenVocabulary
from course_lib.decoding import beam_search, ensemble_step_fn, mixture_weights

S2S_START, S2S_END = TokenVocabulary.START, TokenVocabulary.END


def _ensemble_sequence_score(step_fns, weights, context, tokens, max_length):
    """Log-probability of ``tokens`` (and the end token) under the weighted mixture, by hand."""
    states = [state_for([context]) for _ in step_fns]
    prev, total = START, 0.0
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    for tok in list(tokens) + ([END] if len(tokens) < max_length else []):
        probs = 0.0
        for i, fn in enumerate(step_fns):
            lp, states[i] = fn(np.array([prev], np.int32), states[i])
            probs = probs + w[i] * np.exp(lp[0, tok])
        total += np.log(probs)
        prev = tok
    return total


def test_ensemble_averages_the_members_probabilities():
    members = [make_model(seed)[0] for seed in (0, 1, 2)]
    weights = [1.0, 2.0, 0.5]
    step = ensemble_step_fn(members, weights)
    tokens = np.array([START, 3, 1], np.int32)
    states = tuple(state_for([4, 8, 15]) for _ in members)
    log_probs, new_states = step(tokens, states)
    outputs = [fn(tokens, s) for fn, s in zip(members, states)]
    w = np.array(weights) / sum(weights)
    want = np.log(sum(wi * np.exp(lp) for wi, (lp, _) in zip(w, outputs)))
    np.testing.assert_allclose(log_probs, want, rtol=1e-12)
    np.testing.assert_allclose(np.exp(log_probs).sum(axis=1), 1.0)
    assert isinstance(new_states, tuple) and len(new_states) == 3
    for new, (_, member_new) in zip(new_states, outputs):
        np.testing.assert_array_equal(new["code"], member_new["code"])


def test_ensemble_of_one_and_of_copies_is_the_member():
    step_fn, _ = make_model(5)
    contexts = list(range(0, 40, 4))
    alone = beam_search(step_fn, state_for(contexts), START, END, 5, beam_width=3)
    one = ensemble_step_fn([step_fn])
    copies = ensemble_step_fn([step_fn, step_fn], weights=[0.3, 0.7])
    assert beam_search(one, (state_for(contexts),), START, END, 5, beam_width=3) == alone
    two_states = (state_for(contexts), state_for(contexts))
    assert beam_search(copies, two_states, START, END, 5, beam_width=3) == alone


@pytest.mark.parametrize("seed", [0, 3])
def test_wide_beam_over_an_ensemble_equals_exhaustive_search(seed):
    members = [make_model(seed, end_bias=-1.0)[0], make_model(seed + 10, end_bias=-1.0)[0]]
    weights, max_length, contexts = [1.0, 3.0], 3, [2, 9, 31]
    step = ensemble_step_fn(members, weights)
    seqs, scores = beam_search(
        step,
        tuple(state_for(contexts) for _ in members),
        START,
        END,
        max_length,
        beam_width=VOCAB**max_length,
        return_scores=True,
    )
    for context, seq, score in zip(contexts, seqs, scores):
        best, best_score = None, -np.inf
        for size in range(max_length + 1):
            for body in itertools.product(range(1, VOCAB), repeat=size):
                total = _ensemble_sequence_score(members, weights, context, body, max_length)
                if total > best_score + 1e-12:
                    best, best_score = list(body), total
        assert seq == best
        assert score == pytest.approx(best_score)


def test_ensemble_handles_impossible_tokens():
    def certain(tokens, state):  # token 1 impossible, token 2 certain
        lp = np.full((len(tokens), VOCAB), -np.inf)
        lp[:, 2] = 0.0
        return lp, state

    def uniform(tokens, state):
        return np.full((len(tokens), VOCAB), -np.log(VOCAB)), state

    log_probs, _ = ensemble_step_fn([certain, uniform])(np.zeros(2, np.int32), (None, None))
    np.testing.assert_allclose(np.exp(log_probs[0]), [0.125, 0.125, 0.625, 0.125])
    both, _ = ensemble_step_fn([certain, certain])(np.zeros(2, np.int32), (None, None))
    assert np.all(np.isneginf(both[:, [0, 1, 3]])) and not np.isnan(both).any()


def test_ensemble_bad_arguments():
    step_fn, _ = make_model(0)
    with pytest.raises(ValueError, match="at least one"):
        ensemble_step_fn([])
    with pytest.raises(ValueError, match=r"step_fns\[1\] must be callable"):
        ensemble_step_fn([step_fn, "model"])
    for weights in ([1.0], [1.0, -1.0], [0.0, 0.0], [1.0, float("nan")]):
        with pytest.raises(ValueError, match="weights"):
            ensemble_step_fn([step_fn, step_fn], weights)
    step = ensemble_step_fn([step_fn, step_fn])
    with pytest.raises(ValueError, match="tuple of 2 member states"):
        step(np.zeros(2, np.int32), state_for([1, 2]))
    other_vocab = ensemble_step_fn([step_fn, lambda t, s: (np.zeros((len(t), VOCAB + 1)), s)])
    with pytest.raises(ValueError, match="vocabulary"):
        other_vocab(np.zeros(2, np.int32), (state_for([1, 2]), None))


def _mixture_log_likelihood(weights, log_probs):
    return np.log(np.exp(log_probs).T @ np.asarray(weights)).sum()


def _held_out_log_probs(seed, members=3, tokens=400):
    """Members that find the same tokens hard, each with its own level and its own slips."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(1.0, 1.5, size=tokens)  # how easy each token is, for every member
    level = rng.uniform(-0.5, 0.5, size=(members, 1))
    logit = shared + level + rng.normal(0.0, 1.5, size=(members, tokens))
    return -np.logaddexp(0.0, -logit)  # log sigmoid: each member's probability of the truth


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mixture_weights_maximise_the_held_out_likelihood(seed):
    """EM's weights against the best point of a 0.01 grid over every mixture of three members."""
    log_probs = _held_out_log_probs(seed)
    weights = mixture_weights(log_probs)
    assert weights.shape == (3,) and np.all(weights >= 0) and weights.sum() == pytest.approx(1)
    grid = [(a / 100, b / 100, 1 - (a + b) / 100) for a in range(101) for b in range(101 - a)]
    grid_ll = [_mixture_log_likelihood(w, log_probs) for w in grid]
    best = np.array(grid[int(np.argmax(grid_ll))])
    assert _mixture_log_likelihood(weights, log_probs) >= max(grid_ll) - 1e-5  # sum of 400
    np.testing.assert_allclose(weights, best, atol=0.011)
    equal = _mixture_log_likelihood(np.full(3, 1 / 3), log_probs)
    assert _mixture_log_likelihood(weights, log_probs) >= equal


def test_mixture_weights_special_cases():
    rng = np.random.default_rng(0)
    member = np.log(rng.uniform(0.1, 1.0, size=50))
    np.testing.assert_allclose(mixture_weights([member, member]), [0.5, 0.5])  # copies: a tie
    np.testing.assert_allclose(mixture_weights([member]), [1.0])
    better = np.log(np.full(50, 0.9))
    worse = np.log(np.full(50, 0.1))
    assert mixture_weights([worse, better])[1] > 0.999  # always better: takes all the weight
    ruled_out = member.copy()
    ruled_out[3] = -np.inf  # the other member must explain token 3 alone
    pair = np.array([ruled_out, np.log(np.full(50, 0.01))])
    weights = mixture_weights(pair)
    assert 0 < weights[1] < weights[0]
    assert np.isfinite(_mixture_log_likelihood(weights, pair))


def test_mixture_weights_bad_arguments():
    good = np.log(np.full((2, 5), 0.5))
    for bad, message in [
        (np.zeros(5), "shape"),
        (np.zeros((2, 0)), "shape"),
        ([np.zeros(3), np.zeros(4)], "equally long"),
        (np.full((2, 5), 0.5), "log-probabilities"),
        (np.where(np.eye(2, 5, dtype=bool), np.nan, good), "NaN"),
        (np.where(np.arange(5) == 2, -np.inf, good), "probability 0 under every member"),
    ]:
        with pytest.raises(ValueError, match=message):
            mixture_weights(bad)
    for kwargs in (dict(max_iterations=0), dict(max_iterations=2.5), dict(tolerance=0.0)):
        with pytest.raises(ValueError, match=next(iter(kwargs))):
            mixture_weights(good, **kwargs)


def test_ensemble_decodes_like_the_search_over_averaged_members():
    keras.utils.set_random_seed(4)
    members = [
        models.Seq2SeqInference(
            models.build_seq2seq_model(20, 15, units=6, attention=attention), S2S_START, S2S_END
        )
        for attention in ("bahdanau", "luong", "none")
    ]
    source, _ = _batch()
    alone = members[0].decode(source, max_length=5, method="beam", beam_width=3)
    assert (
        decoding.Seq2SeqEnsemble(members[:1]).decode(
            source, max_length=5, method="beam", beam_width=3
        )
        == alone
    )
    ensemble = decoding.Seq2SeqEnsemble(members, weights=[2.0, 1.0, 1.0])
    state = ensemble.initial_state(source)
    assert len(state) == 3 and "encoder_outputs" not in state[2]
    want = decoding.beam_search(
        decoding.ensemble_step_fn([m.step_fn for m in members], [2.0, 1.0, 1.0]),
        state,
        S2S_START,
        S2S_END,
        5,
        beam_width=3,
    )
    assert ensemble.decode(source, max_length=5, method="beam", beam_width=3, batch_size=2) == want
    assert ensemble.decode(source, max_length=5) == decoding.greedy_search(
        ensemble.step_fn, state, S2S_START, S2S_END, 5
    )


def test_ensemble_bad_members():
    keras.utils.set_random_seed(5)
    infer = models.Seq2SeqInference(models.build_seq2seq_model(20, 15, units=6), S2S_START, S2S_END)
    other = models.Seq2SeqInference(models.build_seq2seq_model(20, 16, units=6), S2S_START, S2S_END)
    with pytest.raises(ValueError, match="at least one"):
        decoding.Seq2SeqEnsemble([])
    with pytest.raises(ValueError, match=r"members\[1\] must be a BatchDecoder"):
        decoding.Seq2SeqEnsemble([infer, infer.step_fn])
    with pytest.raises(ValueError, match="vocabulary size"):
        decoding.Seq2SeqEnsemble([infer, other])
    with pytest.raises(ValueError, match="weights"):
        decoding.Seq2SeqEnsemble([infer, infer], weights=[1.0])
