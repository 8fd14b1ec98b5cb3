"""tools/find_python.sh: make stops before pip on a Python TensorFlow has no wheels for."""

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "find_python.sh"


def _fake_python(folder, name, version, fits):
    """A stand-in interpreter: prints its version; its `-c` check succeeds only if it fits."""
    path = folder / name
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "Python {version}"; exit 0; fi\n'
        f"exit {0 if fits else 1}\n"
    )
    path.chmod(0o755)
    return path


@pytest.fixture
def bin_dir(tmp_path):
    """A PATH with only the tools the script uses, and no real Python."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("sed", "dirname"):
        (folder / tool).symlink_to(shutil.which(tool))
    return folder


def _run(bin_dir, *args):
    env = {**os.environ, "PATH": str(bin_dir)}
    return subprocess.run(["/bin/sh", str(SCRIPT), *args], env=env, capture_output=True, text=True)


def test_the_range_comes_from_pyproject():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert declared == ">=3.11,<3.14"


def test_a_supported_python_is_used_as_it_is(bin_dir):
    python = _fake_python(bin_dir, "mypython", "3.12.3", fits=True)
    done = _run(bin_dir, str(python))
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, str(python), "")


def test_an_unsupported_python_gives_way_to_a_supported_one_on_the_path(bin_dir):
    python = _fake_python(bin_dir, "python3", "3.14.0", fits=False)
    _fake_python(bin_dir, "python3.11", "3.11.9", fits=True)
    _fake_python(bin_dir, "python3.12", "3.12.3", fits=True)
    done = _run(bin_dir, str(python))
    assert done.returncode == 0 and done.stdout.strip() == "python3.12"  # the newest that fits
    assert "is Python 3.14.0; using python3.12" in done.stderr


def test_no_supported_python_stops_with_the_supported_versions(bin_dir):
    python = _fake_python(bin_dir, "python3", "3.14.0", fits=False)
    done = _run(bin_dir, str(python))
    assert done.returncode == 1 and done.stdout == ""
    assert "The course needs Python 3.11 to 3.13" in done.stderr
    assert "is Python 3.14.0" in done.stderr and "make PYTHON=python3.13" in done.stderr


def test_check_refuses_an_existing_environment_on_an_unsupported_python(bin_dir):
    python = _fake_python(bin_dir, "python", "3.10.13", fits=False)
    _fake_python(bin_dir, "python3.12", "3.12.3", fits=True)
    done = _run(bin_dir, "--check", str(python))
    assert done.returncode == 1 and "Python 3.11 to 3.13" in done.stderr


def test_a_missing_python_is_named(bin_dir):
    done = _run(bin_dir, "python3")
    assert done.returncode == 1 and "python3 is not found" in done.stderr
