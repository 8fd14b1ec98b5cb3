"""tools/build_site.py (``make site``): the course website built from executed notebooks.

The tests that run Sphinx build a small site from notebooks written here, with their outputs
already in them, and skip where the optional ``site`` extra (Sphinx, MyST-NB, the book theme) is
not installed. The checks of what goes in and of the error messages need no Sphinx.
"""

import base64
import re
import struct
import zlib

import nbformat
import pytest

from tools import build_site

# In notebook order: the site must put 08b after 08 and 10 after 08b, whatever the file system says.
NAMES = ["01_first", "08_middle", "08b_appendix", "10_last"]
STORED_TEXT = "stored output, not recomputed: 42"
SUMMARY = (
    "| notebook | profile | wall time (s) | key metric | result |\n"
    "|---|---|---:|---|---|\n"
    "| 01_first | quick | 1.5 | toy metric = 0.5 (target 0.4) | pass |\n"
    "| 08_middle | quick | 2.0 | (not reported) | pass |\n"
    "| 08b_appendix | quick | 2.5 | (not reported) | pass |\n"
    "| 10_last | quick | 3.0 | (not reported) | FAIL: \x1b[31mAssertionError\x1b[39m: too low |\n"
)
README = """# Test course: a title

An introduction paragraph, with [the data notes](data/README.md) and
[the first notebook](notebooks/01_first.ipynb).

## Commands

This section is not on the front page.
"""


def png(width=3, height=2):
    """A small valid PNG (red pixels), made with the standard library."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def executed_notebook(name, math=False, image=None):
    """An executed notebook: a title cell, then one code cell with its stored outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    text = f"# {name} · a page\n\nSome prose."
    if math:
        text += " The square $x^2$ grows fast:\n\n$$\\sum_{t=1}^{T} h_t$$\n"
    code = nbformat.v4.new_code_cell(
        "print(6 * 7)  # would print 42 if it were run", execution_count=1
    )
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=STORED_TEXT + "\n")]
    if image is not None:
        code.outputs.append(
            nbformat.v4.new_output(
                "display_data",
                data={"image/png": base64.b64encode(image).decode(), "text/plain": "<Figure>"},
            )
        )
    nb.cells = [nbformat.v4.new_markdown_cell(text), code]
    nbformat.validate(nb)
    return nb


def course(tmp_path, names=NAMES, executed=NAMES, summary=SUMMARY):
    """A build folder as `make run` leaves it, the course's notebooks/ and a README."""
    build_dir, notebook_dir = tmp_path / "build", tmp_path / "notebooks"
    build_dir.mkdir()
    notebook_dir.mkdir()
    for name in names:
        nbformat.write(nbformat.v4.new_notebook(), notebook_dir / f"{name}.ipynb")
    for name in executed:
        first = name == NAMES[0]
        nb = executed_notebook(name, math=first, image=png() if first else None)
        nbformat.write(nb, build_dir / f"{name}.ipynb")
    if summary is not None:
        (build_dir / "summary.md").write_text(summary)
    readme = tmp_path / "README.md"
    readme.write_text(README)
    return build_dir, notebook_dir, readme


def sidebar_links(page):
    """The hrefs of the book theme's left sidebar, in order."""
    nav = re.search(r'<nav class="[^"]*bd-docs-nav[^"]*"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, "the page has no sidebar (the theme's bd-docs-nav)"
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for module in ("sphinx", "myst_nb", "sphinx_book_theme"):
        pytest.importorskip(
            module, reason=f"{module} is not installed: the site extra is optional (.[site])"
        )
    tmp_path = tmp_path_factory.mktemp("site")
    build_dir, notebook_dir, readme = course(tmp_path)
    found = build_site.build(build_dir, readme=readme, notebook_dir=notebook_dir, quiet=True)
    return build_dir / "site", found


def test_every_notebook_has_a_page_in_order_in_the_sidebar(site):
    out, found = site
    assert [nb.name for nb in found.notebooks] == NAMES
    index = (out / "index.html").read_text()
    for name in NAMES:
        assert (out / f"{name}.html").is_file(), f"no page for {name}"
    links = [link for link in sidebar_links(index) if link.endswith(".html")]
    assert links == [f"{name}.html" for name in NAMES]
    # every page's sidebar leads to the front page and to every other notebook
    for name in NAMES:
        page_links = sidebar_links((out / f"{name}.html").read_text())
        assert "index.html" in page_links
        assert {f"{n}.html" for n in NAMES if n != name} <= set(page_links)


