"""Training an encoder-decoder with teacher forcing, from arguments or a notebook's settings."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from course_lib import saving
from course_lib.data.batching import length_batches
from course_lib.models.seq2seq.builders import build_seq2seq_model
from course_lib.profiles import Config
from course_lib.training import FitResult, distribution_strategy, fit

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["train_seq2seq", "train_seq2seq_from_config"]


def train_seq2seq(
    source: np.ndarray,
    previous: np.ndarray,
    target: np.ndarray,
    source_vocab_size: int,
    target_vocab_size: int,
    *,
    attention: str = "bahdanau",
    units: int = 64,
    embedding_dim: int = 32,
    epochs: int = 5,
    batch_size: int = 64,
    learning_rate: float = 4e-3,
    cosine_decay: bool = False,
    dropout: float = 0.0,
    seed: int = 0,
    verbose: int = 0,
    strategy: tf.distribute.Strategy | None = None,
    backup_dir: str | Path | None = None,
) -> tuple[keras.Model, FitResult]:
    """Build an encoder-decoder and train it with teacher forcing.

    The model is ``build_seq2seq_model(...)``; the loss is the cross-entropy of each true next
    token, padding ignored (``SparseCategoricalCrossentropy(from_logits=True,
    ignore_class=0)``); Adam with ``clipnorm=1``; batches of similar lengths from
    ``data.batching.length_batches``. Same seed, same model.

    Args:
        source: ``(n, Ts)`` padded source ids.
        previous: ``(n, Tt)`` decoder inputs from ``teacher_forcing_arrays``.
        target: ``(n, Tt)`` targets from ``teacher_forcing_arrays``.
        source_vocab_size: number of source ids.
        target_vocab_size: number of target ids.
        attention: ``"none"``, ``"bahdanau"`` or ``"luong"`` (see ``build_seq2seq_model``).
        units: size of each encoder direction; the decoder has ``2 * units``.
        embedding_dim: size of each id's learned vector.
        epochs: passes over the data.
        batch_size: rows per batch.
        dropout: as for ``build_seq2seq_model``.
        learning_rate: Adam's step size.
        cosine_decay: let the step size fall smoothly to zero by the last batch.
        seed: seeds the weights and the batch order.
        verbose: Keras' verbosity (0 silent).
        strategy: a ``tf.distribute`` strategy to build under (e.g.
            ``training.distribution_strategy(cfg)``); the default device when None.
        backup_dir: a folder for a checkpoint after every epoch, so that a rerun resumes (see
            ``training.fit``); none when None.

    Returns:
        The trained model and its ``training.FitResult``.
    """
    keras.utils.set_random_seed(int(seed))
    batches = length_batches(source, previous, target, batch_size, seed=int(seed))
    with strategy.scope() if strategy is not None else nullcontext():
        model = build_seq2seq_model(
            source_vocab_size,
            target_vocab_size,
            units=units,
            embedding_dim=embedding_dim,
            attention=attention,
            dropout=dropout,
        )
        rate: Any = learning_rate
        if cosine_decay:
            rate = keras.optimizers.schedules.CosineDecay(
                learning_rate, decay_steps=epochs * len(batches)
            )
        model.compile(
            optimizer=keras.optimizers.Adam(rate, clipnorm=1.0),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
        )
    result = fit(
        model,
        batches,
        epochs=epochs,
        verbose=verbose,
        shuffle=False,  # the batches shuffle themselves
        backup_dir=backup_dir,
    )
    return model, result


_CONFIG_SETTINGS = ("batch_size", "learning_rate", "cosine_decay", "dropout")


def train_seq2seq_from_config(
    cfg: Config,
    source: np.ndarray,
    previous: np.ndarray,
    target: np.ndarray,
    source_vocab_size: int,
    target_vocab_size: int,
    *,
    attention: str,
    units: int,
    epochs: int,
    name: str | None = None,
    load_from: Sequence[str] | None = None,
) -> tuple[keras.Model, FitResult | None]:
    """``train_seq2seq`` with a notebook's settings; a named model is saved for later runs.

    ``batch_size``, ``learning_rate``, ``cosine_decay``, ``dropout`` and ``fit_verbose`` come
    from ``cfg``, the seed is ``cfg.seed``, and the model is built under
    ``training.distribution_strategy(cfg)`` (every GPU at the full profile, when there are two or
    more).

    Args:
        cfg: the notebook's config from ``setup_notebook``.
        source: ``(n, Ts)`` padded source ids.
        previous: ``(n, Tt)`` decoder inputs from ``teacher_forcing_arrays``.
        target: ``(n, Tt)`` targets from ``teacher_forcing_arrays``.
        source_vocab_size: number of source ids.
        target_vocab_size: number of target ids.
        attention: ``"none"``, ``"bahdanau"`` or ``"luong"``.
        units: size of each encoder direction.
        epochs: passes over the data.
        name: names the model, e.g. ``"g2p_bahdanau"``. When it trains on the whole dictionary
            (``cfg.g2p_train`` is None: tens of minutes per model) a checkpoint is kept after
            every epoch (``saving.backup_dir``), so a rerun resumes from the last finished one;
            in every run the trained model is saved with ``saving.save_for_reuse``,
            recorded with what it depends on: the arrays, the vocabulary sizes, ``attention``,
            ``units``, ``epochs`` and the settings above. None: not saved.
        load_from: notebooks whose saved model ``name`` to load instead of training (this
            notebook's own is tried last), when it was trained with the same profile, seed and
            everything recorded (``saving.load_or_train``); None: always train.

    Returns:
        The model and its ``training.FitResult``; the result is None for a loaded model.

    Raises:
        ValueError: for ``load_from`` without a ``name``, and as ``train_seq2seq``.
    """
    if load_from is not None and name is None:
        raise ValueError("load_from needs the name the model was saved under, e.g. 'g2p_luong'.")
    fits: list[FitResult] = []

    whole_dictionary = cfg.get("g2p_train", 0) is None

    def train() -> keras.Model:
        model, result = train_seq2seq(
            source,
            previous,
            target,
            source_vocab_size,
            target_vocab_size,
            attention=attention,
            units=units,
            epochs=epochs,
            batch_size=cfg.batch_size,
            learning_rate=cfg.learning_rate,
            cosine_decay=cfg.cosine_decay,
            dropout=cfg.dropout,
            seed=cfg.seed,
            verbose=cfg.fit_verbose,
            strategy=distribution_strategy(cfg),
            backup_dir=saving.backup_dir(cfg, name) if name and whole_dictionary else None,
        )
        fits.append(result)
        return model

    if name is None:
        model = train()
        return model, fits[0]
    settings = dict(
        # models saved before every decoder had the tanh layer before the logits (2026-12-07)
        # have no such entry in their record, so they are trained again rather than loaded
        output_layers="tanh, then logits",
        arrays=[source, previous, target],
        vocab_sizes=[source_vocab_size, target_vocab_size],
        attention=attention,
        units=units,
        epochs=epochs,
        **{key: cfg[key] for key in _CONFIG_SETTINGS},
    )
    x = [source[:8], previous[:8]]
    if load_from is None:
        model = train()
        saving.save_for_reuse(model, cfg, name, x, settings=settings)
    else:
        model = saving.load_or_train(cfg, name, train, x, settings=settings, look_in=load_from)
    return model, fits[0] if fits else None
