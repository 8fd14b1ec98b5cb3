"""course_lib: the tested building blocks of the Keras 3 course on recurrent neural networks.

Importing the package has no side effects and imports neither TensorFlow nor Keras; import the
modules you need (``from course_lib import cells, data, models, plots``) after ``setup_notebook``.
"""

from course_lib.checks import check
from course_lib.profiles import child_seed
from course_lib.saving import backup_dir, models_dir, save_and_reload
from course_lib.setup import setup_notebook

__all__ = [
    "setup_notebook",
    "check",
    "child_seed",
    "save_and_reload",
    "models_dir",
    "backup_dir",
]
__version__ = "0.1.0"
