"""Write constraints.txt from pip's resolution of the course's extras.

``make lock`` asks pip, in a scratch environment, to resolve ``.[dev]`` (everything a CPU machine
installs) and then ``.[dev,gpu]`` constrained to the first answer, without installing anything
(``pip install --dry-run --ignore-installed --report``): the CUDA wheels alone weigh several GB.
This script prints the pins of the first report, then the packages only the GPU extra adds.

    python tools/write_constraints.py cpu-report.json gpu-report.json > constraints.txt
    python tools/write_constraints.py cpu-report.json      # the CPU pins alone, no header
"""

from __future__ import annotations

import json
import platform
import re
import sys
import time
from pathlib import Path

HEADER = (
    "# Exact versions that 'make' installs (pip install -c constraints.txt). Regenerate with "
    "'make lock'.\n"
    "# Resolved on Python {python}, {system} {machine}, {date}. The lines after '# gpu extra' are\n"
    "# the CUDA wheels that `make setup GPU=1` adds (tensorflow[and-cuda]).\n"
)


def normalise(name: str) -> str:
    """A package name as pip compares them (PEP 503): lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(report: dict, *, exclude: list[str] = (), skip: str = "course-lib") -> list[str]:
    """``name==version`` for every package pip's ``--report`` resolved, except those excluded.

    Args:
        report: pip's ``--report`` JSON, with an ``install`` list of resolved packages.
        exclude: pins (``name==version``) already written; their names are left out.
        skip: the project itself, which is installed editable and never pinned.

    Returns:
        Sorted pins, case-insensitively by name.

    Raises:
        ValueError: if the report has no ``install`` list.
    """
    if not isinstance(report.get("install"), list):
        raise ValueError("the report has no 'install' list; make it with pip install --report.")
    left_out = {normalise(line.split("==")[0]) for line in exclude} | {normalise(skip)}
    found = []
    for item in report["install"]:
        meta = item["metadata"]
        if normalise(meta["name"]) not in left_out:
            found.append(f"{meta['name']}=={meta['version']}")
    return sorted(found, key=str.lower)


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    cpu = pins(json.loads(Path(argv[0]).read_text()))
    if len(argv) == 1:
        sys.stdout.write("\n".join(cpu) + "\n")
        return 0
    gpu = pins(json.loads(Path(argv[1]).read_text()), exclude=cpu)
    sys.stdout.write(
        HEADER.format(
            python=platform.python_version(),
            system=platform.system(),
            machine=platform.machine(),
            date=time.strftime("%Y-%m-%d"),
        )
    )
    sys.stdout.write("\n".join(cpu) + "\n# gpu extra\n" + "\n".join(gpu) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
