"""The course's environment variables, the folders it writes to, and atomic file writes.

Every ``COURSE_*`` variable the package or ``tools/`` reads is named here once:

- ``COURSE_PROFILE``: quick | standard | full (default standard), read by ``setup_notebook``;
- ``COURSE_SEED``: the seed of a run (default 42);
- ``COURSE_MIXED_PRECISION``: 1 for mixed float16 compute;
- ``COURSE_RESULTS_DIR``: where the learning checks and the key metric are recorded (``make run``
  and ``make seeds`` set it);
- ``COURSE_MODELS_DIR``: where trained models are saved;
- ``COURSE_DATA_DIR``: where generated data (the speech cache) is kept.

This module imports nothing from the rest of the package, so every other module may use it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "PROFILE_ENV_VAR",
    "SEED_ENV_VAR",
    "MIXED_PRECISION_ENV_VAR",
    "RESULTS_ENV_VAR",
    "MODELS_ENV_VAR",
    "DATA_ENV_VAR",
    "results_dir",
    "data_dir",
    "atomic_path",
    "write_json_atomic",
]

PROFILE_ENV_VAR = "COURSE_PROFILE"
SEED_ENV_VAR = "COURSE_SEED"
MIXED_PRECISION_ENV_VAR = "COURSE_MIXED_PRECISION"
RESULTS_ENV_VAR = "COURSE_RESULTS_DIR"
MODELS_ENV_VAR = "COURSE_MODELS_DIR"
DATA_ENV_VAR = "COURSE_DATA_DIR"


def results_dir() -> Path | None:
    """The folder named by ``COURSE_RESULTS_DIR``, or None when results are not recorded."""
    value = os.environ.get(RESULTS_ENV_VAR, "").strip()
    return Path(value) if value else None


def data_dir() -> Path:
    """The folder where generated data is cached (the speech notebook's synthesised audio).

    Returns:
        ``$COURSE_DATA_DIR`` if set; else the repository's ``data/`` when the package runs from a
        checkout (``data/README.md`` next to ``course_lib/``); else ``~/.cache/rnn-course`` (e.g.
        installed with pip on Colab).
    """
    configured = os.environ.get(DATA_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    repo_data = Path(__file__).resolve().parent.parent / "data"
    if (repo_data / "README.md").is_file():
        return repo_data
    return Path.home() / ".cache" / "rnn-course"


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write ``payload`` as JSON to ``path`` through a temporary file and a rename."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2))


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file next to ``path`` to write; when the block ends it replaces ``path``.

    The rename is atomic, so readers see the old file or the new one, never half a file. If the
    block raises, the temporary file is removed and ``path`` stays as it was.

    Args:
        path: the file to write; its folder is created if needed.
        suffix: the temporary file's ending (e.g. ``".keras"``, which ``model.save`` demands).

    Yields:
        The temporary file's path: an empty file with a new file's usual permissions.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
