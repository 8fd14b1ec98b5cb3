# The course's commands. Each works on a fresh machine with only python3: the first run creates
# .venv and installs the exact versions in constraints.txt.
#   make test                     lint, unit tests, every notebook under nbval at the quick profile
#   make run [PROFILE=standard] [NOTEBOOKS="01 03"]   execute notebooks, write build/
#   make lab                      JupyterLab on notebooks/

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROFILE ?= standard
NOTEBOOKS ?=
CELL_TIMEOUT ?= 300
NB_PATHS = $(if $(strip $(NOTEBOOKS)),$(foreach n,$(NOTEBOOKS),$(wildcard notebooks/$(n)*.ipynb)),notebooks)

.PHONY: help setup test lint unit notebooks run lab lock clean

help:
	@sed -n '2,6p' Makefile

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@echo "Creating $(VENV) and installing the pinned versions (a few minutes the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

test: lint unit notebooks

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests

notebooks: $(STAMP)
	COURSE_PROFILE=quick MPLBACKEND=Agg $(BIN)/python -m pytest --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=$(CELL_TIMEOUT) $(NB_PATHS)

run: $(STAMP)
	$(BIN)/python tools/run_notebooks.py --profile "$(PROFILE)" --notebooks "$(NOTEBOOKS)" --out build

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Re-resolve the newest versions the ranges in pyproject.toml allow and rewrite constraints.txt.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Exact versions that 'make' installs (pip install -c constraints.txt). Regenerate with 'make lock'."; \
	  echo "# Resolved on Python $$(.venv-lock/bin/python -c 'import platform; print(platform.python_version())'), $$(date +%Y-%m-%d)."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf build .pytest_cache .ruff_cache
