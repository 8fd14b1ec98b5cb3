"""Notebook 01, RNN basics: settings per profile and the bounds of the learning checks.

The bounds were chosen from CPU runs over several seeds, with a margin below the worst, and checked
on seeds that played no part in choosing them (``make seeds``); docs/evidence/01_rnn_basics.md and
docs/evidence/seed-sweep.md hold the figures. Their margins are meant to cover GPU (cuDNN)
numerics too, which have not been measured yet.
"""

from course_lib.settings import Check

COMMON = dict(
    forecast_units=32,  # SimpleRNN units of the CO2 forecaster
    min_window=8,  # shortest history (weeks) the forecasters train on; the longest is 104
    text_chars=465_000,  # characters of Python's documentation for the language model
    clip_demo_steps=100,  # training steps of the clipping demonstration
)
# quick trains the forecasters and the language model for a few epochs only: the feed-forward
# forecaster may not have converged, and the generated text is mostly misspelt
QUICK = dict(
    forecast_epochs=15,
    text_chars=150_000,
    lm_units=128,
    lm_epochs=4,
    generate_chars=200,
    clip_demo_steps=60,
)
STANDARD = dict(forecast_epochs=60, lm_units=256, lm_epochs=20, generate_chars=400)
# full trains a wider forecaster and language model for more epochs; meant for a GPU
FULL = dict(
    forecast_units=64,
    forecast_epochs=100,
    lm_units=512,
    lm_epochs=40,
    generate_chars=600,
)

KEY_METRIC = "mae_vs_naive"
CHECKS = dict(
    mae_vs_naive=Check(
        "CO2 test MAE / naive MAE",
        at_most={"quick": 0.88, "standard": 0.85, "full": 0.85},
        fails_for=1.0,
        fails_for_means="the naive forecast, no change",
    ),
    bits_saved=Check(
        "bits per character saved over the unigram model",
        at_least={"quick": 1.0, "standard": 2.4, "full": 2.4},
        fails_for=0.0,
        fails_for_means="the unigram model, letter frequencies only",
    ),
    blowup_unclipped=Check(
        "largest loss / first loss, no clipping",
        at_least=100,
        fails_for=1.0,
        fails_for_means="a loss that never rises",
    ),
    blowup_clipped=Check(
        "largest loss / first loss, global_clipnorm=1.0",
        at_most=10,
        fails_for_means="the same run without clipping",
    ),
)
