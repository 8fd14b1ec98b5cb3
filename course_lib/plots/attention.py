"""Figures for notebook 08: attention heatmaps and length curves."""

from __future__ import annotations

__all__: list[str] = []
