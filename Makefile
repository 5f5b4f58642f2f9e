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

.PHONY: handouts test web lint setup setup-test system system-test bench bench-queue pot clean

handouts: setup
	$(PY) build_pdf.py $(ARGS)

web: setup
	$(PY) build_pdf.py web $(ARGS)

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check handouts tests bench build_pdf.py
	$(PY) -m mypy

setup: system $(STAMP)
setup-test: system-test $(STAMP) $(AXE)

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

$(AXE): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	@touch $@

bench: setup-test
	$(PY) bench/run.py

# The queue against the local pool (starts its own redis-server and two workers).
bench-queue: setup-test
	$(PY) bench/queue_speed.py

pot: setup
	$(PY) build_pdf.py catalog extract

clean:
	rm -rf dist .pytest_cache
