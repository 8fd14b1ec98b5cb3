"""The CTC speech recogniser: convolutional front end and recurrent layers (notebook 10)."""

from __future__ import annotations

__all__: list[str] = []
