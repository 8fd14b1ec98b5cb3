"""The notebook 07 exercise checks pass on the solutions and fail on wrong answers."""

import numpy as np

from course_lib.exercises import nb07
from course_lib.solutions import nb07 as sol


def test_solutions_pass():
    assert nb07.check_steps_to_reach(sol.steps_to_reach)
    assert nb07.check_convlstm_peepholes(sol.convlstm_peephole_forward)
    assert nb07.check_future_leak(sol.future_leak)


def test_wrong_answers_fail():
    # L * (k // 2) pixels at every step (only the first step crosses all layers), the layers
    # forgotten, and a count that starts at 1 for the step reading the frame
    def per_step_all_layers(d, k, layers):
        return -(-d // (layers * (k // 2))) if d else 0

    assert not nb07.check_steps_to_reach(per_step_all_layers)
    assert not nb07.check_steps_to_reach(lambda d, k, layers: sol.steps_to_reach(d, k, 1))
    assert not nb07.check_steps_to_reach(lambda d, k, layers: sol.steps_to_reach(d, k, layers) + 1)

    def without_peepholes(x, k, r, b, peepholes):
        return sol.convlstm_peephole_forward(x, k, r, b, np.zeros_like(peepholes))

    def output_reads_old_cell(x, k, r, b, peepholes):  # w_co * C_(t-1) instead of w_co * C_t
        sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        w_ci, w_cf, w_co = peepholes
        h = np.zeros((*x.shape[:1], *x.shape[2:4], r.shape[2]))
        c, states = np.zeros_like(h), []
        for t in range(x.shape[1]):
            z = sol._conv_same(x[:, t], k) + sol._conv_same(h, r) + b
            z_i, z_f, z_g, z_o = np.split(z, 4, axis=-1)
            o = sigmoid(z_o + w_co * c)
            c = sigmoid(z_f + w_cf * c) * c + sigmoid(z_i + w_ci * c) * np.tanh(z_g)
            h = o * np.tanh(c)
            states.append(h)
        return np.stack(states, 1)

    def gates_swapped(x, k, r, b, peepholes):  # reads the blocks as f, i, g, o
        n = r.shape[-1] // 4
        perm = np.r_[n : 2 * n, 0:n, 2 * n : 4 * n]
        return sol.convlstm_peephole_forward(x, k[..., perm], r[..., perm], b[perm], peepholes)

    for wrong in (without_peepholes, output_reads_old_cell, gates_swapped):
        assert not nb07.check_convlstm_peepholes(wrong), wrong.__name__

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


def test_steps_to_reach_matches_a_stacked_convlstm():
    import keras

    size, centre, frames = 15, 7, 5
    for kernel_size, layers in [(3, 1), (3, 2), (5, 1)]:
        keras.utils.set_random_seed(kernel_size + layers)
        model = keras.Sequential(
            [keras.Input((frames, size, size, 1))]
            + [
                keras.layers.ConvLSTM2D(2, kernel_size, padding="same", return_sequences=True)
                for _ in range(layers)
            ]
        )
        clips = np.random.default_rng(0).random((1, frames, size, size, 1)).astype("float32")
        poked = clips.copy()
        poked[0, 0, centre, centre, 0] += 1.0  # one pixel of the first frame
        changed = np.abs(np.asarray(model(poked)) - np.asarray(model(clips))).max(axis=(0, -1)) > 0
        rows, cols = np.indices((size, size))
        distance = np.maximum(abs(rows - centre), abs(cols - centre))
        for n in range(frames):
            reached = distance <= max(
                d for d in range(centre + 1) if sol.steps_to_reach(d, kernel_size, layers) <= n
            )
            np.testing.assert_array_equal(changed[n], reached, err_msg=f"k={kernel_size}, n={n}")
