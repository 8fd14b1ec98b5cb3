"""CTC helpers: collapsing frame labels, greedy and beam decoding (notebook 10)."""

from __future__ import annotations

__all__: list[str] = []
