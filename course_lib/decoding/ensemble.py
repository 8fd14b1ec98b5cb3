"""Several models decoding together: averaged next-token distributions and their weights.

Models that share a target vocabulary can decode as one: ``ensemble_step_fn`` turns their step
functions (see ``decoding.search``) into one, whose state is the tuple of theirs;
``mixture_weights`` fits how much each member counts on held-out data; ``Seq2SeqEnsemble``
decodes whole arrays of sources with several ``models.Seq2SeqInference`` objects at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from course_lib.decoding.search import BatchDecoder, StepFn

__all__ = ["ensemble_step_fn", "em_step", "mixture_weights", "Seq2SeqEnsemble"]


def ensemble_step_fn(step_fns: Sequence[StepFn], weights: Sequence[float] | None = None) -> StepFn:
    """One step function that averages the next-token distributions of several models.

    At every step each model reads the same tokens and gives its own distribution; the ensemble's
    distribution is their (weighted) average, ``p = sum_i w_i p_i``, returned as ``log p``. Models
    that err in different places outvote each other's mistakes, which is why averaging a few
    independently trained models is a common way to lower the error of a sequence model.

    Args:
        step_fns: the members' step functions (at least one), all over the same vocabulary.
        weights: one non-negative weight per member, normalised to sum to one (equal when None).

    Returns:
        A step function ``(tokens (n,), states) -> (log_probs (n, vocab), new_states)`` where
        ``states`` is a tuple holding each member's state in order: start the searches from
        ``tuple(member_initial_states)``.

    Raises:
        ValueError: for no member, a member that is not callable or bad weights; when called,
            for a state that is not one per member or members whose vocabularies differ.
    """
    step_fns = tuple(step_fns)
    if not step_fns:
        raise ValueError("step_fns is empty; an ensemble needs at least one step function.")
    for i, fn in enumerate(step_fns):
        if not callable(fn):
            raise ValueError(f"step_fns[{i}] must be callable; got {type(fn).__name__}.")
    if weights is None:
        weights = [1.0] * len(step_fns)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(step_fns),) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(
            f"weights must be {len(step_fns)} non-negative numbers, not all zero; got {weights!r}."
        )
    with np.errstate(divide="ignore"):  # a zero weight silences its member: log 0 = -inf
        log_w = np.log(w / w.sum())

    def step(tokens: np.ndarray, states: Any) -> tuple[np.ndarray, tuple]:
        if not isinstance(states, tuple) or len(states) != len(step_fns):
            raise ValueError(
                f"the ensemble's state must be a tuple of {len(step_fns)} member states "
                f"(one per step function); got {type(states).__name__}."
            )
        outputs = [fn(tokens, s) for fn, s in zip(step_fns, states)]
        members = [np.asarray(log_probs, dtype=np.float64) for log_probs, _ in outputs]
        if len({m.shape for m in members}) != 1:
            raise ValueError(
                "the members' log_probs differ in shape "
                f"({[m.shape for m in members]}): they must share one target vocabulary."
            )
        stacked = np.stack(members) + log_w[:, None, None]  # log(w_i p_i), (members, n, vocab)
        top = stacked.max(axis=0)
        top = np.where(np.isfinite(top), top, 0.0)
        with np.errstate(divide="ignore"):  # a token no member allows stays at -inf
            log_probs = top + np.log(np.exp(stacked - top).sum(axis=0))  # log sum_i w_i p_i
        return log_probs, tuple(new for _, new in outputs)

    return step


def em_step(log_probs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One expectation-maximisation update of mixture weights (the loop of ``mixture_weights``).

    Each token ``j`` is shared among the members in proportion to ``w_m p_m(y_j)``
    (``r_mj = w_m p_m(y_j) / sum_k w_k p_k(y_j)``, computed in log space from the largest term,
    so log-probabilities near -1000 do not underflow), and each new weight is the member's mean
    share ``mean_j r_mj``.

    Args:
        log_probs: ``(members, tokens)`` natural-log probabilities, every token explained by some
            member (``mixture_weights`` checks this).
        weights: ``(members,)`` current weights, non-negative, summing to one; a weight of 0
            stays 0.

    Returns:
        ``(members,)`` new weights, summing to one.
    """
    with np.errstate(divide="ignore"):  # a weight that reached 0 stays there: log 0 = -inf
        joint = np.log(weights)[:, None] + log_probs  # log w_m p_m(y_j)
    top = joint.max(axis=0)  # finite: some member explains every token
    responsibility = np.exp(joint - top)
    responsibility /= responsibility.sum(axis=0)
    return responsibility.mean(axis=1)


