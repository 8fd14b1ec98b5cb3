"""The notebook 07 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb07
from solutions import nb07 as sol


def test_solutions_pass():
    assert nb07.check_convlstm_params(sol.convlstm_params)
    assert nb07.check_bounce_step(sol.bounce_step)
    assert nb07.check_future_leak(sol.future_leak)


def test_wrong_answers_fail():
    # a dense LSTM's count with k*k input features, forgetting that the recurrent kernel is k x k
    assert not nb07.check_convlstm_params(lambda c, f, k: 4 * f * (k * k * c + f + 1))
    assert not nb07.check_convlstm_params(lambda c, f, k: f * (k * k * (c + f) + 1))  # one gate

    def clipped(position, velocity, high):  # stops at the wall instead of bouncing
        new = np.clip(position + velocity, 0, high)
        hit = (position + velocity < 0) | (position + velocity > high)
        return new, np.where(hit, -velocity, velocity)

    assert not nb07.check_bounce_step(clipped)

    def keeps_velocity(position, velocity, high):
        return sol.bounce_step(position, velocity, high)[0], velocity

    assert not nb07.check_bounce_step(keeps_velocity)

    def compares_every_output(predict, clips, t):
        changed = np.array(clips, copy=True)
        changed[:, t:] = 0.5
        return float(np.abs(np.asarray(predict(changed)) - np.asarray(predict(clips))).max())

    assert not nb07.check_future_leak(compares_every_output)

    def perturbs_one_frame(predict, clips, t):
        changed = np.array(clips, copy=True)
        changed[:, t] += 1.0
        return float(np.abs(np.asarray(predict(changed))[:, :t] - predict(clips)[:, :t]).max())

    assert not nb07.check_future_leak(perturbs_one_frame)
