"""CMUdict spellings and phoneme sequences for grapheme-to-phoneme conversion (notebook 08)."""

from __future__ import annotations

__all__: list[str] = []
