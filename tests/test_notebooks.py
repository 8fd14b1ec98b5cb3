"""Structure checks for every notebook in notebooks/.

Each notebook is committed without outputs; opens with its title and an "Open in Colab" badge;
has a setup cell of at most 12 lines that calls ``setup_notebook`` with its own name; makes every
learning check of its settings file, the key metric's included, with one ``check(...)`` line
each; reaches no layer by a name string; and its prose after the title cell never talks about
profiles. The repository's address is written once, in pyproject.toml (``[project.urls]
Repository``): every Colab badge, in README.md and in the notebooks, and every notebook's Colab
install are checked against it, and the install part of each setup cell is run with a fake
``google.colab`` module and a fake IPython, to check what it asks pip for.
"""

import json
import re
import sys
import tomllib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
README = (ROOT / "README.md").read_text()
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
WRONG_REPOSITORY = "https://github.com/someone-else/keras-rnn-course"
# Any link into Colab except its own assets (the badge image).
COLAB_LINK = re.compile(r"https?://colab\.research\.google\.com/(?!assets/)[^\s)\]\"'<>]*")
COURSE_REF = re.compile(r'^COURSE_REF = "([^"]+)"', re.M)
SETUP_LINES = 12
# On Colab the setup cell writes the runtime's TensorFlow, Keras and NumPy versions to a pip
# constraints file before installing, so pip keeps them or stops with a conflict naming them.
KEEP_FILE = "/tmp/colab-versions.txt"
KEEP_COLAB_VERSIONS = f'freeze | grep -E "^(tensorflow|keras|numpy)==" > {KEEP_FILE}'
# Talk about profiles in the prose after the title cell: the title cell says how to choose one,
# the settings files say what each changes, and the check lines say which checks a profile skips.
PROFILE_TALK = re.compile(
    r"\bprofiles?\b|COURSE_PROFILE|\b(?:quick|standard|full) (?:runs?|settings?|budget)\b"
    r"|\bat (?:the )?(?:quick|standard|full)\b",
    re.I,
)


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _setup_cell(path):
    return next(
        _source(c)
        for c in _cells(path)
        if c["cell_type"] == "code" and "setup_notebook(" in _source(c)
    )


def _colab_url(notebook_name, repository):
    """The "Open in Colab" address of a notebook of the repository at ``repository``."""
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", repository)
    assert match, f"[project.urls] Repository is not a GitHub repository URL: {repository!r}"
    owner, repo = match.groups()
    return f"https://colab.research.google.com/github/{owner}/{repo}/blob/main/notebooks/{notebook_name}"


def _badge_problems(text, notebook_names, repository):
    """What is wrong with the Colab links in ``text``: each of ``notebook_names`` needs exactly
    one badge pointing to that notebook in ``repository``, and there must be no other."""
    wanted = {_colab_url(name, repository): name for name in notebook_names}
    links = COLAB_LINK.findall(text)
    problems = [
        f"{link} is not the Colab address of a notebook" for link in links if link not in wanted
    ]
    for url, name in wanted.items():
        if links.count(url) != 1:
            problems.append(f"{name}: {links.count(url)} badges pointing to {url}; want 1")
    return problems


def _install_problems(setup, repository):
    """What is wrong with the Colab install in a setup cell's source."""
    problems = []
    refs = COURSE_REF.findall(setup)
    if len(refs) != 1:
        problems.append(f'want one line COURSE_REF = "<branch, tag or commit>"; found {len(refs)}')
    urls = re.findall(r"git\+([^\s@\"']+)", setup)
    if urls != [repository, repository]:
        problems.append(
            f"the install must name {repository} twice (the package alone, then with its "
            f"dependencies); it names {urls}"
        )
    install = f'%pip install -q -c {KEEP_FILE} "course-lib[full] @ git+{repository}@{{COURSE_REF}}"'
    if install not in setup:
        problems.append(
            "the install must be course-lib[full] at COURSE_REF of the repository, constrained "
            f"by {KEEP_FILE}"
        )
    if f"%pip {KEEP_COLAB_VERSIONS}" not in setup:
        problems.append(f"the install must first write Colab's versions to {KEEP_FILE}")
    if f'%pip install -q --no-deps "course-lib @ git+{repository}@{{COURSE_REF}}"' not in setup:
        problems.append(
            "the install must put the package in place without dependencies first, so that "
            "setup_notebook can name a version outside the supported range"
        )
    return problems


