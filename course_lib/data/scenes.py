"""Captioned scenes of handwritten digits from ``load_digits`` (notebook 09)."""

from __future__ import annotations

__all__: list[str] = []