def test_front_page_is_the_readme_introduction_with_notebook_titles(site):
    out, _ = site
    index = (out / "index.html").read_text()
    assert "Test course: a title" in index
    assert "An introduction paragraph" in index
    assert "not on the front page" not in index  # the README stops at its first ## heading
    assert 'href="01_first.html"' in index  # notebooks/01_first.ipynb now points at the page
    assert "https://github.com/" in index and "/blob/main/data/README.md" in index
    for name in NAMES:
        assert f"{name} · a page" in index  # the notebooks' own first headings


def test_notebook_page_renders_stored_outputs_math_and_figure(site):
    out, _ = site
    page = (out / "01_first.html").read_text()
    assert STORED_TEXT in page  # the output stored in the notebook, not a rerun
    assert re.search(r'<span class="math notranslate nohighlight">\\\(x\^2\\\)</span>', page)
    assert re.search(r'<div class="math notranslate nohighlight">\s*\\\[\\sum_', page)
    assert re.search(r'<script[^>]+src="https://cdn\.jsdelivr\.net/npm/mathjax@[\d.]+/', page)
    images = re.findall(r'<img[^>]+src="(_images/[^"]+\.png)"', page)
    assert len(images) == 1, images
    assert (out / images[0]).read_bytes() == png()
    assert not (out.parent / "jupyter_execute").exists()  # MyST-NB's scratch folder is gone


def test_run_summary_table_on_the_front_page(site):
    out, _ = site
    index = (out / "index.html").read_text()
    table = re.search(r"<table.*?</table>", index, re.S)
    assert table, "no run summary table on the front page"
    assert "toy metric = 0.5 (target 0.4)" in table.group(0)
    assert 'href="08b_appendix.html"' in table.group(0)  # each row links to its notebook
    assert "FAIL: AssertionError: too low" in table.group(0)
    assert "\x1b" not in index and "[31m" not in index  # terminal colours stripped


def test_notebook_order():
    names = ["10_a", "08b_c", "09_e", "08_b", "01_d"]
    assert sorted(names, key=build_site.order_key) == ["01_d", "08_b", "08b_c", "09_e", "10_a"]


def test_empty_build_folder_fails_clearly(tmp_path, capsys):
    build_dir, notebook_dir, readme = course(tmp_path, executed=[], summary=None)
    with pytest.raises(build_site.SiteError, match="holds no executed notebook.*make run"):
        build_site.assemble(build_dir, tmp_path / "src", readme, notebook_dir)
    argv = ["--build", str(build_dir), "--readme", str(readme), "--notebooks", str(notebook_dir)]
    assert build_site.main(argv) == 1
    assert "holds no executed notebook" in capsys.readouterr().err
    assert not (build_dir / "site").exists()


def test_notebooks_that_never_ran_do_not_count(tmp_path):
    build_dir, notebook_dir, readme = course(tmp_path, executed=[])
    nbformat.write(nbformat.v4.new_notebook(), build_dir / "01_first.ipynb")  # never executed
    with pytest.raises(build_site.SiteError, match="no executed notebook.*01_first"):
        build_site.assemble(build_dir, tmp_path / "src", readme, notebook_dir)


def test_missing_build_folder_fails_clearly(tmp_path):
    with pytest.raises(build_site.SiteError, match="does not exist.*make run"):
        build_site.assemble(tmp_path / "nowhere", tmp_path / "src", tmp_path / "README.md")


def test_partial_build_names_the_missing_notebooks(tmp_path, capsys):
    build_dir, notebook_dir, readme = course(tmp_path, executed=["01_first", "10_last"])
    found = build_site.assemble(build_dir, tmp_path / "src", readme, notebook_dir)
    assert [nb.name for nb in found.notebooks] == ["01_first", "10_last"]
    assert found.missing == ["08_middle", "08b_appendix"]
    assert "08_middle, 08b_appendix" in capsys.readouterr().err
    front = (tmp_path / "src" / "index.md").read_text()
    assert "`08_middle`, `08b_appendix`" in front  # the front page says what is not there
    assert "\n10_last\n" in front and "\n08_middle\n" not in front  # the sidebar's toctree
    assert sorted(p.name for p in (tmp_path / "src").glob("*.ipynb")) == [
        "01_first.ipynb",
        "10_last.ipynb",
    ]


def test_strict_build_fails_on_a_missing_notebook(tmp_path):
    build_dir, notebook_dir, readme = course(tmp_path, executed=["01_first"])
    with pytest.raises(build_site.SiteError, match="08_middle, 08b_appendix, 10_last"):
        build_site.assemble(build_dir, tmp_path / "src", readme, notebook_dir, strict=True)


def test_output_folder_may_not_swallow_the_build_folder(tmp_path):
    build_dir, notebook_dir, readme = course(tmp_path)
    with pytest.raises(build_site.SiteError, match="would hold"):
        build_site.build(build_dir, out_dir=tmp_path, readme=readme, notebook_dir=notebook_dir)
    assert (build_dir / "01_first.ipynb").is_file()
