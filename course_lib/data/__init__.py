"""Data sources, one module per source. Every loader works offline and is deterministic.

- ``series``: real time series that statsmodels ships (CO2 at Mauna Loa, sunspots).
- ``text``: Python's own documentation prose (``pydoc_data``), character and token encoding.
- ``names``: surnames from Faker's per-locale lists, labelled with their language.
- ``synthetic``: generated tasks named for what they test (e.g. marked-symbol recall).
- ``reviews``: IMDB movie reviews through tensorflow-datasets (full profile only).
- ``video``: moving handwritten digits made from scikit-learn's ``load_digits``.
- ``dates``: human-written dates in many locales (Babel) and their ISO form.
- ``pronunciation``: CMUdict spellings and their phonemes.
- ``speech``: utterances synthesised with eSpeak NG, many voices, offline.
- ``scenes``: captioned scenes of handwritten digits.
- ``expressions``: random arithmetic parse trees over digits, for tree RNNs.

``batching`` is not a source: it batches rows of any source by length (``length_batches``).
"""

from course_lib.data import (
    batching,
    dates,
    expressions,
    names,
    pronunciation,
    reviews,
    scenes,
    series,
    speech,
    synthetic,
    text,
    video,
)

__all__ = [
    "batching",
    "dates",
    "expressions",
    "names",
    "pronunciation",
    "reviews",
    "scenes",
    "series",
    "speech",
    "synthetic",
    "text",
    "video",
]
