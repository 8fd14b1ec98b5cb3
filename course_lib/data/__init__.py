"""Data sources, one module per source. Every loader works offline and is deterministic.

- ``series``: real time series that statsmodels ships (CO2 at Mauna Loa, sunspots).
- ``text``: Python's own documentation prose (``pydoc_data``) and character encoding.
"""

from course_lib.data import series, text

__all__ = ["series", "text"]
