"""Every figure of the course. Each ``plot_*`` draws on ``ax`` (new when None) and returns it.

One module per topic (``base`` holds the style, the shared drawing helpers and generic charts);
everything public is re-exported here (``plots.plot_<thing>``).
"""

from course_lib.plots.attention import *
from course_lib.plots.base import *
from course_lib.plots.bidirectional import *
from course_lib.plots.captioning import *
from course_lib.plots.gates import *
from course_lib.plots.sequences import *
from course_lib.plots.speech import *
from course_lib.plots.stacked import *
from course_lib.plots.video import *
