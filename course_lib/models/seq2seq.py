"""Encoder-decoder builders with and without attention (notebook 08)."""

from __future__ import annotations

__all__: list[str] = []
