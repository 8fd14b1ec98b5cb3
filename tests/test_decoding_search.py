"""Greedy and beam search against exhaustive search on a tiny model whose output depends on the
whole prefix and on a per-item context carried in a nested state."""

import itertools

import numpy as np
import pytest

from course_lib.decoding import beam_search, greedy_search

VOCAB, END, START, TABLE = 4, 0, 9, 101


def make_model(seed, end_bias=0.0):
    """A step function: log-probs from a random table indexed by a hash of (context, prefix)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(TABLE, VOCAB))
    logits[:, END] += end_bias
    table = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    calls = []

    def step_fn(tokens, state):
        assert tokens.dtype == np.int32
        code, ctx = state["code"], state["extra"][0]
        calls.append(len(tokens))
        code = (code * 31 + tokens.astype(np.int64) + 7) % 1_000_003
        lp = table[(code + ctx[:, 0]) % TABLE]
        return lp, {"code": code, "extra": (ctx,)}

    return step_fn, calls


def state_for(contexts):
    contexts = np.asarray(contexts, dtype=np.int64)
    return {"code": np.zeros(len(contexts), np.int64), "extra": (contexts[:, None],)}


def score_of(step_fn, context, tokens, max_length):
    """Total log-probability of ``tokens`` (plus the end token when it fits) for one item."""
    state, prev, total = state_for([context]), START, 0.0
    full = list(tokens) + ([END] if len(tokens) < max_length else [])
    for tok in full:
        lp, state = step_fn(np.array([prev], np.int32), state)
        total += lp[0, tok]
        prev = tok
    return total, len(full)


def exhaustive(step_fn, context, max_length, alpha=0.0):
    best, best_score = None, -np.inf
    for size in range(max_length + 1):
        for body in itertools.product(range(1, VOCAB), repeat=size):
            total, length = score_of(step_fn, context, body, max_length)
            score = total / length**alpha
            if score > best_score + 1e-12:
                best, best_score = list(body), score
    return best, best_score


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_wide_beam_equals_exhaustive_search(seed, alpha):
    step_fn, _ = make_model(seed, end_bias=-1.0)
    contexts, max_length = [0, 5, 17, 42], 4
    seqs, scores = beam_search(
        step_fn,
        state_for(contexts),
        START,
        END,
        max_length,
        beam_width=VOCAB**max_length,
        length_penalty=alpha,
        return_scores=True,
    )
    for context, seq, score in zip(contexts, seqs, scores):
        want, want_score = exhaustive(step_fn, context, max_length, alpha)
        assert seq == want
        assert score == pytest.approx(want_score)


@pytest.mark.parametrize("seed", range(4))
def test_beam_width_one_is_greedy_and_scores_are_real(seed):
    step_fn, _ = make_model(seed)
    contexts = list(range(0, 60, 3))
    greedy = greedy_search(step_fn, state_for(contexts), START, END, 6)
    beam1 = beam_search(step_fn, state_for(contexts), START, END, 6, beam_width=1)
    assert greedy == beam1
    seqs, scores = beam_search(
        step_fn, state_for(contexts), START, END, 6, beam_width=3, return_scores=True
    )
    for context, seq, score in zip(contexts, seqs, scores):
        assert END not in seq and len(seq) <= 6
        assert score == pytest.approx(score_of(step_fn, context, seq, 6)[0])
        assert all(0 < t < VOCAB for t in seq)
    # On average over many items a width-3 beam scores at least as well as greedy search.
    greedy_total = sum(score_of(step_fn, c, g, 6)[0] for c, g in zip(contexts, greedy))
    assert sum(scores) >= greedy_total - 1e-9


def test_greedy_takes_the_argmax_and_stops_at_end():
    # Row 0 says end at once; row 1 says 2, then 3, then end; row 2 never ends.
    plan = {0: [END], 1: [2, 3, END], 2: [1, 1, 1, 1, 1, 1]}

    def step_fn(tokens, state):
        row_ids, t = state
        lp = np.full((len(tokens), VOCAB), np.log(0.1))
        for i, (row, step) in enumerate(zip(row_ids, t)):
            lp[i, plan[row][min(step, len(plan[row]) - 1)]] = np.log(0.7)
        return lp, [row_ids, t + 1]

    state = [np.arange(3), np.zeros(3, int)]
    out = greedy_search(step_fn, state, START, END, 4)
    assert out == [[], [2, 3], [1, 1, 1, 1]]
    assert beam_search(step_fn, state, START, END, 4, beam_width=2) == out


def test_search_stops_when_everything_ended():
    step_fn, calls = make_model(0, end_bias=50.0)  # the end token is near certain
    out = beam_search(step_fn, state_for([1, 2]), START, END, 20, beam_width=3)
    assert out == [[], []]
    assert len(calls) == 2 and calls == [6, 6]  # step 2: the other two beams end too
    calls.clear()
    assert greedy_search(step_fn, state_for([1, 2]), START, END, 20) == [[], []]
    assert calls == [2]


def test_length_penalty_favours_longer_answers():
    step_fn, _ = make_model(3, end_bias=1.5)
    contexts = list(range(40))
    short = beam_search(step_fn, state_for(contexts), START, END, 8, beam_width=6)
    long = beam_search(
        step_fn, state_for(contexts), START, END, 8, beam_width=6, length_penalty=2.0
    )
    assert sum(map(len, long)) > sum(map(len, short))


def test_bad_arguments():
    step_fn, _ = make_model(0)
    state = state_for([1, 2])
    with pytest.raises(ValueError, match="max_length"):
        greedy_search(step_fn, state, START, END, 0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(step_fn, state, START, END, 3, beam_width=0)
    with pytest.raises(ValueError, match="length_penalty"):
        beam_search(step_fn, state, START, END, 3, length_penalty=-1.0)
    with pytest.raises(ValueError, match="end_token"):
        greedy_search(step_fn, state, START, VOCAB + 3, 3)
    with pytest.raises(ValueError, match="start_token"):
        beam_search(step_fn, state, -1, END, 3)
    with pytest.raises(ValueError, match="step_fn"):
        greedy_search("not callable", state, START, END, 3)
    with pytest.raises(ValueError, match="initial_state"):
        greedy_search(step_fn, {"a": np.zeros(2), "b": np.zeros(3)}, START, END, 3)
    with pytest.raises(ValueError, match="initial_state"):
        beam_search(step_fn, (), START, END, 3)
    with pytest.raises(ValueError, match="log_probs"):
        greedy_search(lambda t, s: (np.zeros((len(t) + 1, 4)), s), state, START, END, 3)
