"""Notebook 10, CTC speech recognition: settings per profile and the bounds of the checks.

The bounds were chosen over several seeds and checked on seeds that played no part in choosing
them (``make seeds``); docs/evidence/10_ctc_speech.md and docs/evidence/seed-sweep.md hold the
figures. Margins are meant to cover GPU (cuDNN) numerics too, which have not been measured yet.
"""

from course_lib.settings import Check

COMMON = dict(
    dataset="synthetic",  # eSpeak NG voices, synthesised offline ("ljspeech": LJ Speech recordings)
    vocabulary="commands",  # the ten digits and the ten Speech Commands words
    min_words=2,  # words per transcript
    max_words=4,
    n_val=200,
    n_test=400,
    train_snr_db=(10.0, 40.0),  # white noise added to the training utterances
    n_test_variants=10,  # voice variants heard only in the test set
    n_mels=40,
    filters=64,  # channels of each convolution of the front end
    units=96,  # GRU units per direction
    rnn_layers=2,  # bidirectional GRU layers
    batch_size=32,
    epochs=20,
    learning_rate=3e-3,
    augment=True,  # SpecAugment-style masks on the training features
    time_mask=5,  # the longest masked span of frames
    freq_mask=4,  # the widest masked band of mel channels
    beam_width=16,
    noise_levels=(None, 30.0, 20.0, 10.0, 5.0, 0.0),  # test SNRs in dB (None: clean)
    n_noise_test=200,
    n_beam_check=20,  # test utterances on which the written-out beam search meets Keras'
    lm_grid=((0.3, 0.5), (0.6, 1.0), (1.0, 1.5)),  # (alpha, beta) tried on the validation set
    lm_min_prob=1e-3,  # labels below this probability on a frame are not tried by the search
)
# quick: the ten digits only, one recurrent layer, no feature masks, fewer noise levels
QUICK = dict(
    vocabulary="digits",
    n_train=800,
    n_val=100,
    n_test=200,
    filters=48,
    units=64,
    rnn_layers=1,
    epochs=8,
    augment=False,
    noise_levels=(None, 20.0, 10.0, 5.0),
    n_noise_test=100,
    n_beam_check=12,
)
STANDARD = dict(n_train=3000)
# full: LJ Speech recordings (one speaker, read sentences; a download of about 2.6 GB) and a
# larger recogniser; meant for a GPU
FULL = dict(
    dataset="ljspeech",
    vocabulary="words",
    n_train=12000,
    n_test=600,
    n_mels=80,
    filters=128,
    units=256,
    rnn_layers=3,
    epochs=30,
    learning_rate=1e-3,
    time_mask=10,
    freq_mask=8,
    beam_width=32,
)

KEY_METRIC = "greedy_cer"
BLANKS_ONLY = dict(fails_for=1.0, fails_for_means="a model that emits only blanks")
CHECKS = dict(
    greedy_cer=Check(
        "greedy CER on held-out voices",
        at_most={"quick": 0.20, "standard": 0.03, "full": 0.25},
        **BLANKS_ONLY,
    ),
    greedy_wer=Check(
        "greedy WER on held-out voices",
        at_most={"quick": 0.50, "standard": 0.10, "full": 0.6},
        **BLANKS_ONLY,
    ),
    beam_minus_greedy=Check(
        "beam CER minus greedy CER",
        at_most={"quick": 0.005, "standard": 0.002, "full": 0.005},
        fails_for=0.01,
        fails_for_means="a beam search one point of CER worse than greedy",
    ),
)
