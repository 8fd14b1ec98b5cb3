"""Captioned scenes of handwritten digits from ``load_digits`` (notebook 09).

``make_scenes`` draws one to three real handwritten digits (scikit-learn's ``load_digits``) on a
small black RGB canvas split into a 2x2 grid of cells, at most one digit per cell. Each digit has
a colour, a size (small: the native 8x8 image placed anywhere inside its cell; large: the image
upscaled 1.5x to 2x, 12 to 16 pixels, the scale varying from digit to digit) and a position (its
cell). Every valid sentence of the caption
grammar that describes the scene is a reference caption, for example

    a large red seven left of a small blue two
    a small blue two right of a large red seven

so a scene has one to ten references in different word orders and relations, and BLEU against
several references means something. ``parse_caption`` reads a caption back into objects and
relations, and ``caption_matches_scene`` checks that a generated caption names every digit,
colour, size and relation correctly (``metrics.scene_accuracy`` counts such captions).

The digit images are split once (``course_lib.data.video.digit_images``): scenes of the
``"test"`` split show handwriting that no ``"train"`` scene contains. ``load_coco_captions``
loads the public COCO captions through tensorflow-datasets for the full profile.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from course_lib._args import choice, flag, int_in_range, positive_int
from course_lib.data._tfds import require_tfds
from course_lib.data.text import DIGIT_WORDS, TokenVocabulary

__all__ = [
    "CANVAS",
    "COLOURS",
    "SIZES",
    "DIGIT_WORDS",
    "RELATIONS",
    "SceneObject",
    "CaptionedScenes",
    "ParsedCaption",
    "caption_vocabulary",
    "describe_scene",
    "relation_holds",
    "make_scenes",
    "reading_order_caption",
    "cell_labels",
    "parse_caption",
    "caption_matches_scene",
    "encode_captions",
    "load_coco_captions",
]

CANVAS = 32  # pixels per side; a 2x2 grid of 16x16 cells
_CELL = CANVAS // 2
COLOURS: dict[str, tuple[float, float, float]] = {
    "red": (1.0, 0.15, 0.1),
    "green": (0.1, 0.9, 0.2),
    "blue": (0.2, 0.4, 1.0),
    "yellow": (1.0, 0.9, 0.1),
}
SIZES: dict[str, tuple[int, int]] = {"small": (8, 8), "large": (12, 16)}  # side range, pixels
# relation name -> its words in a caption
RELATIONS: dict[str, tuple[str, ...]] = {
    "left of": ("left", "of"),
    "right of": ("right", "of"),
    "above": ("above",),
    "below": ("below",),
}
SPLITS = ("train", "test")


@dataclass(frozen=True)
class SceneObject:
    """One digit in a scene.

    Attributes:
        digit: the digit class, 0-9.
        colour: a key of ``COLOURS``.
        size: ``"small"`` or ``"large"``.
        row, col: the grid cell (0 = top / left, 1 = bottom / right).
        y, x: the top-left pixel of the digit on the canvas.
        side: the digit's side in pixels (8 when small, 12 to 16 when large).
    """

    digit: int
    colour: str
    size: str
    row: int
    col: int
    y: int = 0
    x: int = 0
    side: int = 8

    @property
    def words(self) -> list[str]:
        """The object's phrase: ``["a", size, colour, digit word]``."""
        return ["a", self.size, self.colour, DIGIT_WORDS[self.digit]]


@dataclass
class CaptionedScenes:
    """Scenes with their reference captions.

    Attributes:
        images: float32 ``(n, CANVAS, CANVAS, 3)`` in [0, 1].
        objects: per scene, its ``SceneObject`` list (distinct digits).
        references: per scene, every reference caption as a token list (1 to 10 of them).
        captions: per scene, the one reference chosen (seeded) as its training caption.
    """

    images: np.ndarray
    objects: list[list[SceneObject]]
    references: list[list[list[str]]]
    captions: list[list[str]]

    def __len__(self) -> int:
        return len(self.images)


@dataclass
class ParsedCaption:
    """A caption read back into the objects it names and the relations between them.

    Attributes:
        objects: ``(digit, colour, size)`` of each object, in caption order.
        relations: ``relations[i]`` is the relation between ``objects[i]`` and
            ``objects[i + 1]``.
    """

    objects: list[tuple[int, str, str]]
    relations: list[str]


