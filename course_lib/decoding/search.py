"""Greedy and beam search over a step function (notebooks 08 and 09).

Both searches are independent of any model. A model plugs in through a **step function**::

    log_probs, new_state = step_fn(tokens, state)

- ``tokens``: ``np.ndarray (n,)`` of int32, the token each of the ``n`` rows emitted last
  (``start_token`` at the first step);
- ``state``: whatever the model needs to continue, as a nested tuple / list / dict of arrays
  whose **leading dimension is n** (for example the decoder's hidden state, and also constant
  inputs such as the encoder's outputs and their mask, which beam search must copy per beam);
- ``log_probs``: ``(n, vocab)`` log-probabilities (``log_softmax`` of the logits) of the next
  token for each row; ``new_state``: the state after reading ``tokens``, same structure and
  leading dimension ``n``.

For ``greedy_search``, ``n`` is the batch size. For ``beam_search``, ``n = batch * beam_width``:
the search repeats every state leaf ``beam_width`` times along axis 0 (row ``b * beam_width + j``
is beam ``j`` of batch item ``b``) and reorders the rows after each step, so ``step_fn`` never
needs to know about beams. Rows that have finished keep being passed to ``step_fn`` (their
output is ignored), so shapes never change.

``PrefixTreeModel`` is a toy "model" given as a table of next-token probabilities per prefix:
searches on it can be worked out by hand, which is how notebook 08 shows where plain beam search
prefers short outputs and where length normalisation goes wrong.

``BatchDecoder`` runs either search over a whole array of sources, a batch at a time, for any
object that provides ``initial_state`` and ``step_fn`` (an ensemble of several models is one:
see ``decoding.ensemble``).

Each search returns, per batch item, the generated token ids **without** the start and end
tokens. ``max_length`` is the largest number of steps; the end token, when generated, counts as
one of them, so a returned list has at most ``max_length`` tokens (exactly ``max_length`` when no
end token came).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Literal, overload

import numpy as np

from course_lib._args import positive_int

__all__ = [
    "greedy_search",
    "beam_search",
    "choose_final",
    "normalised_scores",
    "PrefixTreeModel",
    "BatchDecoder",
]

StepFn = Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]


def _map_state(fn: Callable[[Any], Any], state: Any) -> Any:
    """Apply ``fn`` to every array leaf of a nested tuple / list / dict."""
    if isinstance(state, dict):
        return {key: _map_state(fn, value) for key, value in state.items()}
    if isinstance(state, (tuple, list)):
        return type(state)(_map_state(fn, value) for value in state)
    return fn(state)


def _leaves(state: Any) -> list[Any]:
    out: list[Any] = []
    _map_state(out.append, state)
    return out


def _batch_size(state: Any) -> int:
    sizes = {np.shape(leaf)[0] if np.ndim(leaf) else None for leaf in _leaves(state)}
    if not sizes or None in sizes or len(sizes) != 1:
        raise ValueError(
            "initial_state must be a (nested tuple/list/dict of) array(s), each with the same "
            f"leading (batch) dimension; got leading sizes {sorted(map(str, sizes))}."
        )
    (size,) = sizes
    return int(size or 0)


def _check_arguments(step_fn: Any, start_token: Any, end_token: Any, max_length: Any) -> None:
    if not callable(step_fn):
        raise ValueError(f"step_fn must be callable; got {type(step_fn).__name__}.")
    for label, value in [("start_token", start_token), ("end_token", end_token)]:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{label} must be a non-negative integer; got {value!r}.")
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)):
        raise ValueError(f"max_length must be a positive integer; got {max_length!r}.")
    if max_length < 1:
        raise ValueError(f"max_length must be a positive integer; got {max_length!r}.")


def _log_probs(value: Any, rows: int, end_token: int) -> np.ndarray:
    log_probs = np.asarray(value, dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] != rows:
        raise ValueError(
            f"step_fn must return log_probs of shape ({rows}, vocab); got {log_probs.shape}."
        )
    if end_token >= log_probs.shape[1]:
        raise ValueError(
            f"end_token={end_token} is not below the vocabulary size {log_probs.shape[1]}."
        )
    return log_probs


def _take_rows(array: Any, rows: np.ndarray) -> np.ndarray:
    return np.asarray(array)[rows]


def greedy_search(
    step_fn: StepFn,
    initial_state: Any,
    start_token: int,
    end_token: int,
    max_length: int,
) -> list[list[int]]:
    """Decode by taking the most probable token at every step (ties: the lowest id).

    Args:
        step_fn: ``(tokens (n,), state) -> (log_probs (n, vocab), new_state)``; see the module
            docstring. Here ``n`` is the batch size.
        initial_state: nested tuple / list / dict of arrays, leading dimension = batch size.
        start_token: id fed at the first step.
        end_token: id that ends a sequence (not included in the result).
        max_length: most steps; the end token counts as one.

    Returns:
        One list of token ids per batch item, without start and end tokens.

    Raises:
        ValueError: for a bad argument or a ``step_fn`` output of the wrong shape.
    """
    _check_arguments(step_fn, start_token, end_token, max_length)
    n = _batch_size(initial_state)
    tokens = np.full(n, start_token, dtype=np.int32)
    generated = np.zeros((n, max_length), dtype=np.int64)
    lengths = np.full(n, max_length)
    finished = np.zeros(n, dtype=bool)
    state = initial_state
    for t in range(max_length):
        log_probs, state = step_fn(tokens, state)
        log_probs = _log_probs(log_probs, n, end_token)
        best = np.where(finished, end_token, log_probs.argmax(axis=-1))
        generated[:, t] = best
        newly = ~finished & (best == end_token)
        lengths[newly] = t
        finished |= newly
        if finished.all():
            break
        tokens = best.astype(np.int32)
    return [generated[i, : lengths[i]].tolist() for i in range(n)]


@overload
def beam_search(
    step_fn: StepFn,
    initial_state: Any,
    start_token: int,
    end_token: int,
    max_length: int,
    beam_width: int = ...,
    length_penalty: float = ...,
    return_scores: Literal[False] = ...,
    trace: list | None = ...,
) -> list[list[int]]: ...


@overload
def beam_search(
    step_fn: StepFn,
    initial_state: Any,
    start_token: int,
    end_token: int,
    max_length: int,
    beam_width: int = ...,
    length_penalty: float = ...,
    *,
    return_scores: Literal[True],
    trace: list | None = ...,
) -> tuple[list[list[int]], list[float]]: ...


def beam_search(
    step_fn: StepFn,
    initial_state: Any,
    start_token: int,
    end_token: int,
    max_length: int,
    beam_width: int = 4,
    length_penalty: float = 0.0,
    return_scores: bool = False,
    trace: list | None = None,
) -> list[list[int]] | tuple[list[list[int]], list[float]]:
    """Decode by keeping the ``beam_width`` most probable partial sequences at every step.

    At each step every kept sequence is extended by every token; the ``beam_width`` extensions
    with the highest total log-probability survive (ties: lower beam, then lower token id). A
    sequence that has produced the end token stays in the beam with its score frozen and
    competes with the unfinished ones; the search stops when every kept sequence has finished,
    or after ``max_length`` steps. Among the final ``beam_width`` sequences the answer is the one
    with the highest ``score / length ** length_penalty`` (``length`` counts the generated
    tokens, the end token included), so ``length_penalty=0`` picks the most probable sequence
    and larger values favour longer ones. With ``beam_width=1`` this is ``greedy_search``.

    Args:
        step_fn: ``(tokens (n,), state) -> (log_probs (n, vocab), new_state)`` with
            ``n = batch * beam_width``; see the module docstring.
        initial_state: nested tuple / list / dict of arrays with leading dimension ``batch``
            (not tiled: the search repeats each row ``beam_width`` times).
        start_token: id fed at the first step.
        end_token: id that ends a sequence (not included in the result).
        max_length: most steps; the end token counts as one.
        beam_width: sequences kept per batch item (>= 1).
        length_penalty: exponent ``alpha >= 0`` of the length normalisation.
        return_scores: also return each answer's (normalised) log-probability.
        trace: a list to which the search appends one dict per step, describing the kept
            sequences after that step, each value ``(batch, beam_width)``: ``"parents"`` (the
            slot each one extends), ``"tokens"`` (the token it added), ``"scores"`` (total
            log-probability, ``-inf`` for an empty slot), ``"lengths"`` (tokens generated, the
            end token included) and ``"finished"``. ``plots.plot_beam_tree`` draws it.

    Returns:
        One list of token ids per batch item, without start and end tokens; with
        ``return_scores=True`` a pair ``(sequences, scores)`` with one float per item.

    Raises:
        ValueError: for a bad argument or a ``step_fn`` output of the wrong shape.
    """
    _check_arguments(step_fn, start_token, end_token, max_length)
    if isinstance(beam_width, bool) or not isinstance(beam_width, (int, np.integer)):
        raise ValueError(f"beam_width must be a positive integer; got {beam_width!r}.")
    if beam_width < 1:
        raise ValueError(f"beam_width must be a positive integer; got {beam_width!r}.")
    if not np.isfinite(length_penalty) or length_penalty < 0:
        raise ValueError(f"length_penalty must be a number >= 0; got {length_penalty!r}.")
    if trace is not None and not isinstance(trace, list):
        raise ValueError(f"trace must be a list (or None); got {type(trace).__name__}.")
    n, k = _batch_size(initial_state), int(beam_width)
    state = _map_state(lambda a: np.repeat(np.asarray(a), k, axis=0), initial_state)
    scores = np.full((n, k), -np.inf)
    scores[:, 0] = 0.0  # at the start only one (empty) sequence exists per item
    sequences = np.zeros((n, k, 0), dtype=np.int64)
    lengths = np.zeros((n, k), dtype=np.int64)
    finished = np.zeros((n, k), dtype=bool)
    tokens = np.full(n * k, start_token, dtype=np.int32)
    for _ in range(max_length):
        log_probs, state = step_fn(tokens, state)
        log_probs = _log_probs(log_probs, n * k, end_token)
        vocab = log_probs.shape[1]
        log_probs = log_probs.reshape(n, k, vocab)
        frozen = np.full(vocab, -np.inf)
        frozen[end_token] = 0.0  # a finished sequence continues only as itself, at no cost
        log_probs = np.where(finished[..., None], frozen, log_probs)
        candidates = (scores[..., None] + log_probs).reshape(n, k * vocab)
        top = np.argsort(-candidates, axis=1, kind="stable")[:, :k]  # (n, k)
        beam, token = top // vocab, top % vocab
        scores = np.take_along_axis(candidates, top, axis=1)
        was_finished = np.take_along_axis(finished, beam, axis=1)
        sequences = np.concatenate(
            [np.take_along_axis(sequences, beam[..., None], axis=1), token[..., None]], axis=2
        )
        lengths = np.take_along_axis(lengths, beam, axis=1) + ~was_finished
        finished = was_finished | (token == end_token)
        rows = (np.arange(n)[:, None] * k + beam).reshape(-1)
        state = _map_state(partial(_take_rows, rows=rows), state)
        tokens = token.reshape(-1).astype(np.int32)
        if trace is not None:
            trace.append(
                {
                    "parents": beam.copy(),
                    "tokens": token.copy(),
                    "scores": scores.copy(),
                    "lengths": lengths.copy(),
                    "finished": finished.copy(),
                }
            )
        if (finished | np.isneginf(scores)).all():  # -inf: empty slots when vocab < width
            break
    normalised = normalised_scores(scores, lengths, length_penalty)
    best = normalised.argmax(axis=1)
    out, out_scores = [], []
    for i, j in enumerate(best):
        size = lengths[i, j] - int(finished[i, j])
        out.append(sequences[i, j, :size].tolist())
        out_scores.append(float(normalised[i, j]))
    return (out, out_scores) if return_scores else out


def choose_final(
    scores: np.ndarray, lengths: np.ndarray, length_penalty: float = 0.0
) -> np.ndarray:
    """Which of the final beam's sequences is the answer: the best ``score / length ** alpha``.

    A sequence's log-probability is a sum of negative terms, so every extra token lowers it and
    plain beam search (``alpha = 0``) leans towards short outputs. Dividing by ``length **
    alpha`` compares sequences by their log-probability per token instead (``alpha = 1``), or by
    something in between. The division only ever moves the choice to a *longer* sequence, never
    to a shorter one (scores are <= 0).

    Args:
        scores: ``(..., k)`` total log-probabilities (``-inf`` for empty slots).
        lengths: ``(..., k)`` generated tokens of each sequence, the end token included.
        length_penalty: ``alpha >= 0``.

    Returns:
        ``(...,)`` the index of the chosen sequence along the last axis (ties: the lowest).

    Raises:
        ValueError: for shapes that differ or a negative or non-finite ``length_penalty``.
    """
    return normalised_scores(scores, lengths, length_penalty).argmax(axis=-1)


def normalised_scores(
    scores: np.ndarray, lengths: np.ndarray, length_penalty: float = 0.0
) -> np.ndarray:
    """``scores / max(lengths, 1) ** length_penalty``, with ``-inf`` for empty slots.

    Args:
        scores: ``(..., k)`` total log-probabilities (``-inf`` for empty slots).
        lengths: ``(..., k)`` generated tokens of each sequence, the end token included.
        length_penalty: ``alpha >= 0``.

    Returns:
        ``(..., k)`` float64 normalised scores.

    Raises:
        ValueError: for shapes that differ or a negative or non-finite ``length_penalty``.
    """
    scores = np.asarray(scores, dtype=np.float64)
    lengths = np.asarray(lengths)
    if scores.shape != lengths.shape or scores.ndim < 1:
        raise ValueError(
            f"scores and lengths must have the same shape (..., k); got {scores.shape} and "
            f"{lengths.shape}."
        )
    if not np.isfinite(length_penalty) or length_penalty < 0:
        raise ValueError(f"length_penalty must be a number >= 0; got {length_penalty!r}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        normalised = scores / np.maximum(lengths, 1) ** float(length_penalty)
    return np.where(np.isnan(normalised), -np.inf, normalised)


class PrefixTreeModel:
    """A toy next-token model given as a table: the distribution of the next token per prefix.

    Beam search on it can be followed by hand. ``next_tokens`` maps a prefix (a tuple of
    tokens, ``()`` for the first step) to ``{token: probability}``; whatever probability a
    listed prefix leaves over is shared evenly among the tokens it does not list (``<start>``
    excepted), and every prefix that is not listed continues with all tokens equally likely, so
    an unplanned path pays ``log(vocabulary)`` per step.

    Attributes:
        tokens: id -> token; ``tokens[0]`` is ``"<start>"``, ``tokens[1]`` is ``"<end>"``.
        start_token, end_token: ``0`` and ``1``.

    Args:
        next_tokens: the table; every token it names, other than ``"<end>"``, joins the
            vocabulary in order of first appearance.

    Raises:
        ValueError: for a prefix that is not a tuple of strings, a probability outside [0, 1],
            a row summing to more than 1, or ``"<start>"`` used as a token.
    """

    START, END = "<start>", "<end>"

    def __init__(self, next_tokens: dict[tuple[str, ...], dict[str, float]]) -> None:
        if not isinstance(next_tokens, dict) or not next_tokens:
            raise ValueError("next_tokens must be a non-empty dict {prefix tuple: {token: p}}.")
        tokens = [self.START, self.END]
        for prefix, row in next_tokens.items():
            if not isinstance(prefix, tuple) or not all(isinstance(t, str) for t in prefix):
                raise ValueError(f"prefix {prefix!r} must be a tuple of token strings.")
            if not isinstance(row, dict):
                raise ValueError(f"next_tokens[{prefix!r}] must be a dict {{token: p}}.")
            for token, p in [*((t, None) for t in prefix), *row.items()]:
                if token == self.START:
                    raise ValueError("'<start>' is fed by the search; it cannot be a token.")
                if p is not None and not (np.isfinite(p) and 0.0 <= p <= 1.0):
                    raise ValueError(f"probability {p!r} of {token!r} after {prefix!r}.")
                if token not in tokens:
                    tokens.append(token)
            if sum(row.values()) > 1.0 + 1e-9:
                raise ValueError(f"the probabilities after {prefix!r} sum to more than 1.")
        self.tokens = tokens
        self.start_token, self.end_token = 0, 1
        vocab = len(tokens)
        index = {t: i for i, t in enumerate(tokens)}
        prefixes = list(next_tokens)
        # node 0: before <start>; nodes 1..: the listed prefixes; last node: anything unlisted
        node = {p: i + 1 for i, p in enumerate(prefixes)}
        sink = len(prefixes) + 1
        self._next = np.full((sink + 1, vocab), sink, dtype=np.int64)
        self._log_probs = np.full((sink + 1, vocab), -np.inf)
        self._log_probs[sink, 1:] = -np.log(vocab - 1)
        self._log_probs[0, 1:] = -np.log(vocab - 1)  # never read: <start> is fed at node 0
        if () in node:
            self._next[0, 0] = node[()]
        for prefix, row in next_tokens.items():
            i = node[prefix]
            probs = np.zeros(vocab)
            for token, p in row.items():
                probs[index[token]] = p
            rest = [j for j in range(1, vocab) if tokens[j] not in row]
            if rest:
                probs[rest] = (1.0 - probs.sum()) / len(rest)
            with np.errstate(divide="ignore"):
                self._log_probs[i] = np.log(probs)
            self._log_probs[i, 0] = -np.inf
            for j in range(1, vocab):
                self._next[i, j] = node.get((*prefix, tokens[j]), sink)

    def initial_state(self, batch: int = 1) -> np.ndarray:
        """The state before the first step: ``(batch,)`` node ids."""
        return np.zeros(int(batch), dtype=np.int64)

    def step_fn(self, tokens: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(tokens (n,), nodes (n,)) -> (log_probs (n, vocab), new nodes (n,))``."""
        nodes = self._next[np.asarray(state), np.asarray(tokens)]
        return self._log_probs[nodes], nodes

    def decode(self, ids: Sequence[int]) -> list[str]:
        """Token ids -> tokens."""
        return [self.tokens[i] for i in ids]


