"""Keep TensorFlow's start-up chatter out of a learner's output, and nothing else.

When TensorFlow is imported and first finds its devices, its C++ code writes lines such as
``oneDNN custom operations are on`` or ``Could not find cuda drivers`` straight to the process's
standard error (file descriptor 2), before Python's ``sys.stderr`` or ``TF_CPP_MIN_LOG_LEVEL`` can
act (absl prints everything logged before its own set-up). A notebook kernel forwards that file
descriptor to the cell, so every notebook would open with a pink box of log lines.

``native_stderr_filtered`` captures file descriptor 2 while a block runs, then writes back every
captured line that is not known start-up noise: a real error message still shows.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator

__all__ = ["STARTUP_NOISE", "is_startup_noise", "native_stderr_filtered"]

# Lines TensorFlow's native code prints on import and device discovery that say nothing a learner
# can act on (CPU builds, machines without a GPU, CUDA plugins registered twice).
STARTUP_NOISE = re.compile(
    "|".join(
        [
            r"All log messages before absl::InitializeLog\(\) is called are written to STDERR",
            r"oneDNN custom operations are on",
            r"Could not find cuda drivers on your machine",
            r"This TensorFlow binary is optimized to use available CPU instructions",
            r"To enable the following instructions: .* rebuild TensorFlow",
            r"Unable to register cu(DNN|FFT|BLAS) factory",
            r"TF-TRT Warning: Could not find TensorRT",
            r"computation placer already registered",
            r"successful NUMA node read from SysFS",
            r"Created device /job:localhost/replica:0/task:0/device:GPU",
        ]
    )
)


def is_startup_noise(line: str) -> bool:
    """Whether ``line`` is one of TensorFlow's known start-up log lines (or blank)."""
    return not line.strip() or STARTUP_NOISE.search(line) is not None


@contextlib.contextmanager
def native_stderr_filtered() -> Iterator[None]:
    """Run a block with file descriptor 2 captured; replay what is not start-up noise.

    Python-level writes (``print(..., file=sys.stderr)``, warnings) are not affected where
    ``sys.stderr`` is not file descriptor 2, as in a notebook kernel. Where file descriptor 2
    cannot be duplicated (no standard error at all), the block runs unchanged.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines() if not is_startup_noise(line)]
            if kept:
                sys.stderr.write("\n".join(kept) + "\n")
                sys.stderr.flush()
