"""Builders for next-frame video prediction: ConvLSTM and its baselines (notebook 07).

Every model here maps frames ``(batch, time, height, width, channels)`` to a prediction of the
*next* frame at every step, same shape: output ``t`` is the model's guess of frame ``t + 1`` and
may depend on frames ``0..t`` only. ``future_leak`` measures that promise; the tests run it on
every option of every builder. ``rollout`` turns any such model into a forecaster of several
frames by feeding its own predictions back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from course_lib import handles
from course_lib._args import positive_int
from course_lib.models.recurrent import OUTPUT_DTYPE, recurrent_layer

__all__ = [
    "build_convlstm_model",
    "build_frame_cnn_model",
    "build_cnn_rnn_model",
    "future_leak",
    "rollout",
    "copy_last_frame",
]


def _frame_shape(frame_shape: Sequence[int]) -> tuple[int, int, int]:
    shape = tuple(frame_shape)
    if len(shape) != 3:
        raise ValueError(f"frame_shape must be (height, width, channels); got {frame_shape!r}.")
    return tuple(
        positive_int(size, f"frame_shape's {label}")
        for size, label in zip(shape, ("height", "width", "channels"))
    )


def _filters(filters: int | Sequence[int], label: str) -> tuple[int, ...]:
    filters = (filters,) if isinstance(filters, int) else tuple(filters)
    if not filters:
        raise ValueError(f"{label} must name at least one layer width; got {filters!r}.")
    return tuple(positive_int(f, f"{label}[{i}]") for i, f in enumerate(filters))


def _odd_kernel(kernel_size: int, label: str) -> int:
    kernel_size = positive_int(kernel_size, label)
    if kernel_size % 2 == 0:
        raise ValueError(f"{label} must be odd (so 'same' padding is centred); got {kernel_size}.")
    return kernel_size


def _next_frame_head(channels: int, kernel_size: int) -> keras.layers.Layer:
    """The per-frame output layer: sigmoid pixels (float32), one channel per frame channel.

    A ``Conv3D`` with a kernel of 1 in time, ``(1, k, k)``: a ``Conv2D`` applied to each frame.
    """
    return keras.layers.Conv3D(
        channels,
        (1, kernel_size, kernel_size),
        padding="same",
        activation="sigmoid",
        dtype=OUTPUT_DTYPE,
        name=handles.NEXT_FRAME,
    )


def build_convlstm_model(
    frame_shape: Sequence[int] = (24, 24, 1),
    filters: int | Sequence[int] = 16,
    kernel_size: int = 3,
    head_kernel_size: int = 3,
    name: str = "convlstm",
) -> keras.Model:
    """A ConvLSTM that predicts the next frame at every step.

    Stacked ``ConvLSTM2D`` layers (``padding="same"``, ``return_sequences=True``), then a
    per-frame head with one sigmoid output channel per frame channel: a ``Conv3D`` whose kernel
    spans one frame in time, ``(1, k, k)``, which is a ``Conv2D`` applied to each frame. (A
    ``Conv3D`` with a kernel of 3 in time and ``padding="same"`` would let output ``t`` see frame
    ``t + 1``: the target. ``TimeDistributed(Conv2D)`` would be causal too, but Keras 3 on
    TensorFlow fails when ``predict`` later meets a clip of another length, which ``rollout``
    needs.)

    Args:
        frame_shape: ``(height, width, channels)`` of a frame; clips may have any length.
        filters: hidden channels of each ConvLSTM layer, e.g. ``16`` or ``(16, 16)``.
        kernel_size: odd side of the ConvLSTM kernels (input and recurrent).
        head_kernel_size: odd side of the head's spatial kernel.
        name: the model's name.

    Returns:
        A model ``(batch, time, h, w, c) -> (batch, time, h, w, c)`` with values in (0, 1):
        output ``t`` predicts frame ``t + 1``. ``handles.video_handles`` returns its ConvLSTM
        layers (``convlstms``) and its head.

    Raises:
        ValueError: for a bad shape, filter list or even kernel size.
    """
    height, width, channels = _frame_shape(frame_shape)
    filters = _filters(filters, "filters")
    kernel_size = _odd_kernel(kernel_size, "kernel_size")
    head_kernel_size = _odd_kernel(head_kernel_size, "head_kernel_size")
    inputs = keras.Input((None, height, width, channels), name=handles.FRAMES)
    z = inputs
    for i, f in enumerate(filters, start=1):
        z = keras.layers.ConvLSTM2D(
            f, kernel_size, padding="same", return_sequences=True, name=handles.convlstm_name(i)
        )(z)
    outputs = _next_frame_head(channels, head_kernel_size)(z)
    return keras.Model(inputs, outputs, name=name)


def build_frame_cnn_model(
    frame_shape: Sequence[int] = (24, 24, 1),
    filters: int | Sequence[int] = (16, 16),
    kernel_size: int = 3,
    name: str = "frame_cnn",
) -> keras.Model:
    """A baseline without recurrence: a CNN that predicts frame ``t + 1`` from frame ``t`` alone.

    The same small CNN (ReLU convolutions, then a sigmoid one) is applied to every frame: each
    layer is a ``Conv3D`` with a kernel of 1 in time, ``(1, k, k)``, i.e. a ``Conv2D`` per frame.
    It has no memory, so it cannot tell which way a digit moves.

    Args:
        frame_shape: ``(height, width, channels)`` of a frame.
        filters: channels of each hidden convolution, e.g. ``(16, 16)``.
        kernel_size: odd kernel side.
        name: the model's name.

    Returns:
        A model ``(batch, time, h, w, c) -> (batch, time, h, w, c)``;
        ``handles.video_handles`` returns its convolutions (``convs``) and its head.

    Raises:
        ValueError: for a bad shape, filter list or even kernel size.
    """
    height, width, channels = _frame_shape(frame_shape)
    filters = _filters(filters, "filters")
    kernel_size = _odd_kernel(kernel_size, "kernel_size")
    inputs = keras.Input((None, height, width, channels), name=handles.FRAMES)
    z = inputs
    kernel = (1, kernel_size, kernel_size)
    for i, f in enumerate(filters, start=1):
        z = keras.layers.Conv3D(
            f, kernel, padding="same", activation="relu", name=handles.frame_conv_name(i)
        )(z)
    outputs = _next_frame_head(channels, kernel_size)(z)
    return keras.Model(inputs, outputs, name=name)


def build_cnn_rnn_model(
    frame_shape: Sequence[int] = (24, 24, 1),
    conv_filters: int | Sequence[int] = (16, 32),
    units: int = 128,
    cell: str = "lstm",
    name: str = "cnn_rnn",
) -> keras.Model:
    """The CNN-RNN hybrid: a CNN encodes each frame into a vector, an RNN models time.

    Each frame goes through strided convolutions (``Conv3D`` with kernel ``(1, 3, 3)`` and
    strides ``(1, 2, 2)``: a ``Conv2D`` per frame, each halving the size) and is flattened;
    an LSTM/GRU/SimpleRNN (cuDNN-eligible defaults) reads the sequence of vectors; a ``Dense``
    layer decodes each hidden state back into a whole frame. Space is lost at the flattening:
    the recurrent state is a vector, not a map.

    Args:
        frame_shape: ``(height, width, channels)``; height and width must be divisible by
            ``2 ** len(conv_filters)``.
        conv_filters: channels of each strided convolution.
        units: size of the recurrent state.
        cell: ``"lstm"``, ``"gru"`` or ``"simple_rnn"``.
        name: the model's name.

    Returns:
        A model ``(batch, time, h, w, c) -> (batch, time, h, w, c)``;
        ``handles.video_handles`` returns its ``encoders``, its ``rnn`` and its head.

    Raises:
        ValueError: for a bad shape, filter list, unit count or cell type.
    """
    height, width, channels = _frame_shape(frame_shape)
    conv_filters = _filters(conv_filters, "conv_filters")
    units = positive_int(units, "units")
    scale = 2 ** len(conv_filters)
    if height % scale or width % scale:
        raise ValueError(
            f"frame_shape's height and width must be divisible by {scale} "
            f"(2 ** len(conv_filters)); got {frame_shape!r}."
        )
    inputs = keras.Input((None, height, width, channels), name=handles.FRAMES)
    z = inputs
    for i, f in enumerate(conv_filters, start=1):
        z = keras.layers.Conv3D(
            f,
            (1, 3, 3),
            strides=(1, 2, 2),
            padding="same",
            activation="relu",
            name=handles.frame_encoder_name(i),
        )(z)
    flat = (height // scale) * (width // scale) * conv_filters[-1]
    z = keras.layers.Reshape((-1, flat), name="flatten")(z)
    z = recurrent_layer(cell, units, name=handles.RNN, return_sequences=True)(z)
    z = keras.layers.Dense(
        height * width * channels, activation="sigmoid", dtype=OUTPUT_DTYPE, name=handles.DECODER
    )(z)
    outputs = keras.layers.Reshape(
        (-1, height, width, channels), dtype=OUTPUT_DTYPE, name=handles.NEXT_FRAME
    )(z)
    return keras.Model(inputs, outputs, name=name)


def _predict(model: Callable[[Any], Any], frames: np.ndarray, batch_size: int) -> np.ndarray:
    # Keras models are called directly (no tf.function): rollouts change the clip length at
    # every step, and each new length would cost a fresh trace inside ``model.predict``.
    kwargs = {"training": False} if isinstance(model, keras.Model) else {}
    out = [
        np.asarray(model(frames[i : i + batch_size], **kwargs))
        for i in range(0, len(frames), batch_size)
    ]
    return np.concatenate(out, axis=0)


def future_leak(
    model: Callable[[Any], Any],
    clips: np.ndarray,
    split_points: Sequence[int] | None = None,
    seed: int = 0,
    batch_size: int = 64,
) -> float:
    """How much a sequence model's early outputs change when later frames change.

    For each split point ``t``, frames ``t, t+1, ...`` are replaced by random noise and the
    outputs at steps ``0..t-1`` are compared with those on the original clips. A causal model
    (output ``s`` depends on frames ``0..s`` only) gives 0 up to float round-off.

    Args:
        model: a Keras model or a function ``(batch, time, ...) -> (batch, time, ...)``.
        clips: float array ``(batch, time, ...)``, at least 2 frames.
        split_points: the ``t`` values to try (default: every ``t`` from 1 to ``time - 1``).
        seed: seed of the noise.
        batch_size: clips per call.

    Returns:
        The largest absolute change of any output before its split point.

    Raises:
        ValueError: for clips with fewer than 2 frames or split points outside ``1..time-1``.
    """
    clips = np.asarray(clips, dtype=np.float32)
    if clips.ndim < 2 or clips.shape[1] < 2:
        raise ValueError(f"clips must be (batch, time >= 2, ...); got shape {clips.shape}.")
    steps = clips.shape[1]
    points = range(1, steps) if split_points is None else list(split_points)
    if not all(isinstance(t, (int, np.integer)) and 1 <= t < steps for t in points):
        raise ValueError(f"split_points must lie in 1..{steps - 1}; got {split_points!r}.")
    rng = np.random.default_rng(seed)
    reference = _predict(model, clips, batch_size)
    worst = 0.0
    for t in points:
        changed = clips.copy()
        changed[:, t:] = rng.random(changed[:, t:].shape, dtype=np.float32)
        outputs = _predict(model, changed, batch_size)
        worst = max(worst, float(np.abs(outputs[:, :t] - reference[:, :t]).max()))
    return worst


def rollout(
    model: Callable[[Any], Any], context: np.ndarray, n_future: int, batch_size: int = 64
) -> np.ndarray:
    """Predict ``n_future`` frames after ``context`` by feeding predictions back in.

    At each step the model reads the context plus the frames it has predicted so far, and its
    last output becomes the next frame: errors compound, as in any autoregressive forecast.

    Args:
        model: a next-frame model (a Keras model or a function) as built in this module.
        context: the observed frames ``(batch, time, h, w, c)``.
        n_future: how many frames to predict (>= 1).
        batch_size: clips per call.

    Returns:
        float32 ``(batch, n_future, h, w, c)``.

    Raises:
        ValueError: for a bad ``n_future`` or a context with no frame.
    """
    n_future = positive_int(n_future, "n_future")
    frames = np.asarray(context, dtype=np.float32)
    if frames.ndim != 5 or frames.shape[1] < 1:
        raise ValueError(f"context must be (batch, time >= 1, h, w, c); got {frames.shape}.")
    predicted = []
    for _ in range(n_future):
        step = _predict(model, frames, batch_size)[:, -1:]
        predicted.append(step)
        frames = np.concatenate([frames, step], axis=1)
    return np.concatenate(predicted, axis=1).astype(np.float32)


def copy_last_frame(context: np.ndarray, n_future: int) -> np.ndarray:
    """The simplest forecast: nothing moves. Repeats the last observed frame.

    Args:
        context: ``(batch, time, h, w, c)``.
        n_future: how many frames to forecast (>= 1).

    Returns:
        ``(batch, n_future, h, w, c)``, each frame a copy of ``context[:, -1]``.
    """
    n_future = positive_int(n_future, "n_future")
    context = np.asarray(context)
    if context.ndim != 5 or context.shape[1] < 1:
        raise ValueError(f"context must be (batch, time >= 1, h, w, c); got {context.shape}.")
    return np.repeat(context[:, -1:], n_future, axis=1)
