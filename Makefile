# The course's commands. Each works on a fresh machine with only python3 (3.11 to 3.13, the
# Pythons TensorFlow has wheels for): the first run creates .venv and installs constraints.txt.
#   make test                     lint, unit tests, every notebook under nbval at the quick profile
#   make run [PROFILE=standard] [NOTEBOOKS="01 03"]   execute notebooks, write build/
#   make site                     the course website from what make run left in build/
#   make lab                      JupyterLab on notebooks/
#   make seeds SEEDS="1000-1019" [PROFILE=quick] [NOTEBOOKS="03 04"]   every check over many seeds
#   make test-gpu [PROFILE=standard]   on an NVIDIA GPU: TensorFlow with CUDA, unit tests, nbval
#   make test-floor / test-colab  the lowest declared versions / Colab's TensorFlow, Keras, NumPy
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

.PHONY: help setup test test-gpu gpu-check lint unit notebooks run site seeds lab lock clean \
	test-floor test-colab

help:
	@sed -n '1,13p' Makefile

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

# Versions other than the pins, each in a venv of its own, checked by the unit tests and by
# notebooks 01 and 10 at the quick profile (CI's floor and colab jobs; each about 10 minutes on 2
# cores with pip's cache warm):
#   test-floor  every direct dependency of the package and its full extra at the lowest version
#               pyproject.toml admits (tools/floor_constraints.py writes the pins)
#   test-colab  Colab's TensorFlow, Keras and NumPy installed first, then kept while the package
#               is installed, with the notebooks' setup cell's constraint on them; fails if pip
#               changed any of the three
COLAB_VERSIONS ?= tensorflow==2.20.0 keras==3.13.2 numpy==2.1.3
VERSIONS_NOTEBOOKS := notebooks/01_rnn_basics.ipynb notebooks/10_ctc_speech.ipynb
KEEP_VERSIONS := grep -E "^(tensorflow|keras|numpy)=="
define new_venv
	rm -rf $(1)
	py=$$(sh tools/find_python.sh "$(PYTHON)") && $$py -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
endef
define versions_tests
	$(1)/bin/python -m pip freeze | $(KEEP_VERSIONS)
	MPLBACKEND=Agg $(1)/bin/python -m pytest -q tests
	COURSE_PROFILE=quick MPLBACKEND=Agg $(1)/bin/python -m pytest --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=300 --timeout=300 $(VERSIONS_NOTEBOOKS)
endef

test-floor:
	$(call new_venv,.venv-floor)
	.venv-floor/bin/python tools/floor_constraints.py full > .venv-floor/floor.txt
	.venv-floor/bin/python -m pip install --progress-bar off -c .venv-floor/floor.txt -e ".[dev]"
	$(call versions_tests,.venv-floor)

test-colab:
	$(call new_venv,.venv-colab)
	.venv-colab/bin/python -m pip install --progress-bar off $(COLAB_VERSIONS)
	.venv-colab/bin/python -m pip freeze | $(KEEP_VERSIONS) > .venv-colab/before.txt
	.venv-colab/bin/python -m pip install -q -c .venv-colab/before.txt -e ".[dev]"
	.venv-colab/bin/python -m pip freeze | $(KEEP_VERSIONS) > .venv-colab/after.txt
	@diff .venv-colab/before.txt .venv-colab/after.txt >/dev/null || { \
	  echo "pip changed Colab's versions:"; diff .venv-colab/before.txt .venv-colab/after.txt; exit 1; }
	$(call versions_tests,.venv-colab)

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
	rm -rf build .pytest_cache .ruff_cache .mypy_cache .venv-floor .venv-colab
