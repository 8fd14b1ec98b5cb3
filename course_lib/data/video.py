"""Moving handwritten digits: videos made from scikit-learn's ``load_digits`` (notebook 07).

``moving_digits`` places real handwritten digits (scikit-learn ships 1,797 of them, 8x8 pixels)
on a blank canvas and moves each one in a straight line, bouncing off the walls: offline,
seeded and deterministic. The digit *images* are split once into a training and a test part, so
test clips show handwriting the model never saw. ``load_moving_mnist`` loads the public Moving
MNIST set through tensorflow-datasets for the full profile (it needs network the first time).
"""

from __future__ import annotations

import numpy as np

from course_lib._args import choice, positive_int
from course_lib.data._tfds import require_tfds

__all__ = ["SPLITS", "digit_images", "bounce_step", "moving_digits", "load_moving_mnist"]

SPLITS = ("train", "test")
_TEST_FRACTION = 0.25
_SPLIT_SEED = 2024  # fixed: the same digits are test digits in every run and every profile


def _split_indices(split: str, n_images: int = 1797) -> np.ndarray:
    """Indices into ``load_digits()`` of the split's images (a fixed shuffle, then a cut)."""
    order = np.random.default_rng(_SPLIT_SEED).permutation(n_images)
    n_test = int(round(_TEST_FRACTION * n_images))
    return np.sort(order[n_test:] if split == "train" else order[:n_test])


