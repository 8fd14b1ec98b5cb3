"""The project agrees with itself: CI workflows, README commands, Makefile and packaging."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
README = (ROOT / "README.md").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()


def load_workflow(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as the boolean True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def run_lines(workflow: dict) -> list[str]:
    return [
        line.strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        for line in step.get("run", "").splitlines()
        if line.strip()
    ]


def command_pattern(line: str) -> str:
    """A workflow's command as a README regex: "$PROFILE" stands for any profile's name."""
    parts = [re.escape(p) for p in line.split('"$PROFILE"')]
    return "(quick|standard|full)".join(parts)


@pytest.mark.parametrize("name", ["ci.yml", "notebooks-gpu.yml"])
def test_workflows_are_valid_and_call_only_readme_commands(name):
    workflow = load_workflow(name)
    assert workflow["name"] and workflow["on"] and workflow["jobs"]
    commands = [line for line in run_lines(workflow) if line.startswith(("make ", "bash .ci/run"))]
    assert commands, f"{name} runs none of the course's commands"
    for line in commands:
        if line == "bash .ci/run":
            assert "make test" in (ROOT / ".ci" / "run").read_text()
            line = "make test"
        assert re.search(command_pattern(line), README), f"README does not show `{line}`"
        target = line.split()[1]
        assert re.search(rf"^{re.escape(target)}:", MAKEFILE, re.M), f"no make target {target}"


def test_cpu_workflow_runs_ci_script_on_python_311():
    job = load_workflow("ci.yml")["jobs"]["test"]
    assert "bash .ci/run" in run_lines(load_workflow("ci.yml"))
    python = [
        s["with"]["python-version"] for s in job["steps"] if "setup-python" in s.get("uses", "")
    ]
    assert python == ["3.11"]


def test_gpu_workflow_runs_on_gpu_runner_with_profile_switch_and_artifacts():
    workflow = load_workflow("notebooks-gpu.yml")
    job = workflow["jobs"]["notebooks"]
    assert {"self-hosted", "gpu"} <= set(job["runs-on"])
    profile = workflow["on"]["workflow_dispatch"]["inputs"]["profile"]
    assert set(profile["options"]) == {"quick", "standard", "full"}
    assert profile["default"] == "standard"
    assert "standard" in job["env"]["PROFILE"]  # a push runs the standard profile
    assert "pull_request" not in workflow["on"]  # no fork code on a self-hosted runner
    lines = run_lines(workflow)
    # each notebook is executed once, by make run, which exits non-zero if any notebook fails
    assert 'make run GPU=1 PROFILE="$PROFILE"' in lines
    assert not any("nbval" in line or line.startswith("make test") for line in lines)
    assert "make site" in lines
    uploads = [s for s in job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert uploads and uploads[0]["with"]["path"] == "build/"


def test_cpu_workflow_tests_the_floor_and_colab_versions():
    jobs = load_workflow("ci.yml")["jobs"]
    for job, command, python in [
        ("floor", "make test-floor", "3.11"),
        ("colab", "make test-colab", "3.13"),
    ]:
        steps = jobs[job]["steps"]
        assert [s["run"] for s in steps if "run" in s] == [command]
        assert [
            s["with"]["python-version"] for s in steps if "setup-python" in s.get("uses", "")
        ] == [python]


@pytest.mark.parametrize("name", ["ci.yml", "notebooks-gpu.yml"])
def test_workflows_pin_actions_by_commit_and_read_only(name):
    workflow = load_workflow(name)
    assert workflow["permissions"] == {"contents": "read"}
    text = (ROOT / ".github" / "workflows" / name).read_text()
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"actions/[\w-]+@[0-9a-f]{40}", action), (
            f"{action} is not pinned by commit"
        )
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{action} needs its tag as a comment"
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "setup-python" in step.get("uses", ""):
                assert step["with"]["cache"] == "pip"
                assert step["with"]["cache-dependency-path"] == "constraints.txt"


def test_colab_job_keeps_versions_as_the_setup_cell_does():
    """make test-colab filters pip freeze with the very pattern of the notebooks' setup cell."""
    from test_notebooks import KEEP_COLAB_VERSIONS

    pattern = KEEP_COLAB_VERSIONS.split(" > ")[0].removeprefix("freeze | ")
    assert f"KEEP_VERSIONS := {pattern}" in MAKEFILE


def test_command_pattern_matches_only_real_profiles():
    pattern = command_pattern('make test-gpu PROFILE="$PROFILE"')
    assert re.fullmatch(pattern, "make test-gpu PROFILE=full")
    assert not re.fullmatch(pattern, "make test-gpu PROFILE=huge")


def test_python_version_agrees_everywhere():
    assert PYPROJECT["project"]["requires-python"] == ">=3.11,<3.14"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py311"
    assert "python=3.11" in (ROOT / "environment.yml").read_text()
    assert "Python 3.11, 3.12 or 3.13" in README and "python3-venv" in README


def test_license_file_matches_pyproject():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_every_third_party_import_is_declared():
    """course_lib imports nothing that pyproject does not declare (scipy was missing once)."""
    declared = {
        re.split(r"[<>=\[ ]", dep)[0].lower().replace("-", "_")
        for deps in [PYPROJECT["project"]["dependencies"]]
        + list(PYPROJECT["project"]["optional-dependencies"].values())
        for dep in deps
    }
    module_of = {"sklearn": "scikit_learn", "tensorflow_datasets": "tensorflow_datasets"}
    imported = set()
    for path in (ROOT / "course_lib").rglob("*.py"):
        for match in re.finditer(r"^\s*(?:from|import) (\w+)", path.read_text(), re.M):
            imported.add(match.group(1))
    stdlib = set(__import__("sys").stdlib_module_names) | {"course_lib", "__future__"}
    for module in sorted(imported - stdlib):
        assert module_of.get(module, module).lower() in declared, f"{module} is not declared"


def test_gpu_extra_and_pins():
    extras = PYPROJECT["project"]["optional-dependencies"]
    tf_range = next(d for d in PYPROJECT["project"]["dependencies"] if d.startswith("tensorflow"))
    assert extras["gpu"] == [tf_range.replace("tensorflow", "tensorflow[and-cuda]", 1)]
    assert any(d.startswith("pydub") for d in extras["full"])
    pins = (ROOT / "constraints.txt").read_text().split("\n# gpu extra\n")
    assert len(pins) == 2 and "nvidia-cudnn-cu12==" in pins[1]
    assert "pandas" not in " ".join(PYPROJECT["project"]["dependencies"])  # not imported
