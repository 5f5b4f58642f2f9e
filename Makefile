# Two commands do everything (see README):
#   make handouts   set up what is missing, then build every handout into dist/
#   make test       set up what is missing (and Chromium), then run the test suite
#   make web        set up what is missing, then run the edition service on 127.0.0.1:8000
# and for developers:
#   make lint       ruff and mypy (CI runs it before the tests)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# axe-core (npm), which the browser tests inject into the pages; pinned by its lock file.
AXE    := tests/browser/node_modules/.installed
# The print-shop CMYK output profile, made by colprof from FOGRA39 data (never committed):
# where handouts/outputprofile.py looks for it by default.
ICC    := $(VENV)/share/handouts/FOGRA39-argyll.icc

.PHONY: handouts test web lint setup setup-test system system-test bench bench-service bench-queue pot clean

handouts: setup
	$(PY) build_pdf.py $(ARGS)

web: setup
	$(PY) build_pdf.py web $(ARGS)

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check handouts tests bench build_pdf.py
	$(PY) -m mypy

setup: system $(STAMP) $(ICC)
setup-test: system-test $(STAMP) $(AXE) $(ICC)

system:
	@scripts/system-deps.sh
system-test:
	@scripts/system-deps.sh --test

# The virtual environment is rebuilt only when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# Made again only when the generator (its colprof options) changes: about a minute.
$(ICC): handouts/outputprofile.py | $(STAMP)
	$(PY) -m handouts.outputprofile $@

$(AXE): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	@touch $@

bench: setup-test
	$(PY) bench/run.py

# The edition service under load (wrk from Debian): see bench/README.md.
bench-service: setup-test
	@scripts/system-deps.sh --bench
	$(PY) bench/service.py $(ARGS)

# The queue against the local pool (starts its own redis-server and two workers).
bench-queue: setup-test
	$(PY) bench/queue_speed.py

pot: setup
	$(PY) build_pdf.py catalog extract

clean:
	rm -rf dist .pytest_cache
