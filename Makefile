# Developer entry points. `make` alone lists them. Every target that needs the virtual
# environment runs scripts/setup.sh first, which is quick when nothing is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Extra arguments for pytest, e.g. make test ARGS='-k deadlines -x'
ARGS ?=
# make lock UPGRADE=1 resolves every package afresh instead of keeping the current pins.
UPGRADE ?=

.DEFAULT_GOAL := help
.PHONY: help setup run test lint format lock messages clean

help: ## Show this list
	@echo "Targets (see README.md):"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  make %-9s %s\n", $$1, $$2}'

setup: ## Install Debian packages, .venv and compiled translations when missing (scripts/setup.sh)
	bash scripts/setup.sh

run: ## Set up, migrate, seed demo data, print the demo login; run web, worker and beat (Ctrl-C stops)
	bash scripts/run-dev.sh

test: setup ## Set up, then run the whole test suite; pytest arguments via ARGS='...'
	$(PY) -m pytest $(ARGS)

lint: setup ## ruff check, ruff format --check, and the layer contracts (lint-imports)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup ## ruff format and ruff check --fix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Installs '.[dev]' into a throwaway venv (with the current pins unless UPGRADE=1) and freezes
# it, so constraints.txt holds exactly what pyproject.toml needs, nothing left over in .venv.
lock: ## Regenerate constraints.txt (UPGRADE=1: newest versions pyproject.toml allows)
	@set -eu; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$$tmp/venv/bin/python" -m pip install --quiet \
		--disable-pip-version-check $(if $(UPGRADE),,-c constraints.txt) '.[dev]'; \
	{ sed -n '/^#/p' constraints.txt; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable \
		| grep -viE '^dsar[-_]tracker([ =@]|$$)'; } > "$$tmp/constraints.txt"; \
	cp "$$tmp/constraints.txt" constraints.txt; \
	echo "constraints.txt: $$(grep -vc '^#' constraints.txt) packages pinned"

messages: setup ## Update locale/*/LC_MESSAGES/django.po (nl, en) from the code, then compile them
	$(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

# var/ holds only local, disposable state: the SQLite database, the filesystem Celery queue,
# e-mail written as files, private uploads and generated letters of the demo data, collected
# static files and the beat schedule. Nothing there is precious: `make run` recreates it.
# Needs PostgreSQL and Redis (setup installs wrk when missing); creates scratch databases named
# after BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/dsar_bench ->
# dsar_bench_100k, dsar_bench_1m, ...).
# Options via BENCH_ARGS, e.g. make bench BENCH_ARGS='--sizes 100000' or '--reseed'.
BENCH_ARGS ?=
.PHONY: bench
bench: ## Benchmarks at 100,000 and 1,000,000 cases next to their floors (docs/benchmarks.md)
	DSAR_BENCH_TOOLS=1 bash scripts/setup.sh
	$(PY) bench/run.py $(BENCH_ARGS)

clean: ## Delete var/ (local DB, mail, queue, uploads) and tool caches, without asking; keeps .venv
	rm -rf var .pytest_cache .ruff_cache .hypothesis build *.egg-info
	find . -path ./.venv -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

# Worker and beat on the embedded defaults in var/soak/ (deleted first), the sweep every 2 s,
# a form POST every 3 s; prints submissions, e-mails expected, delivered, duplicates and
# worker/beat ends. Never part of the test suite. E.g. make soak SOAK_ARGS='--minutes 5'.
SOAK_ARGS ?=
.PHONY: soak
soak: setup ## Long-run check of the embedded defaults, 30 minutes (bench/soak.py)
	$(PY) bench/soak.py $(SOAK_ARGS)

# Needs PostgreSQL (a scratch database, FAULTS_DATABASE_URL, default dsar_faults) and
# redis-server installed (it starts its own on port 6391); runs the Redis-outage, SMTP-outage
# and worker-kill scenarios and prints lost and duplicated e-mails per scenario.
# E.g. make faults FAULTS_ARGS='--redis-outages 3 --smtp-down 20'.
FAULTS_ARGS ?=
.PHONY: faults
faults: setup ## Fault experiments on the real stack: Redis, SMTP and worker outages (bench/faults.py)
	$(PY) bench/faults.py $(FAULTS_ARGS)
