"""Synthesised speech from eSpeak NG (``espeakng-loader``), offline (notebook 10)."""

from __future__ import annotations

__all__: list[str] = []