def digit_images(split: str = "train", digit_size: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The handwritten digits of one split, scaled to [0, 1].

    The 1,797 images of ``sklearn.datasets.load_digits`` are shuffled once with a fixed seed;
    the first 75 % are the training digits and the rest the test digits (disjoint sets).

    Args:
        split: ``"train"`` (1,348 images) or ``"test"`` (449 images).
        digit_size: side of the returned images in pixels (>= 8); sizes above 8 are upscaled
            with bilinear interpolation.

    Returns:
        ``(images, labels)``: float32 ``(n, digit_size, digit_size)`` in [0, 1] and int
        ``(n,)`` digit classes.

    Raises:
        ValueError: for an unknown split or a digit size below 8.
    """
    choice(split, "split", SPLITS)
    digit_size = positive_int(digit_size, "digit_size (the images are 8x8)", minimum=8)
    from sklearn.datasets import load_digits

    bunch = load_digits()
    index = _split_indices(split, len(bunch.images))
    images = (bunch.images[index] / 16.0).astype(np.float32)
    labels = bunch.target[index]
    if digit_size != 8:
        from scipy.ndimage import zoom

        images = zoom(
            images,
            (1, digit_size / 8, digit_size / 8),
            order=1,
            grid_mode=True,
            mode="grid-constant",
        )
        images = np.clip(images, 0.0, 1.0).astype(np.float32)
    return images, labels


def bounce_step(
    position: np.ndarray, velocity: np.ndarray, high: int
) -> tuple[np.ndarray, np.ndarray]:
    """Move by ``velocity`` and bounce off the walls at 0 and ``high``.

    A step that would cross a wall is reflected back into ``[0, high]`` and that component of the
    velocity changes sign (an elastic bounce).

    Args:
        position: integer positions, any shape, each in ``[0, high]``.
        velocity: integer velocities, same shape, each of size at most ``high``.
        high: the largest allowed position (canvas size minus digit size).

    Returns:
        ``(position, velocity)`` after one step, same shapes.
    """
    position = np.asarray(position) + velocity
    velocity = np.array(velocity, copy=True)
    below, above = position < 0, position > high
    position = np.where(below, -position, np.where(above, 2 * high - position, position))
    velocity = np.where(below | above, -velocity, velocity)
    return position, velocity


def moving_digits(
    n_clips: int,
    frames: int = 12,
    canvas: int = 24,
    digit_size: int = 8,
    n_digits: int = 1,
    max_speed: int = 2,
    split: str = "train",
    seed: int = 0,
) -> np.ndarray:
    """Videos of handwritten digits that move in straight lines and bounce off the walls.

    Each clip draws ``n_digits`` digits of the split, a random start position and a random
    integer velocity per digit (each component in ``[-max_speed, max_speed]``, not both 0; with
    ``max_speed=1`` that is 8 directions). Digits that overlap are combined by taking the
    brighter pixel.

    Args:
        n_clips: number of clips.
        frames: frames per clip.
        canvas: side of the square frames in pixels.
        digit_size: side of each digit in pixels (see ``digit_images``).
        n_digits: digits per clip.
        max_speed: the largest speed per axis, in pixels per frame.
        split: ``"train"`` or ``"test"``: which handwritten digits to use (disjoint sets).
        seed: the same seed gives the same clips.

    Returns:
        float32 ``(n_clips, frames, canvas, canvas, 1)`` with values in [0, 1].

    Raises:
        ValueError: for non-positive sizes, a canvas not larger than the digits, a speed that
            could jump over the free space, or an unknown split.
    """
    n_clips = positive_int(n_clips, "n_clips")
    frames = positive_int(frames, "frames")
    canvas = positive_int(canvas, "canvas")
    n_digits = positive_int(n_digits, "n_digits")
    max_speed = positive_int(max_speed, "max_speed")
    seed = positive_int(seed, "seed", minimum=0)
    images, _ = digit_images(split, digit_size)
    high = canvas - digit_size
    if high < 1:
        raise ValueError(f"canvas must be larger than digit_size={digit_size}; got {canvas}.")
    if max_speed > high:
        raise ValueError(
            f"max_speed must be at most canvas - digit_size = {high}; got {max_speed}."
        )
    rng = np.random.default_rng([seed, SPLITS.index(split)])
    which = rng.integers(0, len(images), size=(n_clips, n_digits))
    position = rng.integers(0, high + 1, size=(n_clips, n_digits, 2))
    velocity = rng.integers(-max_speed, max_speed + 1, size=(n_clips, n_digits, 2))
    still = (velocity == 0).all(axis=-1)  # every digit moves: give a still one a horizontal push
    velocity[still, 1] = rng.choice([-1, 1], size=int(still.sum()))
    clips = np.zeros((n_clips, frames, canvas, canvas), dtype=np.float32)
    for t in range(frames):
        for d in range(n_digits):
            top, left = position[:, d, 0], position[:, d, 1]
            for i in range(n_clips):  # small loops: clips are small and few
                window = clips[i, t, top[i] : top[i] + digit_size, left[i] : left[i] + digit_size]
                np.maximum(window, images[which[i, d]], out=window)
        position, velocity = bounce_step(position, velocity, high)
    return clips[..., None]


def load_moving_mnist(
    n_clips: int | None = None,
    frame_size: int = 64,
    data_dir: str | None = None,
    download: bool = True,
) -> np.ndarray:
    """The Moving MNIST test set (Srivastava et al., 2015) through tensorflow-datasets.

    The public set is 10,000 clips of 20 frames, 64x64 pixels, two digits each; the authors
    publish only this one split, so split its clips yourself (e.g. the first 9,000 to train).
    Full profile only: the first call downloads about 800 MB.

    Args:
        n_clips: how many clips to read (all 10,000 when None).
        frame_size: side of the returned frames: 64, or a divisor of 64 (frames are
            average-pooled down to it, e.g. 32).
        data_dir: where tensorflow-datasets keeps its data (its default when None).
        download: allow the download when the data is not there yet.

    Returns:
        float32 ``(n_clips, 20, frame_size, frame_size, 1)`` with values in [0, 1].

    Raises:
        ValueError: for a bad ``n_clips`` or ``frame_size``.
        RuntimeError: when the data is not available and cannot be downloaded (no network),
            saying how to get it.
    """
    if n_clips is not None:
        n_clips = positive_int(n_clips, "n_clips")
    frame_size = positive_int(frame_size, "frame_size")
    if 64 % frame_size:
        raise ValueError(f"frame_size must divide 64 (64, 32, 16, ...); got {frame_size}.")
    tfds = require_tfds("load_moving_mnist")
    split = "test" if n_clips is None else f"test[:{n_clips}]"
    try:
        dataset = tfds.load(
            "moving_mnist", split=split, data_dir=data_dir, download=download, shuffle_files=False
        )
        if n_clips is not None:
            dataset = dataset.take(n_clips)
        clips = np.stack([example["image_sequence"] for example in tfds.as_numpy(dataset)])
    except Exception as err:
        raise RuntimeError(
            "could not load Moving MNIST through tensorflow-datasets "
            f"({type(err).__name__}: {err}). The first call downloads about 800 MB from "
            "www.cs.toronto.edu and needs network access; offline, use moving_digits(...) "
            "(the quick and standard profiles do), or download once on a connected machine and "
            "pass its data_dir."
        ) from err
    clips = clips.astype(np.float32) / 255.0
    pool = 64 // frame_size
    if pool > 1:
        n, t = clips.shape[:2]
        clips = clips.reshape(n, t, frame_size, pool, frame_size, pool, 1).mean(axis=(3, 5))
    return clips
