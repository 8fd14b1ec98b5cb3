"""Notebook 08b, pronunciation ensemble and benchmark: settings per profile and check bounds.

The bounds were chosen from CPU runs over several seeds (``make seeds``);
docs/evidence/08b_g2p_benchmark.md and docs/evidence/seed-sweep.md hold the figures, including
what the full profile reached. Margins are meant to cover GPU (cuDNN) numerics too, which have
not been measured yet.

The members are notebook 08's pronunciation models: where 08 saved them at the same profile,
seed and training settings (the standard and full profiles), 08b loads them instead of training
them again. The quick profile trains its own: two wider members on more words than 08's quick
models, to stay under a minute.
"""

from course_lib.settings import Check

COMMON = dict(
    members=("none", "bahdanau", "luong"),  # the attention of each member
    batch_size=64,
    learning_rate=4e-3,
    dropout=0.0,
    beam_width=4,
    cosine_decay=False,  # let the step size fall to zero by the last batch
    fit_verbose=0,  # Keras' progress lines: 2 prints one per epoch
)
QUICK = dict(
    g2p_train=4000,  # training words (None: the whole training split)
    g2p_test=300,  # test words decoded (None: the whole test split)
    g2p_validation=300,  # validation words the mixture weights are fitted on (None: all)
    g2p_units=48,
    g2p_epochs=5,
    members=("none", "bahdanau"),  # two members, to stay under a minute
)
STANDARD = dict(
    g2p_train=24000,
    g2p_test=2000,
    g2p_validation=2000,
    g2p_units=64,
    g2p_epochs=8,
)
# full: the whole CMUdict training split, for a GPU; only its figures belong beside the
# published ones. Each model keeps a checkpoint per epoch, and a rerun resumes from it.
FULL = dict(
    g2p_train=None,
    g2p_test=None,
    g2p_validation=None,
    g2p_units=256,
    g2p_epochs=15,
    batch_size=256,
    learning_rate=3e-3,
    dropout=0.3,
    beam_width=8,
    cosine_decay=True,
    fit_verbose=2,
)

KEY_METRIC = "ensemble_wer"
CHECKS = dict(
    ensemble_wer=Check(
        "G2P WER (ensemble, beam)",
        at_most={"quick": 0.85, "standard": 0.60, "full": 0.35},
        fails_for=1.0,
        fails_for_means="every word wrong",
    ),
    ensemble_gain=Check(
        "ensemble WER below the best member's",
        at_least={"standard": 0.01, "full": 0.01},
        fails_for=0.0,
        fails_for_means="an ensemble no better than its best member",
        skip={"quick": "one member is too weak for averaging to pay"},
    ),
)
