"""Turning a model's scores into sequences: sampling for generation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from course_lib._args import finite_float, positive_int
from course_lib.handles import EMBEDDING, LOGITS, RNN, sequence_handles

if TYPE_CHECKING:
    from course_lib.data.text import CharVocabulary

__all__ = [
    "sample_from_logits",
    "generate_text",
    "generate_tokens",
]


def sample_from_logits(
    logits: np.ndarray, temperature: float, rng: np.random.Generator
) -> np.ndarray:
    """Draw one id per row from ``softmax(logits / temperature)``.

    Temperature 0 means greedy (the arg-max); below 1 sharpens the distribution, above 1
    flattens it.

    Args:
        logits: shape ``(batch, vocab)``.
        temperature: >= 0.
        rng: the random generator to draw with.

    Returns:
        int array of shape ``(batch,)``.

    Raises:
        ValueError: for a negative temperature or logits that are not 2-D.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (batch, vocab); got {logits.shape}.")
    temperature = finite_float(temperature, "temperature", at_least=0.0)
    if temperature == 0:
        return logits.argmax(axis=-1)
    z = logits / temperature
    z -= z.max(axis=-1, keepdims=True)
    probs = np.exp(z)
    probs /= probs.sum(axis=-1, keepdims=True)
    cumulative = probs.cumsum(axis=-1)
    draws = rng.random((len(probs), 1))
    return np.minimum((cumulative < draws).sum(axis=-1), probs.shape[-1] - 1)


def generate_text(
    model: Any,
    vocab: CharVocabulary,
    prompt: str,
    length: int,
    temperature: float = 0.7,
    seed: int = 0,
) -> str:
    """Extend ``prompt`` one character at a time with a character language model.

    The model's recurrent cell is stepped by hand: the prompt is read once to build up the
    hidden state, then each sampled character is fed back in while the state is carried along.
    Every step therefore costs one cell update, however long the text so far, and the model
    conditions on the whole history, not on a fixed window.

    Args:
        model: a model from ``models.build_char_language_model`` (any cell type; its layers
            found by ``handles.sequence_handles``).
        vocab: the ``data.text.CharVocabulary`` the model was trained with.
        prompt: the starting text (at least one character).
        length: how many characters to add (>= 0).
        temperature: sampling temperature (0 is greedy).
        seed: seed of the sampling generator.

    Returns:
        The prompt followed by ``length`` generated characters.

    Raises:
        ValueError: for an empty prompt, a negative length, or a model without those layers.
    """
    if not prompt:
        raise ValueError("prompt must contain at least one character.")
    length = positive_int(length, "length", minimum=0)
    parts = sequence_handles(model, require=(EMBEDDING, RNN, LOGITS))
    embedding, cell, head = parts.embedding, parts.rnn.cell, parts.logits
    rng = np.random.default_rng(seed)
    states = cell.get_initial_state(batch_size=1)
    ids = [int(i) for i in vocab.encode(prompt)]
    generated: list[int] = []
    next_id = ids[0]
    for step in range(len(ids) - 1 + length):
        next_id = ids[step] if step < len(ids) else generated[-1]
        out, states = cell(embedding(np.array([next_id], dtype=np.int32)), states)
        if step >= len(ids) - 1:
            logits = np.asarray(head(out))
            generated.append(int(sample_from_logits(logits, temperature, rng)[0]))
    return prompt + vocab.decode(generated)


def generate_tokens(
    model: Any,
    context: np.ndarray,
    start_id: int,
    end_id: int,
    max_len: int,
    temperature: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """Generate with a teacher-forced model by feeding its own outputs back in.

    Works with ``build_conditional_generator_model`` (context: labels) or any model of that
    shape (context: source ids for an encoder-decoder). At each step the model is run on
    the whole prefix generated so far, and the next token is the arg-max (temperature 0) or a
    draw from ``softmax(logits / temperature)``. Rerunning the prefix costs ``max_len**2 / 2``
    steps instead of ``max_len``; notebook 08 carries the decoder state instead.

    Args:
        model: a model taking ``[context, previous]`` and returning ``(batch, time, vocab)``.
        context: the first input, ``(batch,)`` or ``(batch, source_time)``.
        start_id: the id fed in at step 0.
        end_id: the id that ends a sequence.
        max_len: most tokens to generate per sequence.
        temperature: 0 for greedy, > 0 to sample.
        seed: seeds the sampling.

    Returns:
        int32 array ``(batch, max_len)``: the generated ids, with the end marker and everything
        after it set to 0 (padding).

    Raises:
        ValueError: for a bad ``max_len`` or a negative temperature.
    """
    max_len = positive_int(max_len, "max_len")
    temperature = finite_float(temperature, "temperature", at_least=0.0)
    context = np.asarray(context)
    rng = np.random.default_rng(seed)
    batch = len(context)
    prefix = np.full((batch, 1), start_id, dtype=np.int32)
    out = np.zeros((batch, max_len), dtype=np.int32)
    done = np.zeros(batch, dtype=bool)
    for t in range(max_len):
        logits = np.asarray(model([context, prefix], training=False))[:, -1]
        nxt = sample_from_logits(logits, temperature, rng).astype(np.int32)
        done |= nxt == end_id
        out[:, t] = np.where(done, 0, nxt)
        if done.all():
            break
        prefix = np.concatenate([prefix, np.where(done, 0, nxt)[:, None]], axis=1)
    return out
