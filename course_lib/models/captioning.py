"""CNN encoder and caption decoders with and without attention (notebook 09).

``build_caption_model`` returns the model trained with teacher forcing: an image and the caption
so far (start marker + words) in, the logits of the next word at every position out. Two
decoders share one interface:

- ``attention=True`` ("show, attend and tell", Xu et al., 2015): at every word the previous
  hidden state scores each region of the CNN's grid (``course_lib.layers.BahdanauAttention``),
  the weighted average of the regions (the context) is fed to an ``LSTMCell`` together with the
  previous word (``course_lib.layers.ShowAttendTellCell``), and the next word is read from the
  new hidden state and the context. The steps are unrolled in the graph (a caption has at most
  ``max_len`` words).
- ``attention=False`` (after "show and tell", Vinyals et al., 2015): the image enters only
  through the initial state, computed from the whole grid of regions flattened into one vector
  (so it is given everything the attention decoder can look at, positions included); a plain
  ``LSTM`` layer (cuDNN-eligible) reads the words.

With attention, the LSTM's initial state is computed from the pooled (mean) image vector, as in
Xu et al. For inference, ``caption_inference_models`` builds from the trained model's layers
(``handles.caption_handles``) an encoder (image -> initial decoder state) and a one-step decoder
(previous word and state -> next-word log-probabilities, new state and, with attention, the
attention weights), and ``caption_images`` decodes a batch with ``course_lib.decoding``'s greedy
or beam search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
from keras import ops

from course_lib import handles as names
from course_lib._args import choice, finite_float, flag, positive_int, probability
from course_lib.handles import caption_handles
from course_lib.layers import RegionCoordinates, ShowAttendTellCell
from course_lib.models.recurrent import OUTPUT_DTYPE, recurrent_layer

if TYPE_CHECKING:
    from course_lib.data.scenes import CaptionedScenes, SceneObject
    from course_lib.data.text import TokenVocabulary
    from course_lib.training import FitResult

__all__ = [
    "build_image_encoder_model",
    "build_caption_model",
    "CaptionInference",
    "caption_inference_models",
    "caption_images",
    "caption_attention",
    "continue_captions",
    "fit_captioner",
    "caption_scores",
    "digit_accuracy",
    "attention_on_named_digits",
]


def build_image_encoder_model(
    image_shape: tuple[int, int, int] = (32, 32, 3),
    filters: tuple[int, ...] = (16, 32, 64),
    name: str = names.IMAGE_ENCODER,
) -> keras.Model:
    """A small CNN trained from scratch: a grid of region features and a pooled image vector.

    Each block is a 3x3 ``Conv2D`` ("same" padding), batch normalisation (momentum 0.9, so its
    running statistics settle within tens of steps), ReLU and a 2x2 max-pool, so the grid side is
    the image side divided by ``2 ** len(filters)`` (32 -> 4 with three blocks: 16 regions).

    Args:
        image_shape: ``(height, width, channels)`` of the images.
        filters: channels of each convolution block.
        name: the model's name.

    Returns:
        A model ``image (batch, H, W, C) -> [regions (batch, R, filters[-1] + 2),
        pooled (batch, filters[-1])]``: the regions carry their grid coordinates
        (``layers.RegionCoordinates``); the pooled vector is the mean over the grid.

    Raises:
        ValueError: for bad shapes or filter counts, or an image too small for the blocks.
    """
    if len(image_shape) != 3:
        raise ValueError(f"image_shape must be (height, width, channels); got {image_shape!r}.")
    for i, value in enumerate(image_shape):
        positive_int(value, f"image_shape[{i}]")
    if not filters:
        raise ValueError("filters must name at least one convolution block.")
    for i, value in enumerate(filters):
        positive_int(value, f"filters[{i}]")
    if min(image_shape[:2]) < 2 ** len(filters):
        raise ValueError(
            f"image_shape {image_shape} is too small for {len(filters)} pooling blocks."
        )
    image = keras.Input(image_shape, name="image")
    x = image
    for i, count in enumerate(filters, start=1):
        x = keras.layers.Conv2D(count, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"norm{i}")(x)
        x = keras.layers.ReLU(name=f"relu{i}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{i}")(x)
    regions = RegionCoordinates(name="regions")(x)
    pooled = keras.layers.GlobalAveragePooling2D(name="pooled")(x)
    return keras.Model(image, [regions, pooled], name=name)


def build_caption_model(
    vocab_size: int,
    max_len: int,
    units: int = 128,
    embed_dim: int = 32,
    attention: bool = True,
    attention_units: int = 64,
    image_shape: tuple[int, int, int] = (32, 32, 3),
    filters: tuple[int, ...] = (16, 32, 64),
    dropout: float = 0.0,
    cell_head: bool = False,
    initial_state_from: str | None = None,
    name: str | None = None,
) -> keras.Model:
    """An image captioner trained with teacher forcing.

    Args:
        vocab_size: number of word ids (0 is padding, masked by the loss's ``ignore_class``).
        max_len: decoder steps (the longest caption + 1 for the end marker).
        units: size of the LSTM's hidden and cell states.
        embed_dim: size of the word embeddings.
        attention: attend over the regions at every word, starting from the pooled image
            vector (True), or see the image only through the initial state, computed from the
            flattened grid of regions (False).
        attention_units: hidden size of the additive attention's score (with attention).
        image_shape: ``(height, width, channels)``.
        filters: channels of the encoder's convolution blocks.
        dropout: dropout rate on the regions and the pooled vector during training (0 to <1),
            a regulariser against memorising the training images.
        cell_head: also classify what each cell of the 2x2 scene grid holds (digit 0-9, or 10
            for an empty cell) from the encoder's regions: an auxiliary output trained with its
            own loss, which teaches the CNN digit identity directly. The regions of each quarter
            of the grid are max-pooled and one ``Dense`` layer, ``cell_digits``, scores the 11
            classes; the softmax of these scores is appended to every region of the cell (the
            region dimension grows by 11), for both decoders.
        initial_state_from: what the decoder's initial state is computed from: ``"pooled"``,
            the mean of the regions' CNN features (which no longer says where each was), or
            ``"grid"``, all the regions flattened into one vector of ``R * d`` numbers (with
            their positions). None (the default) picks ``"pooled"`` with attention, as in
            Xu et al., and ``"grid"`` without, so that the decoder without attention is given
            everything the attention decoder can look at.
        name: the model's name (``"attention_captioner"`` or ``"captioner"`` when None).

    Returns:
        A model ``[image (batch, H, W, C), tokens (batch, max_len)] -> logits (batch, max_len,
        vocab_size)``, where ``tokens`` is the start marker followed by the caption's words and
        ``logits[:, t]`` scores the word after ``tokens[:, : t + 1]``. With ``cell_head``
        the outputs are ``[logits, cell_logits (batch, 4, 11)]`` (cells in row-major order).
        Named layers:
        ``image_encoder`` (a nested model), ``init_h``, ``init_c``, ``embedding``, ``logits``,
        and ``decoder_rnn`` with attention, or ``decoder_lstm`` without.

    Raises:
        ValueError: for bad sizes.
    """
    for value, label in [
        (vocab_size, "vocab_size"),
        (max_len, "max_len"),
        (units, "units"),
        (embed_dim, "embed_dim"),
        (attention_units, "attention_units"),
    ]:
        positive_int(value, label)
    attention = flag(attention, "attention")
    if initial_state_from is None:
        initial_state_from = "pooled" if attention else "grid"
    initial_state_from = choice(initial_state_from, "initial_state_from", ("pooled", "grid"))
    dropout = probability(dropout, "dropout", allow_one=False)
    encoder = build_image_encoder_model(image_shape, filters)
    image = keras.Input(image_shape, name="image")
    tokens = keras.Input((max_len,), dtype="int32", name="tokens")
    regions, pooled = encoder(image)
    regions = keras.layers.Dropout(dropout, name="region_dropout")(regions)
    pooled = keras.layers.Dropout(dropout, name="pooled_dropout")(pooled)
    cell_head = flag(cell_head, "cell_head")
    if cell_head:
        side = int(round(regions.shape[1] ** 0.5))
        if side * side != regions.shape[1] or side % 2:
            raise ValueError(f"cell_head needs an even square grid of regions; got {side}.")
        layers = _cell_head_layers(regions.shape[2], side)
        cell_logits, regions = _apply_cell_head(regions, layers)
    summary = _initial_state_input(regions, pooled, initial_state_from == "grid")
    h = keras.layers.Dense(units, activation="tanh", name=names.INIT_H)(summary)
    c = keras.layers.Dense(units, name=names.INIT_C)(summary)
    embedding = keras.layers.Embedding(vocab_size, embed_dim, name=names.EMBEDDING)
    words = embedding(tokens)
    if attention:
        n_regions, region_dim = regions.shape[1], regions.shape[2]
        flat = keras.layers.Flatten(name="flat_regions")(regions)
        cell = ShowAttendTellCell(
            units, attention_units, n_regions, region_dim, name="show_attend_tell_cell"
        )
        decoder = keras.layers.RNN(cell, return_sequences=True, name=names.DECODER_RNN)
        outputs = decoder(words, initial_state=[h, c, flat])
        readout = outputs[..., : units + region_dim]  # [h, context]; the weights are not used
        logits = keras.layers.Dense(vocab_size, dtype=OUTPUT_DTYPE, name=names.LOGITS)(readout)
    else:
        lstm = recurrent_layer(
            "lstm", units, name=names.DECODER_LSTM, return_sequences=True, return_state=True
        )
        sequence, _, _ = lstm(words, initial_state=[h, c])
        logits = keras.layers.Dense(vocab_size, dtype=OUTPUT_DTYPE, name=names.LOGITS)(sequence)
    default = "attention_captioner" if attention else "captioner"
    if cell_head:
        return keras.Model([image, tokens], [logits, cell_logits], name=name or default)
    return keras.Model([image, tokens], logits, name=name or default)


def _cell_head_layers(region_dim: int, side: int) -> dict[str, keras.layers.Layer]:
    """The cell head's layers, keyed and named by ``handles.CAPTION_CELL_LAYERS``."""
    grid, pool, cells, digits, probs, upsample = names.CAPTION_CELL_LAYERS
    return {
        grid: keras.layers.Reshape((side, side, region_dim), name=grid),
        pool: keras.layers.MaxPooling2D(side // 2, name=pool),
        cells: keras.layers.Reshape((4, region_dim), name=cells),
        digits: keras.layers.Dense(11, dtype=OUTPUT_DTYPE, name=digits),
        probs: keras.layers.Softmax(name=probs),
        upsample: keras.layers.UpSampling2D(side // 2, name=upsample),
    }


def _initial_state_input(regions: Any, pooled: Any, grid: bool) -> Any:
    """The pooled vector, or the whole grid flattened into one vector of ``R * d`` numbers."""
    if grid:
        return keras.layers.Flatten(name=names.GRID_VECTOR)(regions)
    return pooled


def _apply_cell_head(regions: Any, layers: dict) -> tuple[Any, Any]:
    """Cell logits, and the regions extended with their cell's digit probabilities."""
    side = int(round(regions.shape[1] ** 0.5))
    grid_l, pool_l, cells_l, digits_l, probs_l, upsample_l = names.CAPTION_CELL_LAYERS
    grid = layers[grid_l](regions)
    cell_logits = layers[digits_l](layers[cells_l](layers[pool_l](grid)))
    probs = layers[probs_l](cell_logits)  # (batch, 4, 11)
    probs_grid = keras.layers.Reshape((2, 2, 11), name="cell_probs_grid")(probs)
    upsampled = layers[upsample_l](probs_grid)
    per_region = keras.layers.Reshape((side * side, 11), name="region_cell_probs")(upsampled)
    regions = keras.layers.Concatenate(name="regions_with_cells")([regions, per_region])
    return cell_logits, regions


@dataclass
class CaptionInference:
    """The inference pieces of a trained captioner (see ``caption_inference_models``).

    Attributes:
        encoder: ``image -> initial state``: ``[h (n, units), c (n, units), regions (n, R, d)]``
            with attention, ``[h, c]`` without.
        step: ``[token (n,), *state] -> [log_probs (n, vocab), *new state]`` and, with attention,
            a last output ``weights (n, R)``: where the decoder looked to choose this word.
        attention: whether the decoder attends.
    """

    encoder: keras.Model
    step: keras.Model
    attention: bool

    def initial_state(self, images: np.ndarray) -> tuple[np.ndarray, ...]:
        """The decoder's starting state for a batch of images, as NumPy arrays."""
        return tuple(np.asarray(a) for a in self.encoder(images, training=False))

    def step_fn(self, tokens: np.ndarray, state: tuple) -> tuple[np.ndarray, tuple]:
        """``course_lib.decoding`` step function: ``(tokens (n,), state) -> (log_probs, state)``."""
        outputs = self.step([np.asarray(tokens, dtype=np.int32), *state], training=False)
        log_probs, h, c = (np.asarray(a) for a in outputs[:3])
        new_state = (h, c, state[2]) if self.attention else (h, c)
        return log_probs, new_state


def caption_inference_models(model: keras.Model) -> CaptionInference:
    """Build the encoder and the one-step decoder from a captioner's layers.

    They share the trained weights (no copy), so they can be built once after training.

    Args:
        model: a model from ``build_caption_model`` (built or loaded; its layers are found by
            ``handles.caption_handles``).

    Returns:
        A ``CaptionInference``.
    """
    parts = caption_handles(model)
    attention = parts.attention
    image = keras.Input(parts.image_encoder.input_shape[1:], name="image")
    regions, pooled = parts.image_encoder(image)
    if parts.cell_head:
        _, regions = _apply_cell_head(regions, parts.cell_head)
    summary = _initial_state_input(regions, pooled, parts.grid_state)
    h0 = parts.init_h(summary)
    c0 = parts.init_c(summary)
    state_out = [h0, c0, regions] if attention else [h0, c0]
    encoder_model = keras.Model(image, state_out, name="caption_encoder")

    units = parts.init_h.units
    token = keras.Input((), dtype="int32", name="token")
    h = keras.Input((units,), name="h")
    c = keras.Input((units,), name="c")
    word = parts.embedding(token)
    if attention:
        cell = parts.decoder.cell
        regions_in = keras.Input(tuple(regions.shape[1:]), name="regions")
        flat = ops.reshape(regions_in, (-1, cell.n_regions * cell.region_dim))
        output, (h1, c1, _) = cell(word, [h, c, flat])
        readout = output[:, : units + cell.region_dim]
        weights = output[:, units + cell.region_dim :]
        logits = parts.logits(readout)
        inputs, outputs = [token, h, c, regions_in], [h1, c1, weights]
    else:
        sequence, h1, c1 = parts.decoder(ops.expand_dims(word, 1), initial_state=[h, c])
        logits = parts.logits(sequence[:, 0])
        inputs, outputs = [token, h, c], [h1, c1]
    log_probs = ops.log_softmax(logits, axis=-1)
    step = keras.Model(inputs, [log_probs, *outputs], name="caption_step")
    return CaptionInference(encoder_model, step, attention)


def caption_images(
    inference: CaptionInference,
    images: np.ndarray,
    vocab: TokenVocabulary,
    max_length: int,
    beam_width: int = 1,
    batch_size: int = 256,
) -> list[list[str]]:
    """Caption a batch of images with greedy (``beam_width=1``) or beam search.

    Args:
        inference: from ``caption_inference_models``.
        images: float32 ``(n, H, W, C)``.
        vocab: the ``TokenVocabulary`` of the captions.
        max_length: most words, the end marker included.
        beam_width: 1 for greedy search, more for beam search.
        batch_size: images decoded together (each step is one call of the step model).

    Returns:
        One caption per image, as a list of words (no markers).
    """
    from course_lib.decoding import beam_search, greedy_search

    positive_int(beam_width, "beam_width")
    positive_int(batch_size, "batch_size")
    captions = []
    for start in range(0, len(images), batch_size):
        state = inference.initial_state(images[start : start + batch_size])
        args = (inference.step_fn, state, vocab.START, vocab.END, max_length)
        if beam_width == 1:
            ids = greedy_search(*args)
        else:
            ids = beam_search(*args, beam_width=beam_width)
        captions += [vocab.decode(seq) for seq in ids]
    return captions


def caption_attention(
    inference: CaptionInference,
    images: np.ndarray,
    captions: list[list[str]],
    vocab: TokenVocabulary,
) -> list[np.ndarray]:
    """Where the decoder looks while it writes each caption (all images decoded together).

    Each caption's words are fed back one at a time, as in generation; the weights at step
    ``t`` are those used to choose word ``t`` (the last row: to choose the end marker).

    Args:
        inference: from ``caption_inference_models`` of an attention captioner.
        images: float32 ``(n, H, W, C)``.
        captions: ``n`` word lists (e.g. the model's own greedy captions).
        vocab: the ``TokenVocabulary``.

    Returns:
        Per image, float32 ``(len(caption) + 1, R)``: one row of region weights per word and
        one for the end marker.

    Raises:
        ValueError: if the captioner has no attention, or the numbers of images and captions
            differ.
    """
    if not inference.attention:
        raise ValueError("caption_attention needs a captioner built with attention=True.")
    if len(images) != len(captions) or not len(captions):
        raise ValueError("images and captions must be non-empty and of the same length.")
    state = inference.initial_state(np.asarray(images))
    tokens = vocab.encode_batch(captions, add_start=True)
    rows = []
    for t in range(tokens.shape[1]):
        outputs = inference.step([tokens[:, t], *state], training=False)
        rows.append(np.asarray(outputs[3]))
        state = (np.asarray(outputs[1]), np.asarray(outputs[2]), state[2])
    weights = np.stack(rows, axis=1).astype(np.float32)  # (n, steps, R)
    return [weights[i, : len(c) + 1] for i, c in enumerate(captions)]


def continue_captions(
    inference: CaptionInference,
    images: np.ndarray,
    prefixes: list[list[str]],
    vocab: TokenVocabulary,
    max_length: int,
) -> list[list[str]]:
    """Force each caption to start with the given words, then let the model go on greedily.

    Useful to see what the decoder does after words it would not have chosen itself (for
    example a wrong digit): it was trained only on correct prefixes (teacher forcing).

    Args:
        inference: from ``caption_inference_models``.
        images: float32 ``(n, H, W, C)``.
        prefixes: ``n`` word lists, all of the same length.
        vocab: the ``TokenVocabulary``.
        max_length: most words generated after the prefix, the end marker included.

    Returns:
        Per image, the prefix followed by the generated words (no markers).

    Raises:
        ValueError: if the prefixes differ in length or do not match the images in number.
    """
    if len(prefixes) != len(images) or len({len(p) for p in prefixes}) != 1:
        raise ValueError("prefixes must hold one word list per image, all of the same length.")
    positive_int(max_length, "max_length")
    forced = np.stack([vocab.encode(p, add_start=True) for p in prefixes])
    state = inference.initial_state(images)
    for t in range(forced.shape[1]):
        log_probs, state = inference.step_fn(forced[:, t], state)
    generated = np.zeros((len(images), max_length), dtype=np.int64)
    for t in range(max_length):
        generated[:, t] = log_probs.argmax(axis=-1)
        log_probs, state = inference.step_fn(generated[:, t], state)
    return [list(p) + vocab.decode(row) for p, row in zip(prefixes, generated, strict=True)]


def fit_captioner(
    model: keras.Model,
    images: np.ndarray,
    tokens: np.ndarray,
    targets: np.ndarray,
    cell_targets: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    cell_loss_weight: float = 0.5,
    verbose: bool = True,
) -> FitResult:
    """Compile and train a captioner built with ``cell_head=True`` (notebook 09's recipe).

    Adam with gradient clipping (norm 1) and a learning rate that decays to zero along a cosine
    over the whole run; the loss is the masked cross-entropy of the words (padding, id 0, left
    out) plus ``cell_loss_weight`` times the cross-entropy of the cell head.

    Args:
        model: from ``build_caption_model(..., cell_head=True)``, uncompiled.
        images: float32 ``(n, H, W, C)``.
        tokens: int ``(n, max_len)``, the decoder's inputs (``data.scenes.encode_captions``).
        targets: int ``(n, max_len)``, the next words (0 pads).
        cell_targets: int ``(n, 4)``, the digit in each cell of the scene (10: empty).
        epochs: passes over the data.
        batch_size: scenes per step.
        learning_rate: the learning rate at the first step.
        cell_loss_weight: weight of the cell head's loss (0 trains the head through the
            captions only).
        verbose: print one line with the weights, epochs, time per epoch and final losses.

    Returns:
        The ``training.FitResult`` (silent training: Keras prints nothing per epoch).

    Raises:
        ValueError: for a bad epoch count, batch size or learning rate.
    """
    from course_lib.training import fit

    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    learning_rate = finite_float(learning_rate, "learning_rate", above=0.0)
    batches = -(-len(images) // batch_size) * epochs
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=batches)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0),
        loss=[
            keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),  # words
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # cell digits
        ],
        loss_weights=[1.0, cell_loss_weight],
    )
    result = fit(
        model,
        [images, tokens],
        [targets, cell_targets],
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
    )
    if verbose:
        print(
            f"{model.name}: {model.count_params():,} weights, {result.epochs} epochs, "
            f"{result.seconds_per_epoch:.1f} s/epoch, final caption loss "
            f"{result.final(f'{names.LOGITS}_loss'):.3f}, "
            f"cell loss {result.final(f'{names.CELL_DIGITS}_loss'):.3f}"
        )
    return result


