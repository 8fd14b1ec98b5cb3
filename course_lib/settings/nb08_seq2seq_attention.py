"""Notebook 08, seq2seq with attention: settings per profile and the bounds of the learning checks.

The bounds were chosen from CPU runs over several seeds and checked on seeds that played no part
in choosing them (``make seeds``); docs/evidence/08_seq2seq_attention.md and
docs/evidence/seed-sweep.md hold the figures. Margins are meant to cover GPU (cuDNN) numerics
too, which have not been measured yet.

Notebook 08b loads the pronunciation models saved here when its run has the same profile, seed
and training settings (``g2p_train``, ``g2p_units``, ``g2p_epochs``, ``batch_size``,
``learning_rate``, ``cosine_decay``, ``dropout``); at the standard and full profiles they agree.
"""

from course_lib.settings import Check

COMMON = dict(
    date_units=32,  # each encoder direction of the date model; its decoder has twice as many
    batch_size=64,
    learning_rate=4e-3,
    dropout=0.0,
    beam_width=4,  # the beam of the error rates
    length_penalty=1.0,  # alpha of the length-normalised rows of the length table
    cosine_decay=False,  # let the step size fall to zero by the last batch
    fit_verbose=0,  # Keras' progress lines: 2 prints one per epoch
    classify_train=300,  # labelled dates for the language classifier
    classify_epochs=10,
)
# quick: fewer dates and words, narrower models, fewer epochs, a beam of 8 for the wide rows
QUICK = dict(
    date_train=1500,
    # 8 epochs left the date model below its bound on 2 of 20 new seeds (6007: 0.794, 6018:
    # 0.748); 10 epochs gave 0.922 and 0.902 there (docs/evidence/08_seq2seq_attention.md)
    date_epochs=10,
    g2p_train=3000,  # training words (None: the whole training split)
    g2p_test=300,  # test words decoded (None: the whole test split)
    g2p_units=32,
    bottleneck_words=2000,  # validation words of the bottleneck measure (None: all)
    g2p_epochs=5,
    wide_beam=8,
    classify_epochs=8,
)
STANDARD = dict(
    date_train=6000,
    date_epochs=10,
    g2p_train=24000,
    g2p_test=2000,
    g2p_units=64,
    bottleneck_words=3000,
    g2p_epochs=8,
    wide_beam=16,
)
# full: the whole CMUdict training split, wider models with dropout and a cosine schedule, for a
# GPU; each model keeps a checkpoint per epoch, and a rerun resumes from it
FULL = dict(
    date_train=20000,
    date_units=64,
    date_epochs=20,
    g2p_train=None,
    g2p_test=None,
    g2p_units=256,
    bottleneck_words=None,
    g2p_epochs=15,
    batch_size=256,
    learning_rate=3e-3,
    dropout=0.3,
    beam_width=8,
    wide_beam=32,
    cosine_decay=True,
    fit_verbose=2,
)

KEY_METRIC = "g2p_wer_bahdanau"
NOTHING_RIGHT = dict(fails_for=0.0, fails_for_means="a model that gets nothing right")
WRITES_NOTHING = dict(fails_for=1.0, fails_for_means="a model that writes nothing")
WER = {"quick": 0.88, "standard": 0.60, "full": 0.35}
PER = {"quick": 0.40, "standard": 0.18, "full": 0.10}
CHECKS = dict(
    date_exact=Check(
        "date exact match", at_least={"quick": 0.8, "standard": 0.99, "full": 0.99}, **NOTHING_RIGHT
    ),
    g2p_wer_bahdanau=Check("G2P WER (bahdanau, beam)", at_most=WER, **WRITES_NOTHING),
    g2p_per_bahdanau=Check("G2P PER (bahdanau, beam)", at_most=PER, **WRITES_NOTHING),
    g2p_wer_luong=Check("G2P WER (luong, beam)", at_most=WER, **WRITES_NOTHING),
    g2p_per_luong=Check("G2P PER (luong, beam)", at_most=PER, **WRITES_NOTHING),
    long_gain=Check(
        "attention's gain in phoneme accuracy, long words",
        at_least={"quick": 0.08, "standard": 0.05, "full": 0.02},
        fails_for=0.0,
        fails_for_means="attention no better than none",
    ),
    # the full profile's bound is a guess, not yet measured
    interaction=Check(
        "attention's gain, long words minus short words",
        at_least={"standard": 0.03, "full": 0.0},
        fails_for=-0.05,
        fails_for_means="attention helping short words more",
        skip={
            "quick": "after a few epochs the model without attention can stay weak at every "
            "length, and the interaction then falls on either side of zero"
        },
    ),
    classify_accuracy=Check(
        "language identification accuracy",
        at_least={"quick": 0.6, "standard": 0.75, "full": 0.75},
        fails_for_means="the most frequent language",
    ),
)
