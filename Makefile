# Naskah Sandi: `make run` serves the app, `make test` runs the whole suite (browser tests included).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip
HOST   ?= 0.0.0.0
PORT   ?= 5000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := app
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-pg test-slow lint pgtools imapserver bench bytecode venv browser clean

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.testdeps: requirements-test.txt $(VENV)/.runtime
	$(PIP) install -q --disable-pip-version-check -r requirements-test.txt
	touch $@

venv: $(VENV)/.runtime

## run: set up the venv, database, instance secrets and first admin; serve with waitress
run: $(VENV)/.runtime bytecode
	$(BIN)/flask init
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m naskah.operations.serve

## browser: Debian's chromium (browser tests) and poppler-utils (PDF checks), installed when missing
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
	  echo "Memasang chromium dan poppler-utils dengan apt-get ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi

## imapserver: Debian's dovecot-imapd (the e-mail intake tests start their own throwaway server), installed when missing
imapserver:
	@if [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/lib/dovecot/imap ]; then \
	  echo "Memasang dovecot-imapd dengan apt-get ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq dovecot-imapd >/dev/null; \
	fi

## pgtools: pg_dump/pg_restore (backups of a PostgreSQL instance), installed when missing
pgtools:
	@if ! command -v pg_dump >/dev/null 2>&1; then \
	  echo "Memasang postgresql-client dengan apt-get ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql-client >/dev/null; \
	fi

## lint: ruff (ruff.toml), import-linter (.importlinter: the areas' dependency rules) and bandit
## (bandit.yaml); every accepted finding is explained in the code
lint: $(VENV)/.testdeps
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit -q -c bandit.yaml -r naskah app.py

## test: static checks, then the whole suite on SQLite, browser tests and the slow suite included
test: lint $(VENV)/.testdeps browser pgtools imapserver
	NASKAH_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

## test-slow: the slow suite at full size (1,000 documents through 20 clients; SQLite, one server
## process). Against PostgreSQL (three server processes behind one database), on an EMPTY database:
##   make test-slow NASKAH_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test
test-slow: $(VENV)/.testdeps
	NASKAH_CONCURRENCY_DOCS=1000 NASKAH_TEST_DATABASE_URL=$(NASKAH_TEST_DATABASE_URL) $(BIN)/python -m pytest -m slow -s

## test-pg: the suite against PostgreSQL (browser tests ran in `make test`)
test-pg: $(VENV)/.testdeps pgtools imapserver
	NASKAH_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -m "not e2e"

## bench: seed a throw-away instance, serve it with waitress, measure over HTTP (docs/benchmarks.md)
bench: $(VENV)/.runtime bytecode
	$(BIN)/python bench/run_bench.py

## bytecode: compile the app's modules once (about 0.2 s of every start where Python may not
##   write its own cache, e.g. PYTHONDONTWRITEBYTECODE=1); only changed files are compiled again
bytecode: $(VENV)/.runtime
	@$(BIN)/python -m compileall -q naskah migrations >/dev/null

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
