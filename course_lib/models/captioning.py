"""CNN encoder and caption decoders with and without attention (notebook 09)."""

from __future__ import annotations

__all__: list[str] = []