def caption_scores(captions: list[list[str]], scenes: CaptionedScenes) -> dict[str, float]:
    """BLEU-1 to BLEU-4 against every reference of each scene, and the scene accuracy.

    Args:
        captions: one generated caption (a word list) per scene.
        scenes: the scenes, with their ``references`` and ``objects``.

    Returns:
        ``{"BLEU-1": ..., "BLEU-2": ..., "BLEU-3": ..., "BLEU-4": ..., "scene accuracy": ...}``,
        each in [0, 1] (``metrics.bleu`` and ``metrics.scene_accuracy``).
    """
    from course_lib import metrics

    row = {f"BLEU-{n}": metrics.bleu(scenes.references, captions, max_order=n) for n in range(1, 5)}
    row["scene accuracy"] = metrics.scene_accuracy(captions, scenes.objects)
    return row


def digit_accuracy(captions: list[list[str]], objects: list[list[SceneObject]]) -> float:
    """The fraction of the scenes' digits whose class the caption names.

    Colour, size and place do not count, and a caption that does not parse names no digit.

    Args:
        captions: one caption (a word list) per scene.
        objects: each scene's ``data.scenes.SceneObject`` list.

    Returns:
        The fraction in [0, 1], over all the digits of all the scenes.

    Raises:
        ValueError: if the two lists differ in length or are empty.
    """
    from course_lib.data.scenes import parse_caption

    if len(captions) != len(objects) or not captions:
        raise ValueError("captions and objects must be non-empty and of the same length.")
    hits = []
    for caption, objs in zip(captions, objects, strict=True):
        parsed = parse_caption(caption)
        named = {digit for digit, _, _ in parsed.objects} if parsed else set()
        hits += [o.digit in named for o in objs]
    return float(np.mean(hits))


