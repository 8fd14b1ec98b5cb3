"""How the full profile's loaders import tensorflow-datasets, with a clear message if absent.

tensorflow-datasets is in the course's ``full`` extra (``make`` installs it; Colab has it); a plain
``pip install course-lib`` leaves it out, since the quick and standard profiles never use it.
"""

from __future__ import annotations

from types import ModuleType


def require_tfds(loader: str) -> ModuleType:
    """Import and return ``tensorflow_datasets``.

    Args:
        loader: the name of the calling loader, for the message, e.g. ``"load_moving_mnist"``.

    Returns:
        The ``tensorflow_datasets`` module.

    Raises:
        RuntimeError: if tensorflow-datasets is not installed, saying how to install it.
    """
    try:
        import tensorflow_datasets as tfds
    except ImportError as err:
        raise RuntimeError(
            f"{loader} needs tensorflow-datasets, which the course's full profile uses: "
            'pip install "course-lib[full]" (or tensorflow-datasets); `make setup` installs it.'
        ) from err
    return tfds
