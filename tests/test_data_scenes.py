"""Captioned digit scenes: generation, references, the caption parser and scene accuracy."""

import numpy as np
import pytest

from course_lib import metrics
from course_lib.data import scenes
from course_lib.data.scenes import SceneObject


@pytest.fixture(scope="module")
def train():
    return scenes.make_scenes(300, "train", seed=3)


def test_scenes_have_the_promised_shape_and_content(train):
    assert train.images.shape == (300, 32, 32, 3) and train.images.dtype == np.float32
    assert 0.0 <= train.images.min() and train.images.max() <= 1.0
    counts = {len(objs) for objs in train.objects}
    assert counts == {1, 2, 3}
    for objs in train.objects:
        assert len({o.digit for o in objs}) == len(objs), "digits in a scene are distinct"
        assert len({(o.row, o.col) for o in objs}) == len(objs), "one digit per cell"
        for o in objs:
            side = o.side
            assert scenes.SIZES[o.size][0] <= side <= scenes.SIZES[o.size][1]
            assert o.row * 16 <= o.y <= o.row * 16 + 16 - side
            assert o.col * 16 <= o.x <= o.col * 16 + 16 - side


def test_each_digit_is_drawn_in_its_colour_inside_its_box(train):
    for image, objs in zip(train.images[:50], train.objects[:50], strict=True):
        drawn = np.zeros(image.shape[:2], dtype=bool)
        for o in objs:
            side = o.side
            patch = image[o.y : o.y + side, o.x : o.x + side]
            assert patch.max() > 0.3, "the digit must be visible"
            pixel = patch.reshape(-1, 3)[patch.sum(-1).argmax()]
            colour = np.asarray(scenes.COLOURS[o.colour])
            cosine = pixel @ colour / np.linalg.norm(pixel) / np.linalg.norm(colour)
            assert cosine > 0.999, f"the brightest pixel must have the colour {o.colour}"
            drawn[o.y : o.y + side, o.x : o.x + side] = True
        assert image[~drawn].max() == 0.0, "nothing outside the digits' boxes"


def test_same_seed_same_scenes_and_splits_use_disjoint_handwriting(train):
    again = scenes.make_scenes(300, "train", seed=3)
    np.testing.assert_array_equal(train.images, again.images)
    assert train.captions == again.captions
    other = scenes.make_scenes(300, "train", seed=4)
    assert not np.array_equal(train.images, other.images)
    small_train = scenes._digits("train", 8)[0].reshape(-1, 64)
    small_test = scenes._digits("test", 8)[0].reshape(-1, 64)
    train_keys = {row.tobytes() for row in small_train}
    overlap = sum(row.tobytes() in train_keys for row in small_test)
    assert overlap <= 2, "the test split must not reuse training images (identical scans aside)"
    assert len(small_train) + len(small_test) == 1797


def test_references_are_every_true_caption_and_the_caption_is_one_of_them(train):
    for objs, refs, caption in zip(train.objects, train.references, train.captions, strict=True):
        assert caption in refs
        assert len(refs) == len({tuple(r) for r in refs})
        expected = {1: {1}, 2: {2, 4}, 3: {10}}[len(objs)]
        assert len(refs) in expected
        for ref in refs:
            assert scenes.caption_matches_scene(ref, objs)


def test_describe_scene_two_digits_side_by_side():
    a = SceneObject(7, "red", "large", 0, 0)
    b = SceneObject(2, "blue", "small", 0, 1)
    refs = [" ".join(r) for r in scenes.describe_scene([a, b])]
    assert refs == [
        "a large red seven left of a small blue two",
        "a small blue two right of a large red seven",
    ]
    c = SceneObject(4, "green", "small", 1, 1)  # diagonal from a: two relations are true
    refs = {" ".join(r) for r in scenes.describe_scene([a, c])}
    assert "a large red seven above a small green four" in refs
    assert "a small green four left of a large red seven" not in refs
    assert len(refs) == 4


def test_parser_reads_every_reference_form(train):
    vocab = scenes.caption_vocabulary()
    assert len(vocab) == 26
    seen_relations = set()
    for objs, refs in zip(train.objects, train.references, strict=True):
        for ref in refs:
            assert all(vocab.tokens.index(w) >= 4 for w in ref)
            parsed = scenes.parse_caption(ref)
            assert parsed is not None
            assert len(parsed.objects) == len(objs) and len(parsed.relations) == len(objs) - 1
            assert sorted(parsed.objects) == sorted((o.digit, o.colour, o.size) for o in objs)
            seen_relations.update(parsed.relations)
    assert seen_relations == set(scenes.RELATIONS)


@pytest.mark.parametrize(
    "caption",
    [
        "",
        "a large red",
        "large red seven",
        "a red large seven",
        "a large red seven left a small blue two",
        "a large red seven of left a small blue two",
        "a large red seven left of",
        "a large red seven a small blue two",
        "a huge red seven",
    ],
)
def test_parser_rejects_captions_outside_the_grammar(caption):
    assert scenes.parse_caption(caption.split()) is None


