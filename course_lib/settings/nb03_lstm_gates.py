"""Notebook 03, LSTM gates: settings per profile and the bounds of the learning checks.

The bounds were chosen over several seeds and checked on seeds that played no part in choosing
them (``make seeds``); docs/evidence/03_lstm_gates.md and docs/evidence/seed-sweep.md hold the
figures. Margins are meant to cover GPU (cuDNN) numerics too, which have not been measured yet.
"""

from course_lib.settings import Check

COMMON = dict(
    n_train=1500,  # marked-recall training sequences
    units=32,  # width of the benchmark's SimpleRNN and LSTM
    max_epochs=30,  # each model stops earlier once validation accuracy reaches 99 %
    check_lag=30,  # the lag the checks and the gradient comparison use
    noise_channels=4,  # Gaussian distractor channels beside the one-hot symbol and the marker
    gate_lag=10,  # lag of the small model whose gates are plotted
    gate_units=16,
)
# quick runs only the shortest lag and the checked one; standard adds the lags in between and
# beyond, on the same data, so both make the same checks
QUICK = dict(lags=(5, 30), forget_bias_lag=30)
STANDARD = dict(lags=(5, 15, 30, 50, 70), forget_bias_lag=50)
FULL = dict(
    n_train=6000,
    units=64,
    max_epochs=80,
    lags=(5, 20, 50, 100, 150, 200),
    check_lag=100,
    gate_lag=20,
    forget_bias_lag=100,
)

KEY_METRIC = "lstm_accuracy"
CHANCE = dict(fails_for=0.25, fails_for_means="chance, one of four symbols")
CHECKS = dict(
    lstm_accuracy=Check("LSTM accuracy at lag {check_lag}", at_least=0.95, **CHANCE),
    rnn_accuracy=Check(
        "SimpleRNN accuracy at lag {check_lag}", at_most=0.5, fails_for_means="the LSTM"
    ),
    rnn_accuracy_short=Check("SimpleRNN accuracy at lag {lags[0]}", at_least=0.95, **CHANCE),
    gate_model_accuracy=Check("gate-analysis LSTM accuracy", at_least=0.95, **CHANCE),
    selectivity_ratio=Check(
        "LSTM d h_T selectivity / SimpleRNN d h_T selectivity",
        at_least=2,
        fails_for=1.0,
        fails_for_means="no more selective than the SimpleRNN",
    ),
)