def _run_install(path, monkeypatch, *, colab):
    """Run the setup cell up to its first course_lib import, as IPython would, with a fake
    IPython; return the magics it ran and the cell's variables."""
    from IPython.core.inputtransformer2 import TransformerManager

    head, found, _ = _setup_cell(path).partition("\nfrom course_lib import")
    assert found, "the setup cell must import course_lib after the Colab install"
    calls = []

    class FakeIPython:
        def run_line_magic(self, magic, line):
            calls.append((magic, line.format(**variables)))  # IPython expands {names} the same

    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    variables = {"get_ipython": FakeIPython}
    code = TransformerManager().transform_cell(head)
    exec(compile(code, f"{path.name}, setup cell", "exec"), variables)
    return calls, variables


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
    assert first["cell_type"] == "markdown" and text.startswith(f"# {path.stem.split('_')[0]} ")
    assert _colab_url(path.name, REPOSITORY) in text, "the first cell needs the Open-in-Colab badge"
    assert "%env COURSE_PROFILE=" in text, "the first cell must say how to pick a profile on Colab"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_import_and_assertions(path):
    code = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
    setup = next((s for s in code if "setup_notebook(" in s), None)
    assert setup is not None, "setup_notebook(...) must be called"
    assert f'"{path.stem}"' in setup, "setup_notebook must be given the notebook's own name"
    assert any(re.search(r"^\s*from course_lib\b|^\s*import course_lib\b", s, re.M) for s in code)
    assert any(re.search(r"^\s*assert\b", s, re.M) for s in code), "no assertion cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_is_short(path):
    setup = _setup_cell(path)
    assert len(setup.splitlines()) <= SETUP_LINES, (
        f"the setup cell has more than {SETUP_LINES} lines"
    )
    assert _cells(path)[1]["cell_type"] == "code" and "setup_notebook(" in _source(_cells(path)[1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_of_the_settings_file_is_made_once_in_one_line(path):
    from course_lib import settings

    code = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "code")
    made = re.findall(r"\bcheck\(cfg, \"(\w+)\"", code)
    defined = settings.load(path.stem)
    assert sorted(made) == sorted(defined.checks), "check(cfg, key, ...) once for every key"
    assert defined.key_metric in made
    assert "expect(" not in code and "report_metric(" not in code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_layer_is_reached_by_a_name_string(path):
    code = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "code")
    assert not re.search(r"get_layer\(\s*[\"']", code), "use a handle (course_lib.handles)"