def mixture_weights(
    log_probs: Sequence[Sequence[float]] | np.ndarray,
    max_iterations: int = 1000,
    tolerance: float = 1e-8,
) -> np.ndarray:
    """The member weights under which a mixture best predicts held-out tokens (EM).

    Give each member ``m`` the log-probability ``log p_m(y_j)`` it assigns to every true token
    ``y_j`` of held-out sequences (read with teacher forcing, e.g. ``models.target_log_probs``).
    The mixture ``sum_m w_m p_m(y_j)`` gives the tokens the log-likelihood
    ``L(w) = sum_j log sum_m w_m p_m(y_j)``, which is concave in ``w``; expectation-maximisation
    climbs it from equal weights by repeating

    ``r_mj = w_m p_m(y_j) / sum_k w_k p_k(y_j)``  (how much of token j member m explains),
    ``w_m <- mean_j r_mj``,

    which never lowers ``L`` and stops when no weight moves by more than ``tolerance``. The
    weights are meant for ``ensemble_step_fn``: fit them on a validation split, never on the
    test set the ensemble is scored on.

    Args:
        log_probs: ``(members, tokens)`` natural-log probabilities (each <= 0; ``-inf`` where a
            member rules a token out), or one equally long sequence per member.
        max_iterations: most EM updates.
        tolerance: stop when the largest change of a weight is below this.

    Returns:
        ``(members,)`` float64 weights, non-negative, summing to one.

    Raises:
        ValueError: for a shape that is not (members >= 1, tokens >= 1), NaN or positive values,
            a token that every member rules out, or a bad ``max_iterations`` / ``tolerance``.
    """
    try:
        lp = np.asarray(log_probs, dtype=np.float64)
    except ValueError as err:  # ragged sequences
        raise ValueError(
            f"log_probs must be (members, tokens): one equally long sequence per member ({err})."
        ) from None
    if lp.ndim != 2 or lp.shape[0] < 1 or lp.shape[1] < 1:
        raise ValueError(
            f"log_probs must have shape (members, tokens), both at least 1; got {lp.shape}."
        )
    if np.isnan(lp).any() or (lp > 1e-6).any():
        raise ValueError(
            "log_probs must be log-probabilities: <= 0 or -inf, no NaN; got values in "
            f"[{np.nanmin(lp):.3g}, {np.nanmax(lp):.3g}]{' and NaN' if np.isnan(lp).any() else ''}."
        )
    ruled_out = np.isneginf(lp).all(axis=0)
    if ruled_out.any():
        raise ValueError(
            f"{int(ruled_out.sum())} token(s) have probability 0 under every member (first at "
            f"index {int(np.argmax(ruled_out))}); no mixture can explain them."
        )
    if (
        isinstance(max_iterations, bool)
        or not isinstance(max_iterations, int)
        or max_iterations < 1
    ):
        raise ValueError(f"max_iterations must be a positive integer; got {max_iterations!r}.")
    if not (np.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number; got {tolerance!r}.")
    lp = np.minimum(lp, 0.0)
    members = lp.shape[0]
    weights = np.full(members, 1.0 / members)
    for _ in range(max_iterations):
        new = em_step(lp, weights)
        done = np.abs(new - weights).max() < tolerance
        weights = new
        if done:
            break
    return weights / weights.sum()


class Seq2SeqEnsemble(BatchDecoder):
    """Several trained seq2seq models that decode together, their next-token distributions averaged.

    Every member encodes the source itself and keeps its own decoder state; at each step they read
    the same previous token and ``decoding.ensemble_step_fn`` averages their probabilities,
    weighted (``decoding.mixture_weights`` fits the weights on held-out data). The members may
    differ in anything (attention, size, cell) except the target vocabulary.

    Attributes:
        members: the member decoders, in order.
        step_fn: the ensemble's step function for ``decoding.greedy_search`` / ``beam_search``.
        vocab_size: the members' shared target vocabulary size.

    Args:
        members: ``BatchDecoder`` objects with a ``vocab_size`` (e.g. ``models.Seq2SeqInference``)
            and the same start, end and vocabulary size.
        weights: one non-negative weight per member (equal when None).

    Raises:
        ValueError: for no member, a member of another type, or members that disagree on the
            start or end id or on the vocabulary size.
    """

    def __init__(
        self, members: Sequence[BatchDecoder], weights: Sequence[float] | None = None
    ) -> None:
        members = tuple(members)
        if not members:
            raise ValueError("members is empty; an ensemble needs at least one model.")
        for i, member in enumerate(members):
            if not isinstance(member, BatchDecoder) or not hasattr(member, "vocab_size"):
                raise ValueError(
                    f"members[{i}] must be a BatchDecoder with a vocab_size (e.g. a "
                    f"models.Seq2SeqInference); got {type(member).__name__}."
                )
        shared = {(m.start_token, m.end_token, m.vocab_size) for m in members}
        if len(shared) != 1:
            raise ValueError(
                "the members must share start id, end id and target vocabulary size; got "
                f"(start, end, vocab) = {sorted(shared)}."
            )
        self.members = members
        self.start_token, self.end_token = members[0].start_token, members[0].end_token
        self.vocab_size = members[0].vocab_size
        self.step_fn = ensemble_step_fn([m.step_fn for m in members], weights)

    def initial_state(self, source: np.ndarray) -> tuple:
        """Each member's ``initial_state(source)``, in a tuple (the ensemble's state)."""
        return tuple(member.initial_state(source) for member in self.members)
