"""Figures for notebook 04 (GRU gates)."""

from __future__ import annotations

__all__: list[str] = []
