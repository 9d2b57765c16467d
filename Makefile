# Fit for Work: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_CASES ?= 300
DEMO_SEED ?= 1
CHROMIUM ?= /usr/bin/chromium
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto
export FFW_VAR_DIR ?= $(CURDIR)/var

.PHONY: run install test test-fast screenshots lint format bench worker chromium clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Fit for Work needs Python 3.11 or newer: set PYTHON=python3.12 (or similar)"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create a virtual environment. On Debian or Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[test,lint]"
	touch $@

install: $(VENV)/.installed

## make run: install, migrate the embedded database, load demo data the first time, serve.
run: export DEBUG ?= true
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py service_models load
	$(PY) manage.py demo --cases $(DEMO_CASES) --seed $(DEMO_SEED)
	$(PY) manage.py demo --print-sign-ins
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## make worker: on a developer's machine, the background task worker (sends messages from the outbox).
## In production run `fitforwork outbox send-pending` then `fitforwork db_worker` with production settings.
worker: export DEBUG ?= true
worker: $(VENV)/.installed
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py outbox send-pending
	$(PY) manage.py db_worker

## make chromium: Debian's Chromium for the end-to-end tests, where it is missing.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Chromium from Debian for the end-to-end tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

## make test: everything, unit to end-to-end, on DATABASE_URL (SQLite by default).
test: $(VENV)/.installed-test chromium
	$(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) $(PYTEST_ARGS)

## make screenshots: re-take the user guide's pictures while the end-to-end tests run.
screenshots: $(VENV)/.installed-test chromium
	FFW_SCREENSHOTS=1 $(PY) -m pytest -p no:cacheprovider tests/e2e -q

test-fast: $(VENV)/.installed-test
	$(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy fitforwork config
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make bench: benchmarks at national scale on PostgreSQL (BENCH_DATABASE_URL).
bench: $(VENV)/.installed-test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
