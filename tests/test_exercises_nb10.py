"""The notebook 10 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb10
from solutions import nb10 as sol


def test_solutions_pass():
    assert nb10.check_collapse(sol.collapse)
    assert nb10.check_min_frames(sol.min_frames)
    assert nb10.check_greedy_decode(sol.greedy_decode)


def test_wrong_answers_fail():
    def blanks_first(frames):  # drops blanks before merging: "a _ a" wrongly becomes "a"
        return sol.collapse([f for f in frames if f != 0] + [0]) if frames else []

    assert not nb10.check_collapse(blanks_first)
    assert not nb10.check_collapse(lambda frames: [f for f in frames if f != 0])
    assert not nb10.check_min_frames(len)
    assert not nb10.check_min_frames(lambda text: 2 * len(text) + 1)

    def no_collapse(probs, alphabet):
        return "".join(alphabet[i - 1] for i in np.asarray(probs).argmax(-1) if i > 0)

    assert not nb10.check_greedy_decode(no_collapse)

    def off_by_one(probs, alphabet):
        return "".join(alphabet[i] for i in sol.collapse(list(np.asarray(probs).argmax(-1))))

    assert not nb10.check_greedy_decode(off_by_one)
    assert not nb10.check_greedy_decode(lambda p, a: (_ for _ in ()).throw(NotImplementedError))
