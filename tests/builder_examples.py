"""One small example call for every public ``build_*`` of ``course_lib.models``.

Tests that check a property of every builder (cuDNN eligibility, mixed precision, saving) take
their examples from here, so a new builder needs one entry, and a builder without an entry
makes those tests fail. Builders that take a ``cell`` argument are built with ``cell="lstm"``
and ``cell="gru"`` unless the entry fixes the cell (see ``variants``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable

import course_lib.models


def _seq2seq():
    return course_lib.models.build_seq2seq_model(7, 6, units=4, embedding_dim=3, cell="lstm")


# builder name -> list of keyword-argument dicts, each building a small model; an entry may also
# be a function of no arguments returning the dict, for arguments that must be built first
# (e.g. ``lambda: dict(seq2seq_model=models.build_seq2seq_model(7, 6, units=4), num_classes=2)``)
EXAMPLES: dict[str, list[dict | Callable[[], dict]]] = {
    "build_rnn_forecaster_model": [dict(units=4)],
    "build_dense_forecaster_model": [dict(window=4, units=4)],  # no recurrent layer
    "build_conv_forecaster_model": [dict(filters=4)],  # no recurrent layer
    "build_char_language_model": [dict(vocab_size=7, units=4, embedding_dim=3)],
    "build_sequence_classifier_model": [
        dict(features=3, n_classes=2, units=4),
        dict(features=3, n_classes=2, units=4, cell="lstm", unit_forget_bias=False),
    ],
    "build_bag_of_tokens_classifier_model": [dict(vocab_size=7, n_classes=2, units=4)],
    "build_tree_rnn_model": [dict(units=4, n_ops=3)],  # the test inputs use op ids 1 and 2
    "build_token_classifier_model": [
        dict(vocab_size=7, n_classes=2, units=4, embedding_dim=3),
        dict(vocab_size=7, n_classes=2, units=4, embedding_dim=3, mask=False),
    ],
    "build_conditional_generator_model": [
        dict(n_conditions=3, vocab_size=7, units=4, embedding_dim=3)
    ],
    "build_sequence_tagger_model": [dict(vocab_size=7, n_tags=3, units=4, embedding_dim=3)],
    "build_conv_rnn_classifier_model": [
        dict(features=2, n_classes=3, units=4, strides=(2,), filters=4)
    ],
    "build_stacked_rnn_model": [
        dict(features=3, n_outputs=2, depth=2, units=4),
        dict(features=3, n_outputs=2, depth=3, units=4, bidirectional=True, residual=True),
        dict(features=3, n_outputs=2, depth=2, units=4, dropout=0.2, return_sequences=True),
    ],
    "build_stacked_char_language_model": [
        dict(vocab_size=7, depth=2, units=4, embedding_dim=3, residual=True, dropout=0.1)
    ],
    "build_convlstm_model": [dict(frame_shape=(8, 8, 1), filters=2)],  # ConvLSTM2D, no cuDNN
    "build_frame_cnn_model": [dict(frame_shape=(8, 8, 1), filters=(2,))],  # no recurrent layer
    "build_cnn_rnn_model": [dict(frame_shape=(8, 8, 1), conv_filters=(2,), units=4)],
    "build_seq2seq_model": [
        dict(source_vocab_size=7, target_vocab_size=6, units=4, embedding_dim=3, attention=a)
        for a in ("none", "bahdanau", "luong")
    ]
    + [dict(source_vocab_size=7, target_vocab_size=6, units=4, encoder_layers=2, dropout=0.1)],
    "build_image_encoder_model": [dict(image_shape=(16, 16, 3), filters=(4, 4))],  # CNN only
    # the attention decoder steps a custom cell (attention feeds every LSTM step), which no fused
    # kernel can run; the cuDNN check covers the no-attention decoder's LSTM layer
    "build_caption_model": [
        dict(
            vocab_size=9, max_len=5, units=4, embed_dim=3, attention=a, filters=(4, 4), cell_head=h
        )
        for a in (False, True)
        for h in (False, True)
    ],
    "build_ctc_speech_model": [
        dict(n_features=8, n_classes=5, filters=4, units=4),
        dict(n_features=8, n_classes=5, filters=4, units=4, rnn_layers=1, dropout=0.0),
    ],
    "build_encoder_classifier_model": [
        lambda: dict(seq2seq_model=_seq2seq(), num_classes=2),
        lambda: dict(seq2seq_model=_seq2seq(), num_classes=2, trainable_encoder=True),
    ],
}


def builder_names() -> list[str]:
    """Every public ``build_*`` name of ``course_lib.models`` and of each of its modules."""
    package = course_lib.models
    names = set(getattr(package, "__all__", ()))
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        names.update(getattr(module, "__all__", ()))
    names.update(n for n in dir(package) if callable(getattr(package, n)))
    return sorted(n for n in names if n.startswith("build_"))


def missing_example_message(name: str, test_file: str) -> str:
    """The failure message for a builder with no entry in ``EXAMPLES``."""
    return (
        f"{name} has no entry in EXAMPLES of tests/builder_examples.py: add one (small keyword "
        f"arguments that build it) so {test_file} can check it."
    )


def variants(name: str) -> list[dict]:
    """The entry's kwargs; with a ``cell`` parameter, each in an LSTM and a GRU version."""
    builder = getattr(course_lib.models, name)
    takes_cell = "cell" in inspect.signature(builder).parameters
    out = []
    for entry in EXAMPLES[name]:
        kwargs = entry() if callable(entry) else dict(entry)
        if takes_cell and "cell" not in kwargs:
            out += [kwargs | {"cell": "lstm"}, kwargs | {"cell": "gru"}]
        else:
            out.append(kwargs)
    return out
