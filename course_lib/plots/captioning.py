"""Figures for notebook 09: scenes, captions, attention over image regions."""

from __future__ import annotations

__all__: list[str] = []
