"""Notebook 02, sequence shapes: settings per profile and the bounds of the learning checks.

The bounds were chosen from CPU runs over several seeds, with a margin below the worst, and checked
on seeds that played no part in choosing them (``make seeds``); docs/evidence/02_sequence_shapes.md
and docs/evidence/seed-sweep.md hold the figures. Their margins are meant to cover GPU (cuDNN)
numerics too, which have not been measured yet.
"""

from course_lib.settings import Check

COMMON = dict(
    names_per_language=340,  # surnames drawn per language (before duplicates are dropped)
    name_units=64,  # GRU units of the surname classifiers and generator
    # each pixel of the digits repeated in a block of this size: 2 gives 256 steps per image
    pixel_upsample=2,
    hybrid_strides=(4, 4),  # strides of the Conv1D layers in front of the GRU (total 16)
)
# quick: fewer names, less text and short training. The digits keep their 64 pixels, so one
# stride of 4 leaves the GRU the same 16 steps; with so few steps the time saved is smaller.
# Without a mask the GRU trails the masked one after these few epochs, and doubling the padding
# changes more of its answers, hence the higher bound on that share.
QUICK = dict(
    names_per_language=200,
    name_epochs=8,
    generator_epochs=10,
    tag_chars=50_000,
    tag_epochs=5,
    pixel_upsample=1,
    hybrid_strides=(4,),
    hybrid_epochs=5,
)
# standard: early stopping lets each classifier train as long as it improves, so the GRU without
# a mask can learn to carry its state through the padding it was trained on
STANDARD = dict(
    name_epochs=30,
    generator_epochs=30,
    tag_chars=200_000,
    tag_epochs=8,
    hybrid_epochs=25,
)
# full trains wider surname models, on more text, for more epochs; meant for a GPU
FULL = dict(
    name_units=128,
    name_epochs=40,
    generator_epochs=50,
    tag_chars=465_000,
    tag_epochs=15,
    hybrid_epochs=50,
)

KEY_METRIC = "language_accuracy"
CHANCE = dict(fails_for=1 / 6, fails_for_means="chance, one of six languages")
CHECKS = dict(
    language_accuracy=Check(
        "surname language test accuracy",
        at_least={"quick": 0.52, "standard": 0.62, "full": 0.62},
        **CHANCE,
    ),
    # 0 on a CPU; a GPU's round-off could flip a near-tie
    padding_masked=Check(
        "answers changed by padding, masked",
        at_most=0.01,
        fails_for_means="the GRU without a mask",
    ),
    padding_unmasked=Check(
        "answers changed by padding, no mask",
        at_least={"quick": 0.35, "standard": 0.15, "full": 0.15},
        fails_for_means="the masked GRU",
    ),
    generated_agreement=Check(
        "generated names classified as the language asked for",
        at_least={"quick": 0.4, "standard": 0.55, "full": 0.55},
        **CHANCE,
    ),
    tagger_gain=Check(
        "tagger accuracy minus the best tagger without memory",
        at_least=1e-4,
        fails_for=0.0,
        fails_for_means="no better than the best tagger without memory",
    ),
    tagger_accuracy=Check(
        "parenthesis tagger accuracy",
        at_least={"quick": 0.95, "standard": 0.995, "full": 0.995},
        fails_for_means="the best tagger without memory",
    ),
    hybrid_accuracy=Check(
        "Conv1D + GRU accuracy",
        at_least={"quick": 0.72, "standard": 0.9, "full": 0.9},
        fails_for=0.1,
        fails_for_means="chance, one of ten digits",
    ),
)
