# The course's commands. Each works on a fresh machine with only python3 (3.11 to 3.13, the
# Pythons TensorFlow has wheels for): the first run creates .venv and installs constraints.txt.
#   make test                     lint, unit tests, every notebook under nbval at the quick profile
#   make run [PROFILE=standard] [NOTEBOOKS="01 03"]   execute notebooks, write build/
#   make site                     the course website from what make run left in build/
#   make lab                      JupyterLab on notebooks/
#   make seeds SEEDS="1000-1019" [PROFILE=quick] [NOTEBOOKS="03 04"]   every check over many seeds
#   make test-gpu [PROFILE=standard]   on an NVIDIA GPU: TensorFlow with CUDA, unit tests, nbval
# Add GPU=1 to setup, run or lab to install TensorFlow's CUDA wheels (Linux with an NVIDIA driver).
# An active virtual environment, or an active conda environment other than base, is used as it is
# instead of .venv.

PYTHON ?= python3
ifneq ($(VIRTUAL_ENV),)
VENV ?= $(VIRTUAL_ENV)
else ifneq ($(filter-out base,$(CONDA_DEFAULT_ENV)),)
VENV ?= $(CONDA_PREFIX)
endif
VENV ?= .venv
BIN := $(VENV)/bin
comma := ,
GPU ?=
EXTRAS := dev$(if $(filter 1 yes true,$(GPU)),$(comma)gpu)
STAMP := $(VENV)/.installed$(if $(filter 1 yes true,$(GPU)),-gpu)
PROFILE ?= standard
# nbval runs at the quick profile unless PROFILE is given on the command line.
NB_PROFILE := $(if $(filter command line,$(origin PROFILE)),$(PROFILE),quick)
CELL_TIMEOUT ?= $(if $(filter full,$(NB_PROFILE)),21600,$(if $(filter standard,$(NB_PROFILE)),1200,300))
NOTEBOOKS ?=
NB_PATHS = $(if $(strip $(NOTEBOOKS)),$(foreach n,$(NOTEBOOKS),$(wildcard notebooks/$(n)*.ipynb)),notebooks)

.PHONY: help setup test test-gpu gpu-check lint unit notebooks run site seeds lab lock clean

help:
	@sed -n '1,12p' Makefile

setup: $(STAMP)

# tools/find_python.sh stops here, before pip, on a Python outside pyproject.toml's
# requires-python (or takes a supported python3.X from the PATH for a new .venv).
$(STAMP): pyproject.toml constraints.txt
	@if [ -x $(BIN)/python ]; then \
	  sh tools/find_python.sh --check $(BIN)/python >/dev/null || exit 1; \
	  echo "Installing the pinned versions ($(EXTRAS)) into $(VENV)..."; \
	else \
	  py=$$(sh tools/find_python.sh "$(PYTHON)") || exit 1; \
	  echo "Creating $(VENV) with $$py and installing the pinned versions ($(EXTRAS); a few minutes the first time)..."; \
	  $$py -m venv $(VENV) || { echo "Could not create $(VENV). On Debian or Ubuntu: sudo apt install python3-venv"; exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -c constraints.txt -e ".[$(EXTRAS)]"
	@touch $(STAMP)

test: lint unit notebooks

# What the GPU workflow runs: TensorFlow with CUDA, a check that it sees a GPU, then the same tests.
test-gpu:
	$(MAKE) GPU=1 PROFILE=$(PROFILE) gpu-check unit notebooks

gpu-check: $(STAMP)
	$(BIN)/python -c "import tensorflow as tf, sys; gpus = tf.config.list_physical_devices('GPU'); \
	print('GPUs:', gpus or 'none'); sys.exit(0 if gpus else 'TensorFlow sees no GPU: check the NVIDIA driver (nvidia-smi).')"

# ruff: style, docstrings and annotations (course_lib's public API); mypy: course_lib's types;
# check_imports: no import cycle in course_lib, counting imports made inside functions.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy course_lib
	$(BIN)/python tools/check_imports.py course_lib

unit: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests

notebooks: $(STAMP)
	COURSE_PROFILE=$(NB_PROFILE) MPLBACKEND=Agg $(BIN)/python -m pytest --nbval-lax \
		--nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) --timeout=$(CELL_TIMEOUT) $(NB_PATHS)

run: $(STAMP)
	$(BIN)/python tools/run_notebooks.py --profile "$(PROFILE)" --notebooks "$(NOTEBOOKS)" --out build

# Each selected notebook once per seed; the table of every check's worst seed and margin goes to
# docs/evidence/seed-sweep.md (all runs saved under build/seeds, so a rerun resumes).
SEEDS ?=
seeds: $(STAMP)
	@test -n "$(SEEDS)" || { echo 'Give the seeds, e.g. make seeds SEEDS="1000-1019" PROFILE=quick'; exit 2; }
	$(BIN)/python tools/run_notebooks.py --profile "$(PROFILE)" --notebooks "$(NOTEBOOKS)" \
		--seeds "$(SEEDS)" --out build/seeds --evidence docs/evidence/seed-sweep.md

# The course website from what `make run` left in build/ (executed notebooks, summary.md):
# build/site/index.html. It runs no notebook and downloads nothing.
site: $(STAMP)
	$(BIN)/python tools/build_site.py --build build --quiet

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Re-resolve the newest versions the ranges in pyproject.toml allow and rewrite constraints.txt.
# pip resolves without installing (the GPU extra's CUDA wheels weigh several GB).
LOCK_OUT ?= constraints.txt
LOCK := .venv-lock/bin/python -m pip install --quiet --dry-run --ignore-installed
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	$(LOCK) --report .venv-lock/cpu.json -e ".[dev]"
	.venv-lock/bin/python tools/write_constraints.py .venv-lock/cpu.json > .venv-lock/cpu.txt
	$(LOCK) --report .venv-lock/gpu.json -c .venv-lock/cpu.txt -e ".[dev,gpu]"
	.venv-lock/bin/python tools/write_constraints.py .venv-lock/cpu.json .venv-lock/gpu.json \
		> .venv-lock/constraints.txt
	mv .venv-lock/constraints.txt $(LOCK_OUT) && rm -rf .venv-lock

clean:
	rm -rf build .pytest_cache .ruff_cache .mypy_cache
