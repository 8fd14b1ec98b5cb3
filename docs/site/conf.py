"""Sphinx configuration of the course website (``make site``, ``tools/build_site.py``).

tools/build_site.py assembles the source folder (build/site-src: the front page and the executed
notebooks copied from build/) and passes the title it read from README.md with ``-D project=...``.
The notebooks are rendered with the outputs they already have: MyST-NB never executes them.
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]

project = "Course"  # replaced by the README's title (-D project=...)
html_title = project
author = "the course's authors"
language = "en"
root_doc = "index"

extensions = ["myst_nb"]  # MyST-NB brings MyST-Parser (Markdown) with it
exclude_patterns = ["_doctrees", "**.ipynb_checkpoints"]

# Notebooks: show what `make run` produced, never run them.
nb_execution_mode = "off"
nb_merge_streams = True  # one block per cell instead of one per print flush
# stderr holds TensorFlow's start-up log and library warnings from the run machine, not lessons.
nb_output_stderr = "remove"

# Markdown: $...$ and $$...$$ math as in Jupyter, and LaTeX environments (\begin{align}).
myst_enable_extensions = ["dollarmath", "amsmath"]
# MathJax is loaded by the reader's browser from a CDN (nothing is fetched at build time); the
# version is pinned like everything else.
mathjax_path = "https://cdn.jsdelivr.net/npm/mathjax@4.1.3/tex-mml-chtml.js"

html_theme = "sphinx_book_theme"
html_theme_options = {
    "home_page_in_toc": True,  # the front page heads the sidebar, the notebooks follow in order
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "repository_url": REPOSITORY,
    "use_repository_button": True,
    "use_download_button": True,  # the executed .ipynb of each page
    "use_fullscreen_button": False,
}
html_last_updated_fmt = "%Y-%m-%d"
html_show_sphinx = False