def test_scene_matching_catches_each_kind_of_mistake():
    a = SceneObject(7, "red", "large", 0, 0)
    b = SceneObject(2, "blue", "small", 0, 1)
    objs = [a, b]
    right = "a large red seven left of a small blue two"
    assert scenes.caption_matches_scene(right.split(), objs)
    wrong = [
        "a large red seven right of a small blue two",  # relation
        "a large red seven above a small blue two",  # relation that is not true
        "a large red nine left of a small blue two",  # digit
        "a large green seven left of a small blue two",  # colour
        "a small red seven left of a small blue two",  # size
        "a large red seven",  # a digit left out
        "a large red seven left of a small blue two left of a small blue two",  # repeated
        "a large red seven left of a large red seven",  # the same one twice
    ]
    for caption in wrong:
        assert not scenes.caption_matches_scene(caption.split(), objs), caption
    assert metrics.scene_accuracy([right.split(), wrong[0].split()], [objs, objs]) == 0.5


def test_encode_captions_shifts_targets_by_one(train):
    vocab = scenes.caption_vocabulary()
    inputs, targets = scenes.encode_captions(train.captions[:5], vocab, 17)
    assert inputs.shape == targets.shape == (5, 17)
    assert (inputs[:, 0] == vocab.START).all()
    np.testing.assert_array_equal(
        inputs[:, 1:][targets[:, :-1] > 0], targets[:, :-1][targets[:, :-1] > 0]
    )
    for row, caption in zip(targets, train.captions[:5], strict=True):
        assert vocab.decode(row) == caption and row[len(caption)] == vocab.END


def test_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        scenes.make_scenes(3, "validation")
    with pytest.raises(ValueError, match="max_objects"):
        scenes.make_scenes(3, max_objects=5)
    with pytest.raises(ValueError, match="n must"):
        scenes.make_scenes(0)
    with pytest.raises(ValueError, match="relation"):
        scenes.relation_holds(
            "near", SceneObject(1, "red", "small", 0, 0), SceneObject(2, "red", "small", 0, 1)
        )


tfds = pytest.importorskip("tensorflow_datasets")


def test_load_coco_captions_with_mock_data():
    with tfds.testing.mock_data(num_examples=4):
        images, references = scenes.load_coco_captions("val", image_size=16)
    assert images.shape == (4, 16, 16, 3) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert len(references) == 4 and all(isinstance(r, list) for r in references)
    assert all(isinstance(w, str) for refs in references for ref in refs for w in ref)


def test_load_coco_captions_fails_clearly_without_data(monkeypatch):
    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds, "load", offline)
    with pytest.raises(RuntimeError, match="network"):
        scenes.load_coco_captions("train", max_examples=3)
    with pytest.raises(ValueError, match="split"):
        scenes.load_coco_captions("dev")


def test_augmented_scenes_distort_the_digits_but_keep_everything_else(train):
    aug = scenes.make_scenes(300, "train", seed=3, augment=True)
    again = scenes.make_scenes(300, "train", seed=3, augment=True)
    np.testing.assert_array_equal(aug.images, again.images)
    assert aug.images.shape == train.images.shape and 0.0 <= aug.images.min()
    assert aug.images.max() <= 1.0
    assert not np.array_equal(aug.images, train.images)
    for objs in aug.objects[:50]:
        for o in objs:
            assert scenes.SIZES[o.size][0] <= o.side <= scenes.SIZES[o.size][1]
    for image, objs in zip(aug.images[:50], aug.objects[:50], strict=True):
        drawn = np.zeros(image.shape[:2], dtype=bool)
        for o in objs:
            drawn[o.y : o.y + o.side, o.x : o.x + o.side] = True
            assert image[o.y : o.y + o.side, o.x : o.x + o.side].max() > 0.3
        assert image[~drawn].max() == 0.0, "a distorted digit stays inside its box"
    # distortion is small: a distorted glyph still overlaps its original strongly
    glyph = scenes._digits("train", 16)[0][5]
    rng = np.random.default_rng(0)
    for _ in range(10):
        out = scenes._distort(glyph, rng)
        assert out.shape == glyph.shape and not np.array_equal(out, glyph)
        assert np.corrcoef(out.ravel(), glyph.ravel())[0, 1] > 0.4
    with pytest.raises(ValueError, match="augment"):
        scenes.make_scenes(3, augment=1)


def test_cell_labels_name_the_digit_in_each_cell():
    a = SceneObject(7, "red", "small", 0, 1)
    b = SceneObject(0, "blue", "large", 1, 0)
    labels = scenes.cell_labels([[a, b], [b]])
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, [[10, 7, 0, 10], [10, 10, 0, 10]])


def test_reading_order_caption_is_a_reference_in_reading_order(train):
    a = SceneObject(7, "red", "small", 1, 1)
    b = SceneObject(2, "blue", "large", 0, 0)
    c = SceneObject(4, "green", "small", 0, 1)
    caption = " ".join(scenes.reading_order_caption([a, b, c]))
    assert caption == ("a large blue two left of a small green four above a small red seven")
    ordered = scenes.make_scenes(300, "train", seed=3, caption_order="reading")
    np.testing.assert_array_equal(ordered.images, train.images)
    assert ordered.references == train.references
    assert ordered.captions != train.captions
    for objs, refs, caption in zip(ordered.objects, ordered.references, ordered.captions):
        assert caption in refs
        parsed = scenes.parse_caption(caption)
        cells = [next((o.row, o.col) for o in objs if o.digit == d) for d, _, _ in parsed.objects]
        assert cells == sorted(cells)
    with pytest.raises(ValueError, match="caption_order"):
        scenes.make_scenes(3, caption_order="sorted")
    with pytest.raises(ValueError, match="objects"):
        scenes.reading_order_caption([])
