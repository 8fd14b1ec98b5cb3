"""Every figure of the course. Each ``plot_*`` draws on ``ax`` (new when None) and returns it.

One module per topic; everything public is re-exported here (``plots.plot_<thing>``).
"""

from course_lib.plots.attention import *
from course_lib.plots.captioning import *
from course_lib.plots.core import *
from course_lib.plots.deep import *
from course_lib.plots.gru import *
from course_lib.plots.speech import *
from course_lib.plots.stacked import *
from course_lib.plots.video import *
