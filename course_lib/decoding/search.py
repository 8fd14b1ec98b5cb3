"""Greedy and beam search over a step function (notebooks 08 and 09)."""

from __future__ import annotations

__all__: list[str] = []