class BatchDecoder:
    """Batched greedy or beam decoding for anything with ``initial_state`` and ``step_fn``.

    A subclass sets ``start_token``, ``end_token`` and ``step_fn`` and defines
    ``initial_state(source)``; ``decode`` then runs the searches of this module over a whole
    array of sources, a batch at a time (``models.Seq2SeqInference``,
    ``decoding.Seq2SeqEnsemble``).
    """

    start_token: int
    end_token: int
    step_fn: StepFn
    vocab_size: int  # the width of step_fn's log_probs, where a subclass knows it

    def initial_state(self, source: np.ndarray) -> Any:
        """The search's start state for ``source (batch, Ts)``; defined by each subclass."""
        raise NotImplementedError

    def decode(
        self,
        source: np.ndarray,
        max_length: int,
        method: str = "greedy",
        beam_width: int = 4,
        length_penalty: float = 0.0,
        batch_size: int = 256,
        return_scores: bool = False,
    ) -> list[list[int]] | tuple[list[list[int]], np.ndarray]:
        """Decode every row of ``source (n, Ts)`` in batches.

        Args:
            source: padded source ids.
            max_length: most output steps (the end marker counts as one).
            method: ``"greedy"`` or ``"beam"``.
            beam_width: sequences kept per row, for beam search.
            length_penalty: ``alpha`` of the length normalisation, for beam search.
            batch_size: rows decoded together (beam search runs ``batch_size * beam_width``).
            return_scores: also return each output's log-probability under the model
                (divided by ``length ** length_penalty`` for beam search; greedy search has no
                scores: use ``method="beam", beam_width=1``, which decodes the same).

        Returns:
            One list of output ids per row, without start and end markers; with
            ``return_scores=True`` a pair ``(outputs, scores (n,))``.

        Raises:
            ValueError: for an unknown method or a bad size.
        """
        if method not in ("greedy", "beam"):
            raise ValueError(f"method must be 'greedy' or 'beam'; got {method!r}.")
        if return_scores and method != "beam":
            raise ValueError(
                "return_scores needs method='beam' (beam_width=1 decodes like greedy search)."
            )
        batch_size = positive_int(batch_size, "batch_size")
        source = np.asarray(source, dtype=np.int32)
        out: list[list[int]] = []
        scores: list[float] = []
        for lo in range(0, len(source), batch_size):
            chunk = source[lo : lo + batch_size]
            keep = max(int((chunk != 0).sum(axis=1).max()), 1)
            state = self.initial_state(chunk[:, :keep])
            if method == "greedy":
                out += greedy_search(
                    self.step_fn, state, self.start_token, self.end_token, max_length
                )
            else:
                found, found_scores = beam_search(
                    self.step_fn,
                    state,
                    self.start_token,
                    self.end_token,
                    max_length,
                    beam_width=beam_width,
                    length_penalty=length_penalty,
                    return_scores=True,
                )
                out += found
                scores += found_scores
        return (out, np.array(scores)) if return_scores else out
