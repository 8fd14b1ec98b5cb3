"""Build the course website from the notebooks that ``make run`` executed: ``make site`` calls this.

It never runs a notebook. It takes what is already in the build folder (``build/`` by default):

- ``README.md``'s introduction (everything above its first ``## `` heading) becomes the front page,
  followed by the list of notebooks and the run summary table (``build/summary.md``);
- every executed notebook ``build/NN_name.ipynb`` becomes a page, titled by its first Markdown
  heading, in the sidebar in notebook order (by number, so 08b comes after 08 and 10 after 09).

It assembles a Sphinx source folder (``build/site-src``) and runs Sphinx with MyST-NB and the book
theme (configuration in ``docs/site/conf.py``, execution switched off) into ``build/site``; open
``build/site/index.html``. Nothing is downloaded: the pages load MathJax from a CDN in the reader's
browser. Sphinx and MyST-NB come with the ``site`` extra.

    python tools/build_site.py [--build build] [--out build/site] [--quiet] [--strict]

A notebook of ``notebooks/`` that has no executed copy in the build folder is named in a warning
and on the front page, and left out (``make run NOTEBOOKS="01 03"`` runs a few); ``--strict``
makes that an error.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF_DIR = ROOT / "docs" / "site"
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]*_*.ipynb"  # the notebooks tools/run_notebooks.py runs
INSTALL_HINT = "pip install -c constraints.txt -e '.[site]'"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
# a Markdown link or image target that is a path inside the repository (not a URL or an anchor)
RELATIVE_LINK = re.compile(r"(\]\()(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|/)([^)\s]+)(\))")


class SiteError(Exception):
    """Something the build cannot go on without; its message says what to do."""


@dataclass
class Notebook:
    name: str  # the file name without .ipynb
    path: Path
    title: str


@dataclass
class Found:
    notebooks: list[Notebook]
    missing: list[str] = field(default_factory=list)  # in notebooks/ but not executed in build/
    not_executed: list[str] = field(default_factory=list)  # in build/ without any output
    stale: list[str] = field(default_factory=list)  # in build/ but no longer in notebooks/


def order_key(name: str) -> tuple:
    """Notebook order: by number, then letter suffix (``08`` < ``08b`` < ``09`` < ``10``)."""
    match = re.match(r"(\d+)([A-Za-z]*)", name)
    if not match:
        return (sys.maxsize, "", name)
    return (int(match.group(1)), match.group(2).lower(), name)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def first_heading(text: str) -> str | None:
    """The text of the first ATX heading (``# Title``) outside code fences, or None."""
    in_fence = False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING.match(line)
        if match and match.group(2):
            return match.group(2)
    return None


def notebook_title(nb: dict, fallback: str) -> str:
    """The notebook's first Markdown heading (what MyST-NB makes the page title)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            title = first_heading(_source(cell))
            if title:
                return title
    return fallback


def is_executed(nb: dict) -> bool:
    """True if any code cell ran (has an execution count or an output)."""
    return any(
        cell.get("execution_count") is not None or cell.get("outputs")
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "code"
    )


def find_notebooks(build_dir: Path, notebook_dir: Path | None = NOTEBOOK_DIR) -> Found:
    """The executed notebooks in ``build_dir``, in notebook order, and what is missing.

    With ``notebook_dir`` (the course's ``notebooks/``), a notebook there that ``build_dir`` has
    no executed copy of is reported missing, and a copy in ``build_dir`` of a notebook that is no
    longer there (renamed or removed) is left out as stale.
    """
    expected = (
        sorted((p.stem for p in notebook_dir.glob(NOTEBOOK_GLOB)), key=order_key)
        if notebook_dir is not None and notebook_dir.is_dir()
        else None
    )
    found = Found(notebooks=[])
    for path in sorted(build_dir.glob(NOTEBOOK_GLOB), key=lambda p: order_key(p.stem)):
        name = path.stem
        if expected is not None and name not in expected:
            found.stale.append(name)
            continue
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise SiteError(f"{path} is not a readable notebook: {err}") from err
        if not is_executed(nb):
            found.not_executed.append(name)
            continue
        found.notebooks.append(Notebook(name, path, notebook_title(nb, fallback=name)))
    if expected is not None:
        have = {nb.name for nb in found.notebooks}
        found.missing = [name for name in expected if name not in have]
    return found


def readme_intro(text: str, repository: str | None = None, pages: set[str] = frozenset()) -> str:
    """README.md above its first ``## `` heading, with links made to work on the site.

    A link to ``notebooks/NN_name.ipynb`` that the site has becomes a link to its page; any
    other relative link points into the repository (``<repository>/blob/main/<path>``).
    """
    lines: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and re.match(r"^ {0,3}##\s", line):
            break
        lines.append(line)

    def relink(match: re.Match) -> str:
        target = match.group(2)
        path = target.split("#")[0]
        if path.startswith("notebooks/") and Path(path).stem in pages:
            return f"{match.group(1)}{Path(path).name}{match.group(3)}"
        if repository:
            return f"{match.group(1)}{repository.rstrip('/')}/blob/main/{target}{match.group(3)}"
        return match.group(0)

    return RELATIVE_LINK.sub(relink, "\n".join(lines)).strip() + "\n"


def summary_table(text: str, pages: set[str]) -> str:
    """``summary.md`` without terminal colour codes, each notebook's name linked to its page."""
    out = []
    for line in ANSI.sub("", text).splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2 and cells[1].strip() in pages:
            name = cells[1].strip()
            cells[1] = f" [{name}]({name}.ipynb) "
            line = "|".join(cells)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def _escape(text: str) -> str:
    return re.sub(r"([\\\[\]`*_<])", r"\\\1", text)


def front_page(intro: str, found: Found, summary: str | None, summary_name: str) -> str:
    """The Markdown of the front page: introduction, notebooks, run summary, sidebar toctree."""
    parts = [intro, "## Notebooks", ""]
    parts += [f"1. [{_escape(nb.title)}]({nb.name}.ipynb)" for nb in found.notebooks]
    if found.missing:
        parts += [
            "",
            ":::{note}",
            "Not in this build (no executed copy in the build folder): "
            + ", ".join(f"`{name}`" for name in found.missing)
            + ". `make run` executes them.",
            ":::",
        ]
    parts += ["", "## Run summary", ""]
    if summary is None:
        parts.append(f"No run summary (`{summary_name}`) was found in the build folder.")
    else:
        parts += [
            f"The table that `make run` wrote (`{summary_name}`): each notebook's profile, wall "
            "time, key metric and result.",
            "",
            summary.rstrip(),
        ]
    toctree = ["```{toctree}", ":hidden:", ":caption: Notebooks", ""]
    toctree += [nb.name for nb in found.notebooks]
    parts += ["", *toctree, "```", ""]
    return "\n".join(parts)


def warn(message: str) -> None:
    print(f"build_site: {message}", file=sys.stderr, flush=True)


def assemble(
    build_dir: Path,
    src_dir: Path,
    readme: Path,
    notebook_dir: Path | None = NOTEBOOK_DIR,
    repository: str | None = None,
    strict: bool = False,
) -> Found:
    """Write the Sphinx source folder ``src_dir``; return the notebooks it holds.

    A notebook of ``notebook_dir`` with no executed copy in ``build_dir`` is named in a warning
    and on the front page, and left out; with ``strict`` it is an error instead.

    Raises:
        SiteError: if ``build_dir`` holds no executed notebook, or (``strict``) misses one.
    """
    if not build_dir.is_dir():
        raise SiteError(
            f"{build_dir}/ does not exist: run `make run` first to execute the notebooks."
        )
    found = find_notebooks(build_dir, notebook_dir)
    if not found.notebooks:
        detail = f" ({', '.join(found.not_executed)} in it never ran)" if found.not_executed else ""
        raise SiteError(
            f"{build_dir}/ holds no executed notebook{detail}: run `make run` first "
            "(the site shows the outputs of that run; it never executes a notebook)."
        )
    if found.missing and strict:
        raise SiteError(
            f"{len(found.missing)} notebook(s) have no executed copy in {build_dir}/: "
            + ", ".join(found.missing)
            + ". Run `make run` to execute them."
        )
    if found.missing:
        warn(
            f"{len(found.missing)} notebook(s) missing from {build_dir}/, left out of the site: "
            + ", ".join(found.missing)
            + ". Run `make run` (or `make run NOTEBOOKS=...`) to execute them."
        )
    if found.not_executed:
        warn("never executed, left out: " + ", ".join(found.not_executed))
    if found.stale:
        warn(
            "no longer in notebooks/, left out: "
            + ", ".join(found.stale)
            + f" (old runs; delete them from {build_dir}/)"
        )
    pages = {nb.name for nb in found.notebooks}
    summary_path = build_dir / "summary.md"
    summary = None
    if summary_path.is_file():
        summary = summary_table(summary_path.read_text(encoding="utf-8"), pages)
    else:
        warn(f"no {summary_path}: the front page says so instead of showing the run summary")
    intro = readme_intro(readme.read_text(encoding="utf-8"), repository, pages)

    if src_dir.exists():
        shutil.rmtree(src_dir)
    src_dir.mkdir(parents=True)
    for nb in found.notebooks:
        shutil.copy2(nb.path, src_dir / nb.path.name)
    text = front_page(intro, found, summary, f"{build_dir.name}/summary.md")
    (src_dir / "index.md").write_text(text, encoding="utf-8")
    return found


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str | None:
    """The Repository URL that pyproject.toml declares, or None."""
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("project", {}).get("urls", {}).get("Repository")


def site_title(readme: Path) -> str:
    return first_heading(readme.read_text(encoding="utf-8")) or "Course"


def check_sphinx() -> None:
    """Raise SiteError naming the install command if Sphinx or MyST-NB is not installed."""
    absent = [
        m for m in ("sphinx", "myst_nb", "sphinx_book_theme") if not importlib.util.find_spec(m)
    ]
    if absent:
        raise SiteError(
            f"{', '.join(absent)} not installed in {sys.executable}: the site needs the `site` "
            f"extra ({INSTALL_HINT})."
        )


def build(
    build_dir: Path,
    out_dir: Path | None = None,
    src_dir: Path | None = None,
    readme: Path = ROOT / "README.md",
    notebook_dir: Path | None = NOTEBOOK_DIR,
    conf_dir: Path = CONF_DIR,
    quiet: bool = False,
    strict: bool = False,
) -> Found:
    """Assemble the source folder and run Sphinx on it into ``out_dir``; return what it built.

    Raises:
        SiteError: if there is no executed notebook (or, ``strict``, one is missing), Sphinx is
            missing, or Sphinx fails.
    """
    out_dir = out_dir or build_dir / "site"
    src_dir = src_dir or build_dir / "site-src"
    for folder in (out_dir, src_dir):  # both are deleted and written anew
        if folder.resolve() in (build_dir.resolve(), *build_dir.resolve().parents):
            raise SiteError(f"{folder} would hold {build_dir}: choose a folder inside it or apart")
    found = assemble(build_dir, src_dir, readme, notebook_dir, repository_url(), strict)
    check_sphinx()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    # MyST-NB writes the notebooks' images to <out_dir>/../jupyter_execute before Sphinx copies
    # them into <out_dir>/_images; that scratch folder is removed after the build (unless it was
    # there before).
    scratch = out_dir.parent / "jupyter_execute"
    remove_scratch = not scratch.exists()
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-c",
        str(conf_dir),
        "-d",
        str(src_dir / "_doctrees"),
        "-D",
        f"project={site_title(readme)}",
        "-D",
        f"html_title={site_title(readme)}",
        *(["-q"] if quiet else []),
        str(src_dir),
        str(out_dir),
    ]
    try:
        result = subprocess.run(command, check=False)
    finally:
        if remove_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if result.returncode != 0:
        raise SiteError(f"sphinx-build failed (exit {result.returncode}); its messages are above.")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build"), help="where `make run` wrote")
    parser.add_argument("--out", default=None, help="the site (default: <build>/site)")
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    parser.add_argument("--notebooks", default=str(NOTEBOOK_DIR), help="the course's notebooks")
    parser.add_argument("-q", "--quiet", action="store_true", help="only Sphinx's warnings")
    parser.add_argument(
        "--strict", action="store_true", help="fail if a notebook has no executed copy in <build>"
    )
    args = parser.parse_args(argv)
    build_dir = Path(args.build)
    out_dir = Path(args.out) if args.out else build_dir / "site"
    start = time.perf_counter()
    try:
        found = build(
            build_dir,
            out_dir,
            readme=Path(args.readme),
            notebook_dir=Path(args.notebooks),
            quiet=args.quiet,
            strict=args.strict,
        )
    except SiteError as err:
        print(f"build_site: error: {err}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    print(
        f"site with {len(found.notebooks)} notebook(s) built in {seconds:.1f} s: "
        f"open {out_dir}/index.html"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