def profile_talk(markdown: str) -> list[str]:
    """Phrases in prose that talk about profiles."""
    return [m.group(0) for m in PROFILE_TALK.finditer(markdown)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_after_the_title_does_not_talk_about_profiles(path):
    found = [
        f"cell {i}: {phrase!r}"
        for i, cell in enumerate(_cells(path)[1:], 1)
        if cell["cell_type"] == "markdown"
        for phrase in profile_talk(_source(cell))
    ]
    assert not found, "prose after the title cell talks about profiles: " + "; ".join(found)


@pytest.mark.parametrize(
    "text",
    [
        "At the quick profile it may not have converged yet.",
        "the standard run trains all three",
        "Set COURSE_PROFILE=full to see it.",
        "at quick the gap is small",
    ],
)
def test_profile_talk_check_catches_examples(text):
    assert profile_talk(text)


def test_profile_talk_check_passes_plain_prose():
    assert profile_talk("A full stop. The quick brown fox; a standard LSTM; in full.") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_one_colab_badge_for_the_repository(path):
    markdown = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")
    assert _badge_problems(markdown, [path.name], REPOSITORY) == []


def test_readme_has_a_colab_badge_for_every_notebook():
    assert _badge_problems(README, [p.name for p in NOTEBOOKS], REPOSITORY) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_installs_from_the_repository(path):
    assert _install_problems(_setup_cell(path), REPOSITORY) == []


def test_every_notebook_installs_the_same_ref():
    refs = {p.name: COURSE_REF.findall(_setup_cell(p)) for p in NOTEBOOKS}
    assert len({tuple(r) for r in refs.values()}) == 1, f"COURSE_REF differs: {refs}"


def test_checks_catch_a_wrong_repository():
    """The checks above are not vacuous: with another address they find problems."""
    assert _badge_problems(README, [p.name for p in NOTEBOOKS], WRONG_REPOSITORY)
    for path in NOTEBOOKS:
        markdown = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")
        assert _badge_problems(markdown, [path.name], WRONG_REPOSITORY)
        assert _install_problems(_setup_cell(path), WRONG_REPOSITORY)
    assert _badge_problems(README + "\n" + README, [p.name for p in NOTEBOOKS], REPOSITORY)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_colab_install_asks_pip_for_the_full_extra_at_the_ref(path, monkeypatch):
    calls, variables = _run_install(path, monkeypatch, colab=True)
    spec = f"course-lib[full] @ git+{REPOSITORY}@{variables['COURSE_REF']}"
    bare = f"course-lib @ git+{REPOSITORY}@{variables['COURSE_REF']}"
    assert calls == [
        ("pip", KEEP_COLAB_VERSIONS),
        ("pip", f'install -q --no-deps "{bare}"'),
        ("pip", f'install -q -c {KEEP_FILE} "{spec}"'),
    ]


def test_the_colab_versions_line_keeps_exactly_tensorflow_keras_and_numpy(tmp_path):
    """Run the setup cell's freeze filter on a pip freeze listing like Colab's."""
    import subprocess

    command = KEEP_COLAB_VERSIONS.replace(KEEP_FILE, str(tmp_path / "keep.txt"))
    frozen = "\n".join(
        [
            "keras==3.13.2",
            "keras-hub==0.26.0",
            "numpy==2.1.3",
            "numpydoc==1.8.0",
            "tensorflow==2.20.0",
            "tensorflow-datasets==4.9.10",
            "tensorflow-probability==0.25.0",
            "tf_keras==2.20.1",
        ]
    )
    pipeline = command.removeprefix("freeze | ")
    subprocess.run(f"printf '{frozen}\\n' | {pipeline}", shell=True, check=True)
    assert (tmp_path / "keep.txt").read_text().split() == [
        "keras==3.13.2",
        "numpy==2.1.3",
        "tensorflow==2.20.0",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nothing_is_installed_outside_colab(path, monkeypatch):
    calls, _ = _run_install(path, monkeypatch, colab=False)
    assert calls == []


# Prose that reads like a lab log: particular seeds, machines, timings of one run, the notebook's
# own history. The numbers a learner reads come from their own run; the evidence behind the
# thresholds lives in docs/evidence.md. Title-cell "**Time ...**" lines state the profiles' budgets
# on the 2-core machine of the course's design, and nothing else.
LAB_LOG = re.compile(
    r"\bseeds? \d+\b"
    r"|\b\d+-core\b"
    r"|\bour (?:test |fastest |slower )?(?:machines?|trials|runs|experiments|development)\b"
    r"|\b(?:earlier|older|previous) (?:version|session)s?\b"
    r"|\bdevelopment runs?\b"
    r"|\bwhat we tried\b"
    r"|\bwe measured\b"
    r"|\b\d+(?:\.\d+)? ?(?:minutes?|min|seconds?|s|hours?|h) (?:per epoch|in all)\b",
    re.I,
)


def lab_log_phrases(markdown: str) -> list[str]:
    """Phrases in notebook prose that quote seeds, machines, timings or the notebook's history."""
    found = []
    for line in markdown.splitlines():
        budget = line.lstrip().startswith("**Time")  # may name the 2-core machine of the budget
        found += [
            m.group(0)
            for m in LAB_LOG.finditer(line)
            if not (budget and re.fullmatch(r"\d+-core", m.group(0)))
        ]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_is_not_a_lab_log(path):
    found = [
        f"cell {i}: {phrase!r}"
        for i, cell in enumerate(_cells(path))
        if cell["cell_type"] == "markdown"
        for phrase in lab_log_phrases(_source(cell))
    ]
    assert not found, "prose quotes seeds, machines, timings or history: " + "; ".join(found)


@pytest.mark.parametrize(
    "text",
    [
        "Over seeds 1, 2, 3 and 42 the gap held.",
        "on an idle 2-core CPU we measured 1.8x",
        "58 minutes in all, 7.5 minutes per epoch",
        "An earlier version of this notebook said otherwise.",
        "In our development runs it never failed.",
        "## What we tried",
        "on the fastest of our test machines",
        "**Time on a 2-core CPU:** 58 minutes in all on the fastest of our machines",
    ],
)
def test_lab_log_check_catches_examples(text):
    assert lab_log_phrases(text)


def test_lab_log_check_passes_plain_prose():
    prose = (
        "The table above shows your run: the LSTM keeps the mark for 30 steps.\n"
        "Set `COURSE_SEED` to another number to see how much this varies.\n"
        "**Time on a 2-core CPU:** quick under a minute, standard under 5 minutes."
    )
    assert lab_log_phrases(prose) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_ends_by_displaying_an_exercise_checkers_verdict(path):
    """An exercise checker returns True or False; a cell that ends with the bare call shows it."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    shown = []
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        body = ast.parse(TransformerManager().transform_cell(_source(cell))).body
        last = body[-1] if body else None
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
            name = ast.unparse(last.value.func).rpartition(".")[2]
            if name.startswith("check_"):
                shown.append(f"cell {i}: {ast.unparse(last.value)}")
    assert not shown, "assign the verdict (exercise_1 = ...): " + "; ".join(shown)


# Paths that exist only in a checkout of the repository. A learner who installed the package (as
# Colab does) has none of them, so prose names them only inside a link to the repository.
CHECKOUT_ONLY = re.compile(
    r"(?<![\w/.])(?:docs/|data/|solutions/|course_lib/|models_saved|notebooks/|tools/|tests/)"
)


def _checkout_paths(markdown, repository):
    """Checkout-only paths in ``markdown`` outside links to the repository."""
    outside = re.sub(rf"\[[^\]]*\]\({re.escape(repository)}/[^)]*\)", "", markdown)
    return [m.group(0) for m in CHECKOUT_ONLY.finditer(outside)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_names_checkout_paths_only_as_links_to_the_repository(path):
    markdown = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")
    assert _checkout_paths(markdown, REPOSITORY) == []


def test_checkout_path_check_is_not_vacuous():
    assert _checkout_paths("Solutions are in `solutions/nb01.py`.", REPOSITORY) == ["solutions/"]
    assert _checkout_paths("cached under `data/speech/`", REPOSITORY) == ["data/"]
    linked = f"see [docs/evidence/01.md]({REPOSITORY}/blob/main/docs/evidence/01.md)"
    assert _checkout_paths(linked, REPOSITORY) == []
    assert _checkout_paths(f"[x]({WRONG_REPOSITORY}/blob/main/docs/a.md) docs/a", REPOSITORY)
