import tomllib
from pathlib import Path

import pytest

from tools.floor_constraints import floor_pins

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _project(dependencies, **extras):
    return {
        "project": {
            "name": "course-lib",
            "dependencies": dependencies,
            "optional-dependencies": extras,
        }
    }


def test_each_requirement_is_pinned_to_its_floor():
    project = _project(
        ["tensorflow>=2.17.1,<2.22", "numpy>=1.26.4,<3", "faker>=25"],
        full=["tensorflow-datasets>=4.9.7"],
        dev=["course-lib[full]", "pytest>=8"],
    )
    assert floor_pins(project, ["full"]) == [
        "tensorflow==2.17.1",
        "numpy==1.26.4",
        "faker==25",
        "tensorflow-datasets==4.9.7",
    ]
    # the package's own extras named inside another extra are not requirements to pin
    assert floor_pins(project, ["dev"])[-1] == "pytest==8"


def test_a_requirement_without_a_floor_or_an_unknown_extra_is_refused():
    with pytest.raises(ValueError, match="has no >= floor"):
        floor_pins(_project(["scipy"]), [])
    with pytest.raises(ValueError, match="no extra 'gpu'"):
        floor_pins(_project(["scipy>=1.11"]), ["gpu"])


def test_the_course_declares_a_floor_for_every_runtime_requirement():
    pins = floor_pins(PYPROJECT, ["full"])
    names = [pin.split("==")[0] for pin in pins]
    assert {"tensorflow", "keras", "numpy", "tensorflow-datasets"} <= set(names)
    assert len(names) == len(PYPROJECT["project"]["dependencies"]) + 2
