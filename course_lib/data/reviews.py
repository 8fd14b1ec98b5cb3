"""Movie reviews (IMDB) through tensorflow-datasets, for the full profile of notebook 05."""

from __future__ import annotations

__all__: list[str] = []
