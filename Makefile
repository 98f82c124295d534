# Chorus: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test-only tools from npm (axe-core, the Nu HTML Checker): reinstalled when the lock is newer.
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# make run: a local demo on SQLite, tasks run inline, emails printed to the console.
RUN_ENV := DEBUG=on SECURE_COOKIES=off TASKS_BACKEND=immediate ADMIN_REQUIRE_2FA=off \
	SITE_URL=http://$(HOST):$(PORT)

# make test: PostgreSQL (DATABASE_URL, or the local server), production settings otherwise.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) DEBUG=off SECRET_KEY=test-secret-key-not-for-production \
	SECURE_SSL_REDIRECT=off STATICFILES_MANIFEST=off TASKS_BACKEND=immediate \
	CACHE_URL=locmemcache://tests \
	EMAIL_URL=consolemail:// SITE_URL=http://testserver

.PHONY: install system-packages run demo test bench reliability lint fmt messages clean

# What the suite drives: Debian's chromium (browser tests), wrk and nginx (benchmark smokes),
# npm (axe-core, vnu-jar) and Java (the Nu HTML Checker).
SYSTEM_PACKAGES := chromium wrk nginx nodejs npm default-jre-headless

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,s3]"
	touch $(STAMP)

$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

install: $(STAMP)

system-packages:
	@if ! command -v chromium >/dev/null || ! command -v wrk >/dev/null \
		|| ! { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null \
		|| ! command -v npm >/dev/null || ! command -v java >/dev/null; then \
		echo "Installing $(SYSTEM_PACKAGES)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		{ apt-get update -qq && apt-get install -y -qq $(SYSTEM_PACKAGES); } >/dev/null 2>&1 \
		|| { sudo apt-get update -qq && sudo apt-get install -y -qq $(SYSTEM_PACKAGES); } >/dev/null; \
	fi

run: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(STAMP) system-packages $(NODE_STAMP)
	$(BIN)/ruff check .
	mkdir -p var/static
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# make bench: Chorus vs plain Django under gunicorn + PostgreSQL + Redis, load from wrk;
# then two gunicorn instances behind nginx (benchmarks/scale_out.py). Debian's nginx lives in
# /usr/sbin; the benchmark runs its own, unprivileged, on 127.0.0.1 (not the system service).
bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk)
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get install -y -qq nginx >/dev/null 2>&1 || sudo apt-get install -y -qq nginx)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# make reliability: faults injected under load (PostgreSQL restart, Redis stop, gunicorn
# HUP/TERM, mail server down) and the backup drill, on a private PostgreSQL, Redis and SMTP.
# The load comes from Python threads, which check each answer, so wrk is not needed.
reliability: $(STAMP)
	$(BIN)/python -m benchmarks.reliability $(RELIABILITY_ARGS)

messages: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=tests --ignore=node_modules --ignore=var --ignore=benchmarks
	$(RUN_ENV) $(BIN)/python manage.py complete_catalogs
	$(RUN_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var db.sqlite3
