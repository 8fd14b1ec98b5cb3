"""course_lib: the tested building blocks of the Keras 3 course on recurrent neural networks.

Importing the package has no side effects and imports neither TensorFlow nor Keras; import the
modules you need (``from course_lib import cells, data, models, plots``) after ``setup_notebook``.
"""

from course_lib.env import report_metric, setup_notebook

__all__ = ["setup_notebook", "report_metric"]
__version__ = "0.1.0"
