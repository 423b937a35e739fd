# Two commands do everything on a fresh machine with only Python 3.11:
#   make run   - create .venv, install, initialise data/measures.db (demo data on first start), serve on :8050
#   make test  - install what the tests need (incl. Debian's Chromium), lint, format, layers, types, every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050

WORKERS ?= 3

.PHONY: run serve test lint bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m measures init
	$(PY) -m measures demo --if-empty
	$(PY) -m measures user first-admin
	HOST=$(HOST) PORT=$(PORT) $(PY) app.py

# Production-style: several gunicorn workers (threads let the meeting-pack PDF call back into the app).
serve: $(VENV)/.installed
	$(PY) -m measures init
	$(PY) -m measures user first-admin
	$(VENV)/bin/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) --access-logfile - app:server

test: $(VENV)/.installed-dev
	scripts/install-test-deps.sh
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest

# Lint, format, layering and types: the checks `make test` runs before the tests.
lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m mypy

bench: $(VENV)/.installed-dev
	scripts/install-test-deps.sh
	$(PY) bench/ingest.py
	$(PY) bench/national_import.py
	$(PY) bench/hostile_files.py
	$(PY) bench/pages.py
	$(PY) bench/pack_pdf.py
	$(PY) bench/month_downloads.py
	$(PY) bench/pack_charts.py
	$(PY) bench/plan.py
	$(PY) bench/actions_sheet.py
	$(PY) bench/upgrade.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
