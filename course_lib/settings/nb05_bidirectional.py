"""Notebook 05, bidirectional RNNs: settings per profile and the bounds of the learning checks.

The bounds were chosen from CPU runs over several seeds and checked on seeds that played no part
in choosing them (``make seeds``); docs/evidence/05_bidirectional.md and
docs/evidence/seed-sweep.md hold the figures. Margins are meant to cover GPU (cuDNN) numerics too,
which have not been measured yet.
"""

from course_lib.settings import Check

COMMON = dict(
    # word-boundary tagging: windows of letters from Python's documentation
    seq_len=64,
    units=32,  # every tagger's width, one-way and per direction
    wide_units=48,  # the wide one-way tagger: about the bidirectional one's weights
    embedding_dim=16,
    batch_size=64,
    learning_rate=1e-2,
    cells=("simple_rnn", "lstm", "gru"),  # each trained one-way and bidirectional
    main_cell="gru",  # the cell of the wide tagger, the plots and the echo task
    # the leaky language model: next character at every step
    lm_seq_len=32,
    prefix_lengths=(4, 8, 16, 32),  # prefixes the causal accuracy is scored on
    # the echo task: does the backward chain regularise?
    echo_train=64,  # few training sequences, so the one-way tagger overfits
    echo_len=40,
    echo_flip=0.2,  # share of training tags inverted at random
    echo_epochs=60,
    # IMDB reviews (tensorflow-datasets, about 80 MB to download), only when imdb is on
    imdb=False,
    imdb_examples=None,  # None: every review
    imdb_max_len=200,
    imdb_vocab=20_000,
    imdb_units=64,
    imdb_epochs=3,
)
# quick trains the GRU only, on less data, to stay within its minute
QUICK = dict(
    n_train=1000,
    n_val=400,
    epochs=5,
    cells=("gru",),
    lm_train=800,
    lm_units=32,
    lm_epochs=3,
)
STANDARD = dict(n_train=2000, n_val=800, epochs=6, lm_train=2000, lm_units=48, lm_epochs=4)
# full also downloads IMDB and compares a one-way and a bidirectional LSTM classifier on it
FULL = dict(
    n_train=20_000,
    n_val=3000,
    units=64,
    wide_units=96,
    epochs=15,
    batch_size=128,
    learning_rate=5e-3,
    lm_train=10_000,
    lm_units=128,
    lm_epochs=6,
    imdb=True,
)

KEY_METRIC = "bi_accuracy"
# quick trains on half the windows for fewer epochs, so its taggers and its leaky language model
# reach lower accuracies
GAIN = dict(at_least=0.04, fails_for=0.0, fails_for_means="no gain")
CHECKS = dict(
    bi_accuracy=Check(  # the notebook passes the majority tag's accuracy as fails_for
        "bidirectional word-boundary accuracy",
        at_least={"quick": 0.89, "standard": 0.93, "full": 0.93},
        fails_for_means="always the more frequent tag",
    ),
    gain_simple_rnn=Check("simple_rnn: bidirectional minus one-way accuracy", **GAIN),
    gain_lstm=Check("lstm: bidirectional minus one-way accuracy", **GAIN),
    gain_gru=Check("gru: bidirectional minus one-way accuracy", **GAIN),
    gain_over_wide=Check(  # the gain is not just capacity
        "bidirectional minus wider one-way accuracy",
        at_least=0.04,
        fails_for=0.0,
        fails_for_means="no gain over as many weights one-way",
    ),
    echo_memorised=Check(  # the regularisation test has power: the one-way tagger overfits
        "echo task: inverted training tags memorised, one-way",
        at_least=0.1,
        fails_for=0.0,
        fails_for_means="a tagger that memorised none",
    ),
    echo_memorised_ratio=Check(  # one pair of runs rules out only a strong regulariser
        "echo task: memorised, bidirectional / one-way",
        at_least=0.5,
        fails_for=0.25,
        fails_for_means="a second chain that cut memorisation to a quarter",
    ),
    leak_accuracy=Check(  # the notebook passes the most frequent character's share as fails_for
        "leaky model validation accuracy",
        at_least={"quick": 0.75, "standard": 0.93, "full": 0.93},
        fails_for_means="always the most frequent character",
    ),
    leak_drop=Check(
        "leaky model: validation minus causal accuracy",
        at_least=0.45,
        fails_for=0.0,
        fails_for_means="no drop",
    ),
    causal_cost=Check(  # used causally, the leak must hurt
        "causal accuracy, one-way minus leaky",
        at_least=1e-4,
        fails_for=0.0,
        fails_for_means="a leaky model as good as the one-way one",
    ),
)
