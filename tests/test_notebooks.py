"""Structure checks for every notebook: the anatomy that DESIGN.md asks for."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stripped(path):
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"cell {i} has outputs: strip them before committing"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_title_and_colab_badge_first(path):
    first = _cells(path)[0]
    text = _source(first)
    assert first["cell_type"] == "markdown" and text.startswith(f"# {path.stem[:2]} ")
    badge = f"colab.research.google.com/github/[^)]+/notebooks/{re.escape(path.name)}"
    assert re.search(badge, text), "the first cell needs an Open-in-Colab badge for this notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_import_and_assertions(path):
    code = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
    setup = next((s for s in code if "setup_notebook(" in s), None)
    assert setup is not None, "setup_notebook(...) must be called"
    assert f'"{path.stem}"' in setup, "setup_notebook must be given the notebook's own name"
    assert any(re.search(r"^\s*from course_lib\b|^\s*import course_lib\b", s, re.M) for s in code)
    assert any(re.search(r"^\s*assert\b", s, re.M) for s in code), "no assertion cell"
    assert any("report_metric(" in s for s in code), "the key metric must be reported"
