"""Moving handwritten digits: videos made from scikit-learn's ``load_digits`` (notebook 07)."""

from __future__ import annotations

__all__: list[str] = []
