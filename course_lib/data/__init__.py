"""Data sources, one module per source. Every loader works offline and is deterministic.

- ``series``: real time series that statsmodels ships (CO2 at Mauna Loa, sunspots).
- ``text``: Python's own documentation prose (``pydoc_data``), character and token encoding.
- ``names``: surnames from Faker's per-locale lists, labelled with their language.
- ``synthetic``: generated tasks named for what they test (e.g. marked-symbol recall).
"""

from course_lib.data import names, series, synthetic, text

__all__ = ["names", "series", "synthetic", "text"]
