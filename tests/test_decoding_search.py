"""Greedy and beam search against exhaustive search on a tiny model whose output depends on the
whole prefix and on a per-item context carried in a nested state."""

import itertools

import numpy as np
import pytest

from course_lib.decoding import (
    PrefixTreeModel,
    beam_search,
    choose_final,
    greedy_search,
    normalised_scores,
)

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


# A toy model read by hand: plain beam search prefers the short "A"; per token, "B C D" is better.
SHORT_WINS = {
    (): {"A": 0.4, "B": 0.6},
    ("A",): {"<end>": 0.9},
    ("B",): {"C": 0.7, "<end>": 0.1},
    ("B", "C"): {"D": 0.7, "<end>": 0.2},
    ("B", "C", "D"): {"<end>": 0.9},
}


def search_toy(table, alpha=0.0, width=3, max_length=6, trace=None):
    toy = PrefixTreeModel(table)
    seqs, scores = beam_search(
        toy.step_fn,
        toy.initial_state(),
        toy.start_token,
        toy.end_token,
        max_length,
        beam_width=width,
        length_penalty=alpha,
        return_scores=True,
        trace=trace,
    )
    return toy.decode(seqs[0]), scores[0]


def test_prefix_tree_model_gives_the_table_and_spreads_the_rest():
    toy = PrefixTreeModel(SHORT_WINS)
    assert toy.tokens == ["<start>", "<end>", "A", "B", "C", "D"]
    nodes = toy.initial_state(2)
    lp, nodes = toy.step_fn(np.array([0, 0]), nodes)
    np.testing.assert_allclose(np.exp(lp[0]), [0, 0, 0.4, 0.6, 0, 0], atol=1e-12)
    lp, nodes = toy.step_fn(np.array([3, 2]), nodes)  # after B, after A
    rest = 0.2 / 3  # what B's row leaves over, shared by A, B and D
    np.testing.assert_allclose(np.exp(lp[0]), [0, 0.1, rest, rest, 0.7, rest], atol=1e-12)
    np.testing.assert_allclose(np.exp(lp[1]), [0, 0.9, 0.1 / 4, 0.1 / 4, 0.1 / 4, 0.1 / 4])
    lp, _ = toy.step_fn(np.array([5, 5]), nodes)  # unlisted prefixes: every token alike
    np.testing.assert_allclose(np.exp(lp), np.full((2, 6), 0.2) * (np.arange(6) > 0))
    assert toy.decode([3, 4]) == ["B", "C"]


def test_plain_beam_prefers_short_and_normalisation_picks_the_longer():
    greedy = greedy_search(*_toy_args(SHORT_WINS))
    assert PrefixTreeModel(SHORT_WINS).decode(greedy[0]) == ["B", "C", "D"]
    plain, plain_score = search_toy(SHORT_WINS, alpha=0.0)
    assert plain == ["A"] and np.isclose(plain_score, np.log(0.4 * 0.9))
    normalised, score = search_toy(SHORT_WINS, alpha=1.0)
    assert normalised == ["B", "C", "D"]
    assert np.isclose(score, np.log(0.6 * 0.7 * 0.7 * 0.9) / 4)


def _toy_args(table, max_length=6):
    toy = PrefixTreeModel(table)
    return toy.step_fn, toy.initial_state(), toy.start_token, toy.end_token, max_length


def test_trace_records_every_kept_sequence():
    trace = []
    search_toy(SHORT_WINS, trace=trace)
    assert len(trace) == 4  # every kept sequence has ended after the fourth step
    assert set(trace[0]) == {"parents", "tokens", "scores", "lengths", "finished"}
    assert all(v.shape == (1, 3) for step in trace for v in step.values())
    first = trace[0]
    assert first["tokens"][0, :2].tolist() == [3, 2] and np.isneginf(first["scores"][0, 2])
    last = trace[-1]
    assert last["finished"].all()
    # the kept sequences' scores are the table's products
    kept = sorted(np.round(np.exp(last["scores"][0]), 6).tolist())
    assert kept == sorted([0.36, round(0.6 * 0.7 * 0.7 * 0.9, 6), round(0.6 * 0.7 * 0.2, 6)])
    with pytest.raises(ValueError, match="trace"):
        search_toy(SHORT_WINS, trace=())


def test_choose_final_only_moves_to_longer_sequences():
    rng = np.random.default_rng(3)
    scores = -rng.gamma(2.0, 1.0, size=(200, 5))
    lengths = rng.integers(1, 12, size=(200, 5))
    plain = choose_final(scores, lengths)
    np.testing.assert_array_equal(plain, scores.argmax(axis=1))
    for alpha in (0.3, 1.0, 2.0):
        picked = choose_final(scores, lengths, alpha)
        np.testing.assert_allclose(
            normalised_scores(scores, lengths, alpha), scores / lengths**alpha
        )
        rows = np.arange(200)
        assert np.all(lengths[rows, picked] >= lengths[rows, plain])
    assert choose_final([-1.0, -np.inf], [2, 0], 1.0) == 0
    with pytest.raises(ValueError, match="same shape"):
        choose_final([-1.0, -2.0], [1], 1.0)
    with pytest.raises(ValueError, match="length_penalty"):
        choose_final([-1.0], [1], -1.0)


def test_prefix_tree_model_bad_tables():
    with pytest.raises(ValueError, match="non-empty"):
        PrefixTreeModel({})
    with pytest.raises(ValueError, match="tuple"):
        PrefixTreeModel({"A": {"B": 0.5}})
    with pytest.raises(ValueError, match="probability"):
        PrefixTreeModel({(): {"A": 1.5}})
    with pytest.raises(ValueError, match="more than 1"):
        PrefixTreeModel({(): {"A": 0.6, "B": 0.6}})
    with pytest.raises(ValueError, match="start"):
        PrefixTreeModel({(): {"<start>": 0.5}})