def attention_on_named_digits(
    inference: CaptionInference,
    images: np.ndarray,
    captions: list[list[str]],
    objects: list[list[SceneObject]],
    vocab: TokenVocabulary,
) -> float:
    """Mean attention weight inside the cell of the digit being named, over the digit words.

    For every digit word of a caption that names a digit of its scene, the weights the decoder
    used to choose that word are summed over the regions of the 4x4 grid (row-major, 2x2 regions
    per cell of the scene) that lie in the digit's cell. Attention spread evenly scores 0.25.

    Args:
        inference: from ``caption_inference_models`` of an attention captioner on a 4x4 grid.
        images: float32 ``(n, H, W, C)``.
        captions: ``n`` word lists (e.g. the model's own greedy captions).
        objects: each scene's ``data.scenes.SceneObject`` list.
        vocab: the ``TokenVocabulary``.

    Returns:
        The mean weight in [0, 1] (NaN when no caption names a digit of its scene).
    """
    from course_lib.data.scenes import DIGIT_WORDS

    cell_of_region = [(r // 4 // 2, r % 4 // 2) for r in range(16)]  # 4x4 grid, 2x2 per cell
    mass = []
    all_weights = caption_attention(inference, images, captions, vocab)
    for words, objs, w in zip(captions, objects, all_weights, strict=True):
        cell_of = {DIGIT_WORDS[o.digit]: (o.row, o.col) for o in objs}
        for t, word in enumerate(words):
            if word in cell_of:  # a digit word that names a digit of this scene
                mass.append(sum(w[t, r] for r in range(16) if cell_of_region[r] == cell_of[word]))
    return float(np.mean(mass))
