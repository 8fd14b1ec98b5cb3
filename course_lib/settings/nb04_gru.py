"""Notebook 04, GRU: settings per profile and the bounds of the learning checks.

The bounds were chosen from CPU runs over several seeds and checked on seeds that played no part
in choosing them (``make seeds``); docs/evidence/04_gru.md and docs/evidence/seed-sweep.md hold
the figures. Margins are meant to cover GPU (cuDNN) numerics too, which have not been measured yet.
"""

from course_lib.settings import Check

# The marked-recall settings are notebook 03's, so the LSTM rows repeat 03's runs.
COMMON = dict(
    n_train=1500,  # marked-recall training sequences
    n_val=1000,  # validation sequences, scored after every epoch
    units=32,  # width of every recall model
    max_epochs=30,  # each model stops earlier once validation accuracy reaches 99 %
    check_lag=30,  # the lag the checks, the gradient probe, the gate plots and the timing use
    noise_channels=4,  # Gaussian distractor channels beside the one-hot symbol and the marker
    update_bias=1.0,  # added to the update gate's input bias: z starts at sigmoid(1) = 0.73
    train_forget_bias_control=True,  # also train the LSTM with forget bias 0 (the mirror control)
    timing_repeats=5,  # alternating timed epochs of the GRU and the LSTM
    names_per_language=300,  # surnames drawn per language before the split
    name_full_width_lstm=True,  # also train the LSTM at the GRU's width on surnames
    name_units=32,
    name_target=0.6,  # the validation accuracy whose epoch the surname table reports
)
# quick: the checked lag only, validation on 500 sequences each epoch (so its epochs to 99 % may
# differ from notebook 03's); the forget-bias-0 LSTM is not trained (its initial gradients are
# still measured), nor the full-width LSTM on surnames (the weight-matched LSTM is the fair
# comparison)
QUICK = dict(
    n_val=500,
    lags=(30,),
    train_forget_bias_control=False,
    timing_repeats=2,
    name_full_width_lstm=False,
    name_epochs=8,
)
# standard adds the lags around the checked one
STANDARD = dict(lags=(5, 15, 30, 45), name_epochs=30)
FULL = dict(
    n_train=4000,
    units=64,
    max_epochs=80,
    lags=(5, 20, 50, 100, 150),
    check_lag=50,
    name_units=64,
    name_epochs=60,
)

KEY_METRIC = "gru_update_bias_accuracy"
CHANCE = dict(fails_for=0.25, fails_for_means="chance, one of four symbols")
NAME_CHANCE = dict(fails_for=1 / 6, fails_for_means="chance, one of six languages")
CHECKS = dict(
    gru_update_bias_accuracy=Check(
        "GRU (update bias 1) accuracy at lag {check_lag}", at_least=0.95, **CHANCE
    ),
    lstm_accuracy=Check("LSTM accuracy at lag {check_lag}", at_least=0.95, **CHANCE),
    epochs_saved=Check(  # a run that never reaches 99 % counts as the budget + 1
        "epochs to 99 %, default GRU minus GRU with update bias 1",
        at_least=1,
        fails_for=0.0,
        fails_for_means="no faster",
    ),
    initial_gradient_ratio=Check(
        "initial gradient from the marked step, update bias 1 / default",
        at_least=100,
        fails_for=1.0,
        fails_for_means="no stronger than the default GRU's",
    ),
    gru_surname_accuracy=Check("GRU surname test accuracy", at_least=0.6, **NAME_CHANCE),
    matched_lstm_surname_accuracy=Check(
        "LSTM, matched weights surname test accuracy", at_least=0.6, **NAME_CHANCE
    ),
    lstm_surname_accuracy=Check("LSTM surname test accuracy", at_least=0.6, **NAME_CHANCE),
)
