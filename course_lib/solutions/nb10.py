"""Solutions to the exercises of notebook 10 (CTC speech recognition)."""

from __future__ import annotations

import numpy as np


def collapse(frame_labels):
    """Exercise 1: merge runs of equal labels, then drop the blanks (0)."""
    out, previous = [], None
    for label in frame_labels:
        if label != previous and label != 0:
            out.append(label)
        previous = label
    return out


def ctc_backward(log_probs, labels, blank=0):
    """Exercise 2: log beta, the forward recursion run from the last frame backwards."""
    ext = [blank]
    for label in labels:
        ext += [label, blank]
    frames, states = len(log_probs), len(ext)
    beta = np.full((frames, states), -np.inf)
    beta[-1, -1] = log_probs[-1, ext[-1]]  # the final blank ...
    if states > 1:
        beta[-1, -2] = log_probs[-1, ext[-2]]  # ... or the last label
    for t in range(frames - 2, -1, -1):
        for s in range(states):
            terms = [beta[t + 1, s]]  # stay
            if s + 1 < states:
                terms.append(beta[t + 1, s + 1])  # move on
            if s + 2 < states and ext[s] != blank and ext[s] != ext[s + 2]:
                terms.append(beta[t + 1, s + 2])  # skip a blank between different labels
            beta[t, s] = np.logaddexp.reduce(terms) + log_probs[t, ext[s]]
    return beta


def prefix_beam_step(beams, frame_log_probs):
    """Exercise 3: every prefix stays (blank, or its last label again) or grows by one label."""
    new = {}

    def add(prefix, part, value):
        b, nb = new.get(prefix, (-np.inf, -np.inf))
        new[prefix] = (np.logaddexp(b, value), nb) if part == 0 else (b, np.logaddexp(nb, value))

    for prefix, (p_b, p_nb) in beams.items():
        total = np.logaddexp(p_b, p_nb)
        add(prefix, 0, total + frame_log_probs[0])  # a blank
        if prefix:
            add(prefix, 1, p_nb + frame_log_probs[prefix[-1]])  # the last label again: merged
        for k in range(1, len(frame_log_probs)):
            before = p_b if prefix and k == prefix[-1] else total  # "aa" needs a blank between
            add(prefix + (k,), 1, before + frame_log_probs[k])
    return new


def rescore(hypotheses, lm, alpha, beta):
    """Exercise 4: the CTC score plus the weighted LM score plus a bonus per label."""

    def score(labels, log_prob):
        lm_log_prob = sum(lm(tuple(labels[:i]), k) for i, k in enumerate(labels))
        return log_prob + alpha * lm_log_prob + beta * len(labels)

    return max(hypotheses, key=lambda h: score(*h))[0]
