"""Self-checks for the exercises of notebook 10 (CTC speech recognition)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.decoding.ctc import ctc_collapse, ctc_min_frames
from course_lib.exercises import run_check


def check_collapse(fn: Callable) -> bool:
    """Exercise 1: ``fn(frame_labels)`` applies the CTC collapsing rule (blank = 0) to a list of
    per-frame labels and returns the label list.
    """

    def check(fn: Callable) -> None:
        cases = [
            ([1, 1, 0, 1, 2, 2], [1, 1, 2]),
            ([0, 3, 3, 3, 0, 0, 4], [3, 4]),
            ([0, 0, 0], []),
            ([5], [5]),
            ([2, 0, 2, 0, 2], [2, 2, 2]),
        ]
        rng = np.random.default_rng(10)
        for _ in range(20):
            frames = [int(v) for v in rng.integers(0, 4, size=rng.integers(1, 12))]
            cases.append((frames, ctc_collapse(frames)))
        for frames, want in cases:
            got = [int(v) for v in fn(list(frames))]
            assert got == want, (
                f"{frames} should collapse to {want}, got {got}: first merge runs of the same "
                "label into one, then remove the blanks (0); a blank between two equal labels "
                "keeps them apart."
            )

    return run_check("Exercise 1 (the collapsing rule)", fn, check)


def check_min_frames(fn: Callable) -> bool:
    """Exercise 2: ``fn(text)`` returns the fewest frames a CTC alignment of ``text`` needs."""

    def check(fn: Callable) -> None:
        for text in ["cat", "three", "hello", "aaa", "a", "bookkeeper", "seven seven"]:
            want = ctc_min_frames([ord(c) for c in text])
            got = fn(text)
            assert int(got) == want, (
                f"{text!r} needs {want} frames, not {got}: one frame per character, plus a "
                "blank wherever the same character appears twice in a row."
            )

    return run_check("Exercise 2 (how many frames a transcript needs)", fn, check)


def check_greedy_decode(fn: Callable) -> bool:
    """Exercise 3: ``fn(probs, alphabet)`` decodes per-frame probabilities ``(frames, classes)``
    (blank at 0, class ``i`` is ``alphabet[i - 1]``) greedily into a string.
    """

    def check(fn: Callable) -> None:
        alphabet = " abcdefghijklmnopqrstuvwxyz"
        rng = np.random.default_rng(11)
        for _ in range(10):
            frames = rng.integers(0, len(alphabet) + 1, size=rng.integers(3, 15))
            frames[rng.random(frames.size) < 0.4] = 0
            frames = np.repeat(frames, rng.integers(1, 3, size=frames.size))
            probs = rng.random((frames.size, len(alphabet) + 1)) * 0.5
            probs[np.arange(frames.size), frames] = 1.0
            probs /= probs.sum(-1, keepdims=True)
            want = "".join(alphabet[i - 1] for i in ctc_collapse(frames))
            got = fn(probs, alphabet)
            assert isinstance(got, str), f"return a string, not {type(got).__name__}."
            assert got == want, (
                f"expected {want!r}, got {got!r}: take the most likely class of each frame, "
                "collapse (merge repeats, drop blanks), then map class i to alphabet[i - 1]."
            )

    return run_check("Exercise 3 (greedy CTC decoding)", fn, check)
