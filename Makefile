# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Rate limits are counted in Redis when REDIS_URL is set; without it each worker counts
# in its own memory, so development runs one worker and the limits hold as configured.
WORKERS ?= $(if $(REDIS_URL),2,1)
export FLASK_APP := portal
# The app builds the links in mails from these unless BASE_URL is set.
export HOST PORT

.PHONY: run test test-fast install install-test lint serve migrate seed clean lock bench fonts \
	cluster cluster-down load translations compile-translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock files (the exact versions tested); pyproject.toml keeps the
# ranges. `make lock` resolves the ranges afresh and rewrites both lock files.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet .
	.lock-venv/bin/pip freeze --exclude-editable | grep -iv '^vca-portal' > requirements.lock
	.lock-venv/bin/pip install --quiet '.[test]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -iv '^vca-portal' > requirements-test.lock
	rm -rf .lock-venv

static/vendor/htmx.min.js: scripts/fetch_vendor.py | $(BIN)/python
	$(BIN)/python scripts/fetch_vendor.py

install: $(VENV)/.installed static/vendor/htmx.min.js fonts compile-translations

install-test: $(VENV)/.installed-test static/vendor/htmx.min.js fonts compile-translations

# Certificate fonts (Noto for every participant script); installs them when root and missing.
fonts:
	@scripts/install_fonts.sh

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed

run: seed
	@echo "Serving the VCA Portal on http://$(HOST):$(PORT)/"
	@echo "Mail is delivered every 5 seconds (development: .eml files in instance/mail/)"
	@echo "Progress summaries made stale by new events are recomputed every 5 seconds"
	$(BIN)/flask mail deliver --loop --every 5 & worker=$$!; \
	$(BIN)/flask progress refresh --loop --every 5 & refresher=$$!; \
	trap 'kill $$worker $$refresher 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) 'portal:create_app()'

lint: install-test
	$(BIN)/ruff check .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the suite again on $$TEST_DATABASE_URL"; \
		PORTAL_TEST_DB="$$TEST_DATABASE_URL" $(BIN)/python -m pytest -p no:cacheprovider; \
	fi

# The quick loop while developing: no browser, no stress tests, stop at the first failure.
test-fast: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -p no:cacheprovider -q -x -m "not slow and not browser"

# Benchmarks (not part of make test): installs Debian's wrk and chromium (page weight) when
# missing and this is root.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "install Debian's wrk to run the benchmarks"; exit 1; }
	@[ -x /usr/bin/chromium ] || [ "$${BENCH_WEIGHT:-1}" = 0 ] || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		{ echo "install Debian's chromium for the page weight (or BENCH_WEIGHT=0)"; exit 1; }
	$(BIN)/python bench/run.py

# Two instances behind nginx on PostgreSQL and Redis, two outbox workers, then the
# cross-instance checks (not part of make test). Installs Debian's nginx when missing and root.
# It keeps running: `make cluster-down` stops it. See scripts/cluster.py for the settings.
cluster: install
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } || \
		{ echo "install Debian's nginx to run the cluster"; exit 1; }
	$(BIN)/python scripts/cluster.py up
	$(BIN)/python scripts/cluster.py check

cluster-down:
	$(BIN)/python scripts/cluster.py down

# 200 simulated participants against a fresh single instance on SQLite (LOAD_TARGET=cluster:
# against a running `make cluster`). Bounded in requests and time; loopback only.
load: install-test
	$(BIN)/python bench/load.py $(if $(LOAD_TARGET),--target $(LOAD_TARGET),)

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
