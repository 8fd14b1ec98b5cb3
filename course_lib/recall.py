"""The marked-recall benchmark of notebooks 03 (LSTM) and 04 (GRU): one model, one recipe.

A many-to-one classifier reads a sequence of symbols and must name the one that carried a marker
``lag`` steps before the end (``data.synthetic.marked_recall``). Both notebooks train it the same
way, so the two share this code: the comparison between cells is only fair if nothing else
differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from course_lib.data.synthetic import marked_recall
from course_lib.handles import sequence_handles
from course_lib.models import build_sequence_classifier_model
from course_lib.training import FitResult, fit

N_SYMBOLS = 4
TARGET_ACCURACY = 0.99


@dataclass
class RecallData:
    """The training and validation sets of one marked-recall run.

    Attributes:
        x, y: training inputs ``(n, time, features)`` float32 and targets ``(n,)`` int32.
        x_val, y_val: validation inputs and targets, drawn with a different seed.
    """

    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def recall_features(noise_channels: int) -> int:
    """Size of one input step: the one-hot symbol, the marker channel, then the noise channels."""
    return N_SYMBOLS + 1 + noise_channels


def build_recall_model(
    cell: str,
    units: int,
    noise_channels: int,
    *,
    update_gate_bias: float = 0.0,
    **rnn_kwargs: Any,
) -> keras.Model:
    """The marked-recall classifier: one recurrent layer named ``"rnn"``, then 4 logits.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        units: size of the hidden state.
        noise_channels: noise channels in the input (see ``recall_features``).
        update_gate_bias: added to the GRU update gate's input bias (Keras starts it at 0, so
            ``z = sigmoid(0) = 0.5``; 1 starts it at 0.73, keeping more of the state per step).
        **rnn_kwargs: passed to the recurrent layer, e.g. ``unit_forget_bias=False``.

    Returns:
        An uncompiled model mapping ``(batch, time, features)`` to logits ``(batch, 4)``.

    Raises:
        ValueError: for a non-zero ``update_gate_bias`` on a cell other than a GRU.
    """
    update_gate_bias = float(update_gate_bias)
    if update_gate_bias and cell != "gru":
        raise ValueError(f"update_gate_bias applies to cell='gru' only; got cell={cell!r}.")
    model = build_sequence_classifier_model(
        features=recall_features(noise_channels),
        n_classes=N_SYMBOLS,
        units=units,
        cell=cell,
        **rnn_kwargs,
    )
    if update_gate_bias:
        layer = sequence_handles(model).rnn
        kernel, recurrent, bias = layer.get_weights()
        # Keras' GRU (reset_after=True): bias row 0 is the input bias, its first block is z
        bias[0, :units] += update_gate_bias
        layer.set_weights([kernel, recurrent, bias])
    return model


def train_recall(
    cell: str,
    lag: int,
    *,
    units: int,
    n_train: int,
    max_epochs: int,
    noise_channels: int,
    seed: int,
    n_val: int = 1000,
    random_position: bool = False,
    update_gate_bias: float = 0.0,
    **rnn_kwargs: Any,
) -> tuple[keras.Model, FitResult, RecallData]:
    """Build and train one classifier on marked recall; stop once validation accuracy is 99 %.

    The recipe of both notebooks: seed everything with ``seed``, draw the training set with
    ``seed`` and the validation set with ``seed + 10_000``, Adam at 3e-3 with each gradient's norm
    clipped to 1, batches of 64.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"`` (see ``build_recall_model``).
        lag: steps between the marked step and the last step (see ``marked_recall``).
        units: size of the hidden state.
        noise_channels: noise channels in the input (see ``recall_features``).
        n_train: training sequences.
        max_epochs: the epoch budget.
        seed: seeds the weights, the data and the order of training.
        n_val: validation sequences.
        random_position: put the mark at a random step among the first five instead of always
            at step 4 (see ``marked_recall``).
        update_gate_bias: added to the GRU update gate's input bias (see
            ``build_recall_model``).
        **rnn_kwargs: passed to the recurrent layer, e.g. ``unit_forget_bias=False``.

    Returns:
        ``(model, fit_result, data)``; ``fit_result.epochs_to_target`` is the epoch at which
        validation accuracy first reached 99 %, or None.
    """
    keras.utils.set_random_seed(seed)
    x, y = marked_recall(
        n_train, lag, noise_channels=noise_channels, random_position=random_position, seed=seed
    )
    x_val, y_val = marked_recall(
        n_val,
        lag,
        noise_channels=noise_channels,
        random_position=random_position,
        seed=seed + 10_000,
    )
    model = build_recall_model(
        cell, units, noise_channels, update_gate_bias=update_gate_bias, **rnn_kwargs
    )
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    result = fit(
        model,
        x,
        y,
        batch_size=64,
        epochs=max_epochs,
        validation_data=(x_val, y_val),
        stop_at=("val_accuracy", ">=", TARGET_ACCURACY),
        verbose=0,
    )
    return model, result, RecallData(x, y, x_val, y_val)
