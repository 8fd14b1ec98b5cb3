import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import paths

ROOT = Path(__file__).resolve().parent.parent


def test_results_dir_reads_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.RESULTS_ENV_VAR, raising=False)
    assert paths.results_dir() is None
    monkeypatch.setenv(paths.RESULTS_ENV_VAR, "  ")
    assert paths.results_dir() is None
    monkeypatch.setenv(paths.RESULTS_ENV_VAR, str(tmp_path))
    assert paths.results_dir() == tmp_path


def test_atomic_path_replaces_the_file_only_when_the_block_ends_well(tmp_path):
    target = tmp_path / "sub" / "record.json"
    paths.write_json_atomic(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # a new file's usual permissions
    with pytest.raises(RuntimeError), paths.atomic_path(target) as tmp:
        tmp.write_text("half a fi")
        raise RuntimeError("interrupted")
    assert json.loads(target.read_text()) == {"a": 1}  # the old file, whole
    assert [p.name for p in target.parent.iterdir()] == ["record.json"]  # no temporary left


def test_every_course_variable_is_named_only_in_paths():
    """The package and tools spell no COURSE_* name outside paths.py (tests and docs may)."""
    names = {v for k, v in vars(paths).items() if k.endswith("_ENV_VAR")}
    assert names == {
        "COURSE_PROFILE",
        "COURSE_SEED",
        "COURSE_MIXED_PRECISION",
        "COURSE_RESULTS_DIR",
        "COURSE_MODELS_DIR",
        "COURSE_DATA_DIR",
    }
    found = subprocess.run(
        ["grep", "-rn", "--include=*.py", '"COURSE_', "course_lib", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert [line for line in found if not line.startswith("course_lib/paths.py")] == []
    assert sys.modules["course_lib.paths"] is paths
