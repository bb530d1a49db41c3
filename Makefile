# The developer interface: `make run` serves a local Cible, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The first interpreter >= 3.12 found: PATH first, then pyenv's versions, then Debian's.
PYTHON ?= $(shell for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 python3; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)
PO_FILES := $(wildcard cible/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test test-fast lint format bench messages lock clean cluster screenshots

run: $(VENV)/.run-installed $(MO_FILES)
	$(BIN)/cible migrate --noinput
	$(BIN)/cible demo --if-empty
	$(BIN)/cible serve

# Two app servers behind nginx and two workers, on this machine's PostgreSQL and Redis
# (deploy/local-cluster; needs nginx: apt-get install nginx-light). Ctrl-C stops it.
cluster: $(VENV)/.run-installed $(MO_FILES)
	deploy/local-cluster

# One test process per core (pytest-xdist); a file's tests stay in one process, so each
# module's fixtures are built once. PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= auto
test: $(VENV)/.test-installed $(MO_FILES) node_modules/.installed
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cible

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# PNGs of the main pages in both themes, from the demo organisation on a throwaway
# database, into docs/screenshots/ (Playwright driving /usr/bin/chromium).
screenshots: $(VENV)/.test-installed $(MO_FILES)
	$(BIN)/python bench/screenshots.py

# Extract the strings to translate (needs GNU gettext, for developers only).
messages: $(VENV)/.test-installed
	cd cible && ../$(BIN)/django-admin makemessages -l fr --no-obsolete --settings=cible.settings --pythonpath=..

# Regenerate the lock files after a change of dependencies in pyproject.toml.
lock: $(VENV)/.test-installed
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes -o requirements-run.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --extra test --extra dev --generate-hashes -o requirements.lock

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Cible needs Python >= 3.12; none was found." >&2; exit 1; }
	@echo "Using $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-installed: $(VENV)/bin/python requirements-run.lock pyproject.toml
	$(BIN)/pip install -q --require-hashes -r requirements-run.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/bin/python requirements.lock pyproject.toml
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(VENV)/.run-installed

# axe-core, for the browser tests' accessibility checks, exactly as package-lock.json pins it.
# Without npm, the stamp is not made and those tests are skipped.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund && touch $@; \
	else \
		echo "npm not found: the accessibility tests (axe-core) will be skipped."; \
	fi

# Compiled with Babel, so a machine without the gettext tools still gets its translations.
%.mo: %.po $(VENV)/.run-installed
	$(BIN)/pybabel compile -i $< -o $@

# Performance on a 10,000-person organisation (built once into bench/data/, then reused):
# every main page, the API and check-in throughput; results in bench/results/.
bench: $(VENV)/.test-installed bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The same on PostgreSQL, database cible_benchmark on 127.0.0.1 (created on first use).
.PHONY: bench-pg
bench-pg: $(VENV)/.test-installed bench-tools
	$(BIN)/python bench/run.py --db postgres $(BENCH_ARGS)

# wrk, the load generator of the throughput measurement, from Debian's packages.
.PHONY: bench-tools
bench-tools:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq wrk >/dev/null; } || echo "wrk could not be installed: the throughput row is skipped."

clean:
	rm -rf $(VENV) .pytest_cache node_modules
