# STAIRS: the README's commands. `make run` serves the demo; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# uv itself comes from PyPI into the venv; pyproject.toml's required-version names the same.
UV_VERSION := 0.13.9
PORT ?= 8000
STAMP := $(VENV)/.installed

# The quick start reads the local .env that `make run` writes once (scripts/write-local-env):
# DEBUG off, SQLite, Celery tasks in-process, email on the console, plain http on 127.0.0.1.
# `make dev` is the same with Django's DEBUG on.
DEV_ENV := DEBUG=true
# The suite: real PostgreSQL and Redis (override either in the environment), and no local .env.
export TEST_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/stairs)
export TEST_REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) TESTING=true \
	DEBUG=false SECRET_KEY=test-only-secret-key SECURE_SSL_REDIRECT=false ENV_FILE=

.PHONY: help install run dev serve-prep test test-fast lint format bench clean

help:
	@echo "make run    serve the demo on http://127.0.0.1:$(PORT) as users see it (SQLite, sign-ins printed)"
	@echo "make dev    the same with Django's DEBUG on and auto-reload, for developers"
	@echo "make test   the whole test suite on PostgreSQL and Redis"
	@echo "make lint   lock file check, ruff check and format check"
	@echo "make bench  the benchmarks in bench/, figures written to bench/RESULTS.md"

# Exactly the versions in uv.lock (--frozen: the lock is never re-resolved here).
$(STAMP): pyproject.toml uv.lock
	@test -x $(PY) || { py=$$(scripts/find-python) && "$$py" -m venv $(VENV); }
	@# A venv that uv made itself has no pip: ensurepip brings it back for this one install.
	@test "$$($(UV) --version 2>/dev/null)" = "uv $(UV_VERSION)" \
	  || { $(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --default-pip >/dev/null; \
	       $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; }
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --extra dev --python $(PY) --quiet
	@touch $(STAMP)

install: $(STAMP)

# Written once; an existing .env is never touched (delete it for a new one).
.env: | $(STAMP)
	$(PY) scripts/write-local-env $@

serve-prep: install .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@# The demo accounts share a published password: --force because DEBUG is off here.
	$(PY) manage.py seed_demo --force

# gunicorn, as in production: the product's error pages, and an access log without query strings.
# --preload loads the app once before the workers fork (a quicker start on a small machine); no
# control socket, as gunicorn's default one in ~/.gunicorn would be shared by every checkout.
run: serve-prep
	@echo "STAIRS is at http://127.0.0.1:$(PORT)/ (stop with Ctrl-C)"
	$(VENV)/bin/gunicorn -c stairs_site/gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers 2 \
	  --preload --no-control-socket stairs_site.wsgi:application

dev: install .env
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py seed_demo
	@echo "STAIRS (DEBUG on) is at http://127.0.0.1:$(PORT)/ (stop with Ctrl-C)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	@$(TEST_ENV) $(PY) scripts/check-services
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(UV) lock --check --quiet --python $(PY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@$(TEST_ENV) $(PY) scripts/check-services
	@# Every benchmark runs; the target fails at the end if any missed its target or failed.
	@status=0; for b in bench/bench_*.py; do echo "== $$b"; $(TEST_ENV) $(PY) $$b || status=1; \
	  done; exit $$status

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info
