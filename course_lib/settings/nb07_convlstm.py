"""Notebook 07, ConvLSTM: settings per profile and the bounds of the learning checks.

The bounds were chosen from CPU runs over several seeds and checked on seeds that played no part
in choosing them (``make seeds``); docs/evidence/07_convlstm.md and docs/evidence/seed-sweep.md
hold the figures. Margins are meant to cover GPU (cuDNN) numerics too, which have not been
measured yet.
"""

from course_lib.settings import Check

COMMON = dict(
    max_speed=1,  # pixels a digit moves per frame, at most (exercise 1: what a kernel reaches)
    batch_size=16,
    # quick and standard make clips of moving scikit-learn digits offline; full reads the public
    # Moving MNIST set (20 frames of 64x64, downsampled to canvas) through tensorflow-datasets
    use_moving_mnist=False,
)
QUICK = dict(
    n_train=600,
    n_test=200,
    frames=8,
    context=4,  # frames a model sees before it forecasts the rest on its own
    canvas=16,
    filters=8,
    kernel_size=3,
    epochs=8,
    baseline_epochs=4,  # the frame CNN's and the hybrid's
    leaky_epochs=4,  # the leaky model's, compared with the ConvLSTM after as many epochs
    learning_rate=1e-2,
    hybrid_units=64,
)
STANDARD = dict(
    n_train=1600,
    n_test=300,
    frames=10,
    context=5,
    canvas=16,
    filters=12,
    kernel_size=3,
    epochs=12,
    baseline_epochs=8,
    leaky_epochs=3,
    learning_rate=5e-3,
    hybrid_units=128,
)
FULL = dict(
    n_train=9000,
    n_test=1000,
    frames=20,
    context=10,
    canvas=32,
    filters=32,
    kernel_size=5,
    epochs=20,
    baseline_epochs=10,
    leaky_epochs=3,
    learning_rate=1e-3,
    hybrid_units=256,
    use_moving_mnist=True,
)

KEY_METRIC = "one_step_mse"
CHECKS = dict(
    one_step_mse=Check(
        "ConvLSTM one-step MSE",
        at_most={"quick": 0.025, "standard": 0.02, "full": 0.02},
        fails_for_means="copying the last frame",  # measured on the test clips
    ),
    baseline_gain=Check(
        "best baseline's one-step MSE / ConvLSTM's",
        at_least={"quick": 1.2, "standard": 1.5, "full": 1.5},
        fails_for=1.0,
        fails_for_means="a ConvLSTM no better than the best baseline",
    ),
    # the leaky model wins on validation loss (it copies the target) and loses on forecasts
    leak_val_gain=Check(
        "honest / leaky validation loss after the same epochs",
        at_least=1.2,
        fails_for=1.0,
        fails_for_means="a leak that did not lower the validation loss",
    ),
    leak_forecast_loss=Check(
        "leaky / ConvLSTM one-step MSE",
        at_least=1.2,
        fails_for=1.0,
        fails_for_means="a leaky model that forecasts as well",
    ),
)
