"""Model builders used by the notebooks: ``build_<task>_model(...) -> keras.Model``.

One module per topic; everything public is re-exported here, so notebooks write
``models.build_<task>_model``. Every layer is named, and LSTM/GRU layers keep Keras'
cuDNN-eligible defaults unless a builder's docstring says it teaches the alternative.
"""

from course_lib.models.captioning import *
from course_lib.models.recurrent import *
from course_lib.models.seq2seq import *
from course_lib.models.speech import *
from course_lib.models.stacked import *
from course_lib.models.tree import *
from course_lib.models.video import *
