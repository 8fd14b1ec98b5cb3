"""Figures for notebooks 05 and 06 (bidirectional and stacked RNNs)."""

from __future__ import annotations

__all__: list[str] = []
