"""Figures for notebook 07: frame strips, rollout errors, animations."""

from __future__ import annotations

__all__: list[str] = []
