# Set-up and everyday commands. `make serve` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test test-fast lint check bench relevance stress clean

# Install what the site needs, build (or update) the index from content/, serve it.
serve: $(VENV)/.run-installed
	$(BIN)/lupus-guide update
	$(BIN)/lupus-guide serve --host $(HOST) --port $(PORT)

# Install what the tests need (Python packages and Debian's Chromium), then run them all.
test: $(VENV)/.test-installed chromium
	$(BIN)/ruff check .
	$(BIN)/lupus-guide check
	$(BIN)/pytest

# The daily loop (under 90 s): the same but the tests marked slow (browser, subprocess,
# stress and whole-judged-set tests; the rule is in pyproject.toml), which `make test` and
# CI still run. Fast tests share nothing on disk, so they run on two workers (pytest-xdist);
# `make test` stays in one process, where the stress and browser tests time themselves.
test-fast: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/lupus-guide check
	$(BIN)/pytest -m "not slow" -n 2

check: $(VENV)/.run-installed
	$(BIN)/lupus-guide check

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

relevance: $(VENV)/.run-installed
	$(BIN)/python bench/relevance.py

bench: $(VENV)/.test-installed
	$(BIN)/python bench/run.py

stress: $(VENV)/.test-installed
	$(BIN)/python bench/stress.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-installed

# Browser tests drive Debian's Chromium; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; }

clean:
	rm -rf $(VENV) index/gen-* index/CURRENT index/writer.lock index/.build-* test-artifacts
