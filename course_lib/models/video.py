"""Builders for next-frame video prediction: ConvLSTM and its baselines (notebook 07)."""

from __future__ import annotations

__all__: list[str] = []
