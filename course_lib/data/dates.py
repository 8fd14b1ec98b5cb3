"""Human-written dates in many locales and formats (Babel) and their ISO form (notebook 08)."""

from __future__ import annotations

__all__: list[str] = []
