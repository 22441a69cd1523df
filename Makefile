# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
export FLASK_APP := portal

.PHONY: run test install install-test lint serve migrate seed clean fonts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

static/vendor/htmx.min.js: scripts/fetch_vendor.py | $(BIN)/python
	$(BIN)/python scripts/fetch_vendor.py

install: $(VENV)/.installed static/vendor/htmx.min.js fonts

install-test: $(VENV)/.installed-test static/vendor/htmx.min.js fonts

# Certificate fonts (Noto for every participant script); installs them when root and missing.
fonts:
	@scripts/install_fonts.sh

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed

run: seed
	@echo "Serving the VCA Portal on http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) 'portal:create_app()'

lint: install-test
	$(BIN)/ruff check .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the suite again on $$TEST_DATABASE_URL"; \
		PORTAL_TEST_DB="$$TEST_DATABASE_URL" $(BIN)/python -m pytest -p no:cacheprovider; \
	fi

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
