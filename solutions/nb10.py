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


def min_frames(text):
    """Exercise 2: one frame per character plus one blank between equal neighbours."""
    return len(text) + sum(a == b for a, b in zip(text, text[1:]))


def greedy_decode(probs, alphabet):
    """Exercise 3: best class per frame, collapse, map to characters."""
    best = np.asarray(probs).argmax(axis=-1)
    return "".join(alphabet[i - 1] for i in collapse(list(best)))