def caption_vocabulary() -> TokenVocabulary:
    """The fixed vocabulary of scene captions: 22 words plus the 4 reserved ids (26 in all)."""
    words = ["a", *SIZES, *COLOURS, *DIGIT_WORDS]
    words += [w for rel in RELATIONS.values() for w in rel]
    return TokenVocabulary(words)


def relation_holds(relation: str, a: SceneObject, b: SceneObject) -> bool:
    """Whether ``a <relation> b`` is true.

    ``"left of"`` means a's column is left of b's, and so on; a pair in diagonal cells is both
    left/right of and above/below each other.

    Args:
        relation: one of the relation names, e.g. ``"left of"``.
        a: the first object.
        b: the second object.

    Returns:
        True when the relation holds.

    Raises:
        ValueError: for an unknown relation.
    """
    if relation == "left of":
        return a.col < b.col
    if relation == "right of":
        return a.col > b.col
    if relation == "above":
        return a.row < b.row
    if relation == "below":
        return a.row > b.row
    raise ValueError(f"relation must be one of {tuple(RELATIONS)}; got {relation!r}.")


def describe_scene(objects: list[SceneObject]) -> list[list[str]]:
    """Every reference caption of a scene, as token lists.

    A caption names the objects in some order, joined by a relation that is true between each
    object and the next: ``a <size> <colour> <digit> [<relation> a <size> <colour> <digit>]...``.
    Every order of the objects and every true relation is used (orders with a pair that no
    relation links are skipped), so a scene has 1 to 10 references.

    Args:
        objects: the scene's objects (at least one).

    Returns:
        The references, sorted, each a list of words.
    """
    if not objects:
        raise ValueError("objects must hold at least one SceneObject.")
    captions = set()
    for order in itertools.permutations(objects):
        options = [
            [rel for rel in RELATIONS if relation_holds(rel, a, b)]
            for a, b in itertools.pairwise(order)
        ]
        for rels in itertools.product(*options):
            words = list(order[0].words)
            for rel, obj in zip(rels, order[1:], strict=True):
                words += [*RELATIONS[rel], *obj.words]
            captions.add(tuple(words))
    return [list(c) for c in sorted(captions)]


