"""Turning a model's scores into sequences: sampling for generation."""

from __future__ import annotations

import numpy as np


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
    if not temperature >= 0:
        raise ValueError(f"temperature must be >= 0; got {temperature!r}.")
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
    model,
    vocab,
    prompt: str,
    length: int,
    temperature: float = 0.7,
    seed: int = 0,
    context: int = 100,
) -> str:
    """Extend ``prompt`` one character at a time with a character language model.

    At each step the model reads the last ``context`` characters, and the next character is
    sampled from its scores for the last position.

    Args:
        model: maps ids ``(batch, time)`` to logits ``(batch, time, vocab)``.
        vocab: a ``data.text.CharVocabulary``.
        prompt: the starting text (at least one character).
        length: how many characters to add.
        temperature: sampling temperature (0 is greedy).
        seed: seed of the sampling generator.
        context: how many previous characters the model sees at each step.

    Returns:
        The prompt followed by ``length`` generated characters.

    Raises:
        ValueError: for an empty prompt or non-positive length or context.
    """
    if not prompt:
        raise ValueError("prompt must contain at least one character.")
    if length < 0 or context < 1:
        raise ValueError(f"length must be >= 0 and context >= 1; got {length}, {context}.")
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(prompt))
    for _ in range(length):
        window = np.asarray(ids[-context:], dtype=np.int32)[None, :]
        logits = np.asarray(model(window, training=False))[:, -1, :]
        ids.append(int(sample_from_logits(logits, temperature, rng)[0]))
    return prompt + vocab.decode(ids[len(prompt) :])
