# Two commands for a fresh machine: `make demo` and `make test`.
# Each builds the virtual environment it needs in .venv (Python >= 3.11 required).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every editable mode of setuptools says "Editable installation" as a UserWarning, an
# information (setuptools' InformationOnly) that would hide real warnings in the log.
QUIET_EDITABLE := PYTHONWARNINGS="ignore:Editable installation:UserWarning"

.PHONY: demo test fuzz bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e ".[demo]"
	touch $@

# chainrule with every extra, plus the `dev` dependency group of pyproject.toml (test and
# lint tools, kept out of the metadata users see); `--group` needs pip 25.1 or newer.
$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet "pip>=25.1"
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e ".[notebook,graphviz]" --group dev
	touch $@

demo: $(VENV)/.demo
	$(BIN)/python demo.py

# The hypothesis profile "ci" (tests/conftest.py), as in CI, whatever the shell exports:
# the same examples in every run. tools/system-packages.sh installs (as root on Debian or
# Ubuntu) or names the system packages the drawing tests use: the system Graphviz `dot`,
# rsvg-convert, Chromium, fonts; SYSTEM_PACKAGES=no skips it (a machine without them:
# those tests then skip, saying why).
SYSTEM_PACKAGES ?= yes
test: $(VENV)/.dev
	@if [ "$(SYSTEM_PACKAGES)" != no ]; then sh tools/system-packages.sh; fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q

# The property tests with fresh randomness and FUZZ_FACTOR times their examples; a failure
# found is stored in .hypothesis/ and tried first by the next `make fuzz` (never by `make
# test`). Not part of `make test`: a new example is news, not a flaky build.
FUZZ_FACTOR ?= 10
fuzz: $(VENV)/.dev
	HYPOTHESIS_PROFILE=fuzz FUZZ_FACTOR=$(FUZZ_FACTOR) $(BIN)/python -m pytest -q -m hypothesis tests

# The benchmark has its own environment: chainrule plus micrograd 0.1.0 from PyPI to compare
# against (micrograd is no dependency of chainrule). BENCH_ARGS="--quick" for a short run.
BENCH_VENV := .venv-bench

$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(QUIET_EDITABLE) $(BENCH_VENV)/bin/python -m pip install --quiet -e . micrograd==0.1.0
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-bench build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