@functools.lru_cache(maxsize=4)
def _digits(split: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    from course_lib.data.video import digit_images

    images, labels = digit_images(split, digit_size=size)
    images.setflags(write=False)
    return images, labels


def _distort(glyph: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random small rotation, shear and scaling of a glyph about its centre (bilinear)."""
    from scipy.ndimage import affine_transform

    angle = np.deg2rad(rng.uniform(-15, 15))
    shear, scale = rng.uniform(-0.25, 0.25), rng.uniform(0.85, 1.15)
    cos, sin = np.cos(angle), np.sin(angle)
    matrix = np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, 1.0]]) / scale
    centre = (np.asarray(glyph.shape) - 1) / 2
    out = affine_transform(glyph, matrix, offset=centre - matrix @ centre, order=1, mode="constant")
    return np.clip(out, 0.0, 1.0).astype(np.float32)


CAPTION_ORDERS = ("random", "reading")


def reading_order_caption(objects: list[SceneObject]) -> list[str]:
    """The reference that names the digits in reading order (by row, then column).

    Each digit is joined to the next by the first true relation of ``RELATIONS`` (left of, right
    of, above, below).

    Args:
        objects: the scene's objects (at least one).

    Returns:
        The caption as a list of words; it is one of ``describe_scene(objects)``.
    """
    if not objects:
        raise ValueError("objects must hold at least one SceneObject.")
    order = sorted(objects, key=lambda o: (o.row, o.col))
    words = list(order[0].words)
    for a, b in itertools.pairwise(order):
        rel = next(r for r in RELATIONS if relation_holds(r, a, b))
        words += [*RELATIONS[rel], *b.words]
    return words


def make_scenes(
    n: int,
    split: str = "train",
    seed: int = 0,
    max_objects: int = 3,
    augment: bool = False,
    caption_order: str = "random",
) -> CaptionedScenes:
    """Generate ``n`` captioned scenes, the same ones for the same arguments.

    Each scene has 1 to ``max_objects`` digits (uniformly), in distinct cells of the 2x2 grid,
    with distinct digit classes, each with a random colour and size. Digit images come from the
    given split of ``load_digits`` (train and test images are disjoint).

    Args:
        n: number of scenes (>= 1).
        split: ``"train"`` or ``"test"``: which handwritten digit images to draw.
        seed: seed of the scene generator (>= 0).
        max_objects: 1 to 4 digits at most per scene.
        augment: distort every digit image by a random small rotation (up to 15 degrees), shear
            and scaling before drawing it, so that scenes rarely repeat a training image exactly.
        caption_order: which reference becomes the training caption: ``"random"`` (one chosen
            at random) or ``"reading"`` (``reading_order_caption``: one fixed convention, so the
            decoder has a single right answer to learn). The references are the same either way.

    Returns:
        ``CaptionedScenes`` with images ``(n, 32, 32, 3)``.

    Raises:
        ValueError: for a bad ``n``, ``split``, ``seed``, ``max_objects`` or ``augment``.
    """
    choice(caption_order, "caption_order", CAPTION_ORDERS)
    augment = flag(augment, "augment")
    n = positive_int(n, "n")
    seed = positive_int(seed, "seed", minimum=0)
    max_objects = int_in_range(max_objects, "max_objects (the grid has 4 cells)", 1, 4)
    choice(split, "split", SPLITS)
    sides = {side for low, high in SIZES.values() for side in range(low, high + 1)}
    digits = {side: _digits(split, side) for side in sorted(sides)}
    labels = digits[8][1]
    by_class = [np.flatnonzero(labels == d) for d in range(10)]
    rng = np.random.default_rng([seed, SPLITS.index(split)])
    colour_names, size_names = list(COLOURS), list(SIZES)
    images = np.zeros((n, CANVAS, CANVAS, 3), dtype=np.float32)
    all_objects, references, captions = [], [], []
    for i in range(n):
        count = int(rng.integers(1, max_objects + 1))
        cells = rng.choice(4, size=count, replace=False)
        classes = rng.choice(10, size=count, replace=False)
        objects = []
        for cell, digit in zip(cells, classes, strict=True):
            size = size_names[int(rng.integers(len(size_names)))]
            colour = colour_names[int(rng.integers(len(colour_names)))]
            index = by_class[digit][int(rng.integers(len(by_class[digit])))]
            low, high = SIZES[size]
            side = int(rng.integers(low, high + 1))
            row, col = divmod(int(cell), 2)
            dy, dx = rng.integers(0, _CELL - side + 1, size=2)
            y, x = row * _CELL + int(dy), col * _CELL + int(dx)
            glyph = digits[side][0][index]
            if augment:
                glyph = _distort(glyph, rng)
            patch = images[i, y : y + side, x : x + side]
            np.maximum(patch, glyph[..., None] * np.asarray(COLOURS[colour]), out=patch)
            objects.append(SceneObject(int(digit), colour, size, row, col, y, x, side))
        refs = describe_scene(objects)
        all_objects.append(objects)
        references.append(refs)
        drawn = refs[int(rng.integers(len(refs)))]  # drawn either way: same scenes for both
        captions.append(drawn if caption_order == "random" else reading_order_caption(objects))
    return CaptionedScenes(images, all_objects, references, captions)


def cell_labels(objects: list[list[SceneObject]]) -> np.ndarray:
    """What each cell of the 2x2 grid holds: the digit class, or 10 for an empty cell.

    Args:
        objects: per scene, its objects.

    Returns:
        int32 ``(n, 4)``, cells in row-major order (top left, top right, bottom left, ...).
    """
    labels = np.full((len(objects), 4), 10, dtype=np.int32)
    for i, objs in enumerate(objects):
        for o in objs:
            labels[i, 2 * o.row + o.col] = o.digit
    return labels


def parse_caption(tokens: list[str]) -> ParsedCaption | None:
    """Read a caption back into objects and relations.

    Args:
        tokens: the caption's words (no start/end markers).

    Returns:
        A ``ParsedCaption``, or None when the words do not follow the caption grammar.
    """
    words = list(tokens)
    objects: list[tuple[int, str, str]] = []
    relations: list[str] = []
    pos = 0
    relation_words = {words_: name for name, words_ in RELATIONS.items()}
    while True:
        phrase = words[pos : pos + 4]
        if (
            len(phrase) < 4
            or phrase[0] != "a"
            or phrase[1] not in SIZES
            or phrase[2] not in COLOURS
            or phrase[3] not in DIGIT_WORDS
        ):
            return None
        objects.append((DIGIT_WORDS.index(phrase[3]), phrase[2], phrase[1]))
        pos += 4
        if pos == len(words):
            return ParsedCaption(objects, relations)
        for length in (2, 1):
            rel = relation_words.get(tuple(words[pos : pos + length]))
            if rel is not None:
                break
        else:
            return None
        relations.append(rel)
        pos += length


def caption_matches_scene(tokens: list[str], objects: list[SceneObject]) -> bool:
    """Whether a caption describes a scene exactly.

    True when the caption parses, names each object of the scene exactly once with the right
    digit, colour and size, names no other object, and every relation it states is true.

    Args:
        tokens: the caption's words.
        objects: the scene's objects.

    Returns:
        True or False.
    """
    parsed = parse_caption(tokens)
    if parsed is None or len(parsed.objects) != len(objects):
        return False
    lookup = {(o.digit, o.colour, o.size): o for o in objects}
    found = [lookup.get(key) for key in parsed.objects]
    named = [o for o in found if o is not None]
    if len(named) != len(found) or len({id(o) for o in named}) != len(objects):
        return False
    return all(
        relation_holds(rel, a, b)
        for rel, a, b in zip(parsed.relations, named[:-1], named[1:], strict=True)
    )


def encode_captions(
    captions: list[list[str]], vocab: TokenVocabulary, max_len: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Teacher-forcing arrays: decoder inputs (start + words) and targets (words + end).

    Args:
        captions: token lists.
        vocab: the vocabulary.
        max_len: columns of both arrays (the longest caption + 1 when None).

    Returns:
        ``(inputs, targets)``, int32 ``(n, max_len)`` each, padded with 0 after the end;
        ``targets[:, t]`` is the word that follows ``inputs[:, : t + 1]``.
    """
    full = vocab.encode_batch(
        captions, None if max_len is None else max_len + 1, add_start=True, add_end=True
    )
    return full[:, :-1], full[:, 1:]


COCO_SPLITS = ("train", "val", "test")


def load_coco_captions(
    split: str = "train",
    max_examples: int | None = None,
    image_size: int = 64,
    data_dir: str | None = None,
) -> tuple[np.ndarray, list[list[list[str]]]]:
    """COCO images with their human captions, through tensorflow-datasets (full profile only).

    The first call downloads COCO 2014 (about 38 GB) into ``data_dir``; it needs network. Tests
    use ``tfds.testing.mock_data`` instead.

    Args:
        split: ``"train"``, ``"val"`` or ``"test"`` (Karpathy's splits in ``coco_captions``).
        max_examples: read only the first examples (all when None).
        image_size: side of the square float32 images returned (resized, aspect not kept).
        data_dir: where tensorflow-datasets keeps its data (its default when None).

    Returns:
        ``(images, references)``: float32 ``(n, image_size, image_size, 3)`` in [0, 1], and per
        image its captions as lower-cased token lists (``tokenize_words``).

    Raises:
        ValueError: for a bad split, ``max_examples`` or ``image_size``.
        RuntimeError: when the data cannot be loaded (no network, no disk space).
    """
    choice(split, "split", COCO_SPLITS)
    max_examples = positive_int(max_examples, "max_examples", allow_none=True)
    image_size = positive_int(image_size, "image_size", minimum=8)
    import tensorflow as tf

    tfds = require_tfds("load_coco_captions")
    from course_lib.data.text import tokenize_words

    tfds_split = split if max_examples is None else f"{split}[:{max_examples}]"
    try:
        ds = tfds.load("coco_captions", split=tfds_split, data_dir=data_dir, download=True)
        images, references = [], []
        for example in ds:
            image = tf.image.resize(tf.cast(example["image"], tf.float32) / 255.0, [image_size] * 2)
            images.append(np.clip(image.numpy(), 0.0, 1.0))
            texts = example["captions"]["text"].numpy()
            references.append([tokenize_words(t.decode("utf-8").lower()) for t in texts])
    except Exception as err:
        raise RuntimeError(
            "could not load coco_captions through tensorflow-datasets (it downloads about 38 GB "
            "the first time and needs network). Use the offline scenes of make_scenes, or run "
            f"where the network is available. The error was: {type(err).__name__}: {err}"
        ) from err
    if not images:
        raise RuntimeError(f"coco_captions split {tfds_split!r} returned no examples.")
    return np.stack(images).astype(np.float32), references
