#!/bin/sh
# Print a Python interpreter that the course supports: pyproject.toml's requires-python, the
# Pythons for which TensorFlow publishes wheels. `make` calls it before creating .venv.
#   sh tools/find_python.sh PYTHON          PYTHON if it fits, else the newest python3.X on the
#                                           PATH that fits (saying so on stderr)
#   sh tools/find_python.sh --check PYTHON  PYTHON if it fits (an existing environment's Python)
# With no fitting Python it exits 1 with a message naming the supported versions.
set -u
check_only=0
if [ "${1:-}" = "--check" ]; then check_only=1; shift; fi
asked="${1:-python3}"
pyproject="$(dirname "$0")/../pyproject.toml"
range=$(sed -n 's/^requires-python = ">=3\.\([0-9][0-9]*\),<3\.\([0-9][0-9]*\)".*/\1 \2/p' "$pyproject")
if [ -z "$range" ]; then
  echo "tools/find_python.sh: pyproject.toml has no requires-python of the form \">=3.A,<3.B\"" >&2
  exit 2
fi
low=${range% *}
high=$((${range#* } - 1))
supported="Python 3.$low to 3.$high"

fits() {
  "$1" -c "import sys; sys.exit(not (sys.version_info[0] == 3 and $low <= sys.version_info[1] <= $high))" \
    >/dev/null 2>&1
}
describe() {
  if command -v "$1" >/dev/null 2>&1; then "$1" --version 2>&1; else echo "not found"; fi
}

if fits "$asked"; then
  echo "$asked"
  exit 0
fi
if [ "$check_only" = 0 ]; then
  minor=$high
  while [ "$minor" -ge "$low" ]; do
    candidate="python3.$minor"
    if command -v "$candidate" >/dev/null 2>&1 && fits "$candidate"; then
      echo "$asked is $(describe "$asked"); using $candidate ($supported are supported)." >&2
      echo "$candidate"
      exit 0
    fi
    minor=$((minor - 1))
  done
fi
echo "The course needs $supported (the versions TensorFlow publishes wheels for);" >&2
echo "$asked is $(describe "$asked")." >&2
if [ "$check_only" = 1 ]; then
  echo "Activate an environment with a supported Python, or deactivate this one so that make builds .venv." >&2
else
  echo "Install one of them (python.org, pyenv, or your system's packages) and run, e.g.: make PYTHON=python3.$high ..." >&2
fi
exit 1
