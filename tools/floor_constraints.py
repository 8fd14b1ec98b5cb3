"""Print pip constraints that pin the course package's direct dependencies to their floors.

``make test-floor`` installs the package with these: every requirement of ``[project]
dependencies`` and of the extras named on the command line (default ``full``), at the lowest
version its range in pyproject.toml admits (``name>=X`` becomes ``name==X``). Dependencies of those
are left to pip. So the declared floors are what a CI job installs and tests, and a floor raised
in pyproject.toml is tested the next time without another file to edit.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def floor_pins(pyproject: dict, extras: list[str]) -> list[str]:
    """``name==floor`` for every direct requirement of the package and of ``extras``.

    Raises:
        ValueError: for a requirement without a ``>=`` floor (it could not be tested), or an
            extra that pyproject does not define.
    """
    project = pyproject["project"]
    requirements = list(project["dependencies"])
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise ValueError(f"pyproject.toml has no extra {extra!r}; it has {sorted(optional)}.")
        requirements += [r for r in optional[extra] if not r.startswith(project["name"])]
    pins = []
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", requirement)
        assert match is not None
        name, spec = match.groups()
        floor = re.search(r">=\s*([0-9][^,;\s]*)", spec)
        if floor is None:
            raise ValueError(f"{requirement!r} has no >= floor to test; give it one.")
        pins.append(f"{name}=={floor.group(1)}")
    return pins


def main(argv: list[str]) -> int:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    try:
        pins = floor_pins(pyproject, argv or ["full"])
    except ValueError as err:
        print(f"floor_constraints.py: {err}", file=sys.stderr)
        return 2
    print("\n".join(pins))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
