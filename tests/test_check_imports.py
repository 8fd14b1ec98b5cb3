import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_imports  # noqa: E402


def _package(tmp_path, files):
    package = tmp_path / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def test_course_lib_has_no_import_cycle(capsys):
    assert check_imports.main([str(ROOT / "course_lib")]) == 0
    graph = check_imports.import_graph(ROOT / "course_lib")
    assert "course_lib.paths" in graph["course_lib.setup"]  # the graph sees real imports
    assert graph["course_lib.paths"] == set()  # the bottom layer imports nothing of the package


def test_the_cycle_of_the_old_env_module_would_be_found(tmp_path):
    """env -> plots -> metrics -> data.scenes, whose package data imports env again."""
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "env.py": "def setup():\n    from pkg.plots import style\n",
            "plots.py": "from pkg.metrics import score\nstyle = 1\n",
            "metrics.py": "from pkg.data.scenes import make\nscore = 1\n",
            "data/__init__.py": "from pkg.data.scenes import *\nfrom pkg.data.speech import *\n",
            "data/scenes.py": "from pkg.data.text import words\nmake = 1\n",
            "data/text.py": "words = 1\n",
            "data/speech.py": "from pkg.env import write\n",
        },
    )
    graph = check_imports.import_graph(package)
    assert "pkg.data" in graph["pkg.metrics"] and "pkg.data" not in graph["pkg.data.scenes"]
    assert check_imports.cycles(graph) == [
        ["pkg.data", "pkg.data.speech", "pkg.env", "pkg.metrics", "pkg.plots"]
    ]


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path, capsys):
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg.b import f\n",
            "b.py": "def f():\n    from pkg import a\n    return a\n",
            "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
            "sub/__init__.py": "from .d import g\n",
            "sub/d.py": "from pkg.c import *\ng = 1\n",
        },
    )
    assert check_imports.main([str(package)]) == 1
    out = capsys.readouterr().out
    assert "import cycle among pkg.a, pkg.b" in out and "pkg.b -> pkg.a" in out
    graph = check_imports.import_graph(package)
    assert graph["pkg.c"] == set()  # TYPE_CHECKING imports never run
    assert graph["pkg.sub"] == {"pkg.sub.d"}  # relative import resolved
    assert check_imports.cycles(graph) == [["pkg.a", "pkg.b"]]
