"""Turning a model's scores into sequences.

- ``sampling``: sampling from logits and generation by stepping a recurrent cell.
- ``search``: greedy and beam search over any step function, batched by ``BatchDecoder``.
- ``ensemble``: several models decoding together, and fitting their weights.
- ``ctc``: CTC collapsing and decoding helpers.

Everything public is re-exported here (``decoding.<name>``).
"""

from course_lib.decoding.ctc import *
from course_lib.decoding.ensemble import *
from course_lib.decoding.sampling import *
from course_lib.decoding.search import *
