# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
export FLASK_APP := portal

.PHONY: run test install install-test lint serve migrate seed clean translations compile-translations

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

install: $(VENV)/.installed static/vendor/htmx.min.js compile-translations

install-test: $(VENV)/.installed-test static/vendor/htmx.min.js compile-translations

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

# Languages of the interface (see README, "Languages"). The .po files are our text and live
# in git; the binary .mo files are built here, at install time.
LOCALES := id th ur

compile-translations: | $(BIN)/python
	$(BIN)/pybabel compile -d translations

# After changing strings: extract, merge into every catalogue (new ones start empty), compile.
translations: | $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--project "VCA Portal" -o translations/messages.pot .
	@for lang in $(LOCALES); do \
		if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i translations/messages.pot -d translations -l $$lang \
				--no-fuzzy-matching --ignore-obsolete; \
		else \
			$(BIN)/pybabel init -i translations/messages.pot -d translations -l $$lang; \
		fi; \
	done
	$(BIN)/pybabel compile -d translations
	@$(BIN)/python scripts/catalogue_status.py
