# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
export FLASK_APP := portal
# The app builds the links in mails from these unless BASE_URL is set.
export HOST PORT

.PHONY: run test install install-test lint serve migrate seed clean

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

install: $(VENV)/.installed static/vendor/htmx.min.js

install-test: $(VENV)/.installed-test static/vendor/htmx.min.js

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed

run: seed
	@echo "Serving the VCA Portal on http://$(HOST):$(PORT)/"
	@echo "Mail is delivered every 5 seconds (development: .eml files in instance/mail/)"
	$(BIN)/flask mail deliver --loop --every 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
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
