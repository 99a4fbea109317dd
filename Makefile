# cargoscreen — the two set-up commands of the README are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test install install-dev lint typecheck imports unit bench docs clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

## Install and run the whole demo on the embedded default (SQLite + a local folder).
demo: install
	$(BIN)/cargoscreen demo

## Debian's Chromium for the browser tests (never a browser a tool downloads).
browser:
	@test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium)

## Install everything and run every check: ruff, mypy (strict), import-linter, pytest.
test: install-dev browser
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 -m "not slow" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check src tests bench && $(BIN)/ruff format --check src tests bench

## Run every benchmark; results go to bench/results/ and are quoted in docs/benchmarks.md.
bench: install-dev
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/targeting.py
	$(BIN)/python bench/targeting_speed.py
	$(BIN)/python bench/replay.py
	$(BIN)/python bench/xray_speed.py
	$(BIN)/python bench/imaging.py
	$(BIN)/python bench/sensors.py
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/custody.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) cargoscreen-data .mypy_cache .ruff_cache .pytest_cache
