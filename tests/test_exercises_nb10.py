"""The notebook 10 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb10
from course_lib.solutions import nb10 as sol


def test_solutions_pass():
    assert nb10.check_collapse(sol.collapse)
    assert nb10.check_ctc_backward(sol.ctc_backward)
    assert nb10.check_prefix_beam_step(sol.prefix_beam_step)
    assert nb10.check_rescore(sol.rescore)


def test_wrong_answers_fail():
    def blanks_first(frames):  # drops blanks before merging: "a _ a" wrongly becomes "a"
        return sol.collapse([f for f in frames if f != 0] + [0]) if frames else []

    assert not nb10.check_collapse(blanks_first)
    assert not nb10.check_collapse(lambda frames: [f for f in frames if f != 0])

    def skips_equal_labels(log_probs, labels, blank=0):  # no exception for equal neighbours
        ext = [blank]
        for label in labels:
            ext += [label, blank]
        beta = np.full((len(log_probs), len(ext)), -np.inf)
        beta[-1, -2:] = log_probs[-1, ext[-2]], log_probs[-1, ext[-1]]
        for t in range(len(log_probs) - 2, -1, -1):
            for s in range(len(ext)):
                terms = [beta[t + 1, j] for j in (s, s + 1) if j < len(ext)]
                if s + 2 < len(ext) and ext[s] != blank:
                    terms.append(beta[t + 1, s + 2])
                beta[t, s] = np.logaddexp.reduce(terms) + log_probs[t, ext[s]]
        return beta

    def without_own_frame(log_probs, labels):  # leaves p_t(y'_s) out of beta[t, s]
        beta = sol.ctc_backward(log_probs, labels)
        ext = [0]
        for label in labels:
            ext += [label, 0]
        return beta - log_probs[:, ext]

    for wrong in (skips_equal_labels, without_own_frame):
        assert not nb10.check_ctc_backward(wrong), wrong.__name__
    assert not nb10.check_collapse(lambda f: (_ for _ in ()).throw(NotImplementedError))


def _step(beams, lp, *, merge=True, blank_rule=True):
    """The solution's step with one of its rules switched off."""
    new = {}

    def add(prefix, part, value):
        b, nb = new.get(prefix, (-np.inf, -np.inf))
        new[prefix] = (np.logaddexp(b, value), nb) if part == 0 else (b, np.logaddexp(nb, value))

    for prefix, (p_b, p_nb) in beams.items():
        total = np.logaddexp(p_b, p_nb)
        add(prefix, 0, total + lp[0])
        if prefix and merge:
            add(prefix, 1, p_nb + lp[prefix[-1]])
        for k in range(1, len(lp)):
            repeat = blank_rule and prefix and k == prefix[-1]
            add(prefix + (k,), 1, (p_b if repeat else total) + lp[k])
    return new


def test_beam_step_checks_catch_the_classic_mistakes():
    assert nb10.check_prefix_beam_step(_step)
    assert not nb10.check_prefix_beam_step(lambda b, lp: _step(b, lp, merge=False))
    assert not nb10.check_prefix_beam_step(lambda b, lp: _step(b, lp, blank_rule=False))

    def adds_logs(beams, lp):  # the blank term adds log p_b + log p_nb instead of logaddexp
        new = _step(beams, lp)
        for prefix, (p_b, p_nb) in beams.items():
            new[prefix] = (p_b + p_nb + lp[0], new[prefix][1])
        return new

    assert not nb10.check_prefix_beam_step(adds_logs)
    assert not nb10.check_prefix_beam_step(lambda b, lp: (_ for _ in ()).throw(NotImplementedError))


def test_rescore_checks_catch_wrong_scores():
    def no_bonus(hyps, lm, alpha, beta):
        return sol.rescore(hyps, lm, alpha, 0.0)

    def unweighted(hyps, lm, alpha, beta):
        return sol.rescore(hyps, lm, 1.0, beta)

    def whole_prefix(hyps, lm, alpha, beta):  # conditions every label on the whole transcript
        def score(labels, log_prob):
            return log_prob + alpha * sum(lm(tuple(labels), k) for k in labels) + beta * len(labels)

        return max(hyps, key=lambda h: score(*h))[0]

    for wrong in (no_bonus, unweighted, whole_prefix, lambda h, lm, a, b: h[0][0]):
        assert not nb10.check_rescore(wrong)
