"""Builders for bidirectional and stacked (deep) recurrent models (notebooks 05 and 06)."""

from __future__ import annotations

__all__: list[str] = []
