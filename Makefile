# One-stop approval portal: developer entry points.
#
#   make run    create .venv, install, migrate, load the demo data and start web + Celery worker + beat
#   make test   run the whole test suite (extra pytest arguments: make test PYTEST_ARGS="-k clocks -x")
#   make graphs draw the state machines into docs/state-machines/ (needs Graphviz: apt-get install graphviz)
#
# Only Python 3.11+ is needed; everything else is installed into .venv. Settings come from the environment
# (see portal/settings/base.py): without DATABASE_URL / REDIS_URL the portal runs on a SQLite file and
# Celery's filesystem transport under var/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
URL := http://127.0.0.1:$(PORT)/
PYTEST_ARGS ?=
# The demo data loader (idempotent); SEED_CMD=true skips it. It writes every demo account to ACCOUNTS_JSON.
ACCOUNTS_JSON := var/demo-accounts.json
SEED_CMD ?= $(PY) manage.py seed_demo --accounts-json $(ACCOUNTS_JSON)
SEED_ARGS ?=
# Benchmarks: BENCH=<name> runs only bench/<name>_bench.py; BENCH_ARGS are passed to the benchmark(s);
# BENCH_ROWS (data set size, default 100000) and BENCH_SOAK_SECONDS (default 600) are read from the environment.
BENCH ?=
BENCH_ARGS ?=
LANGS := -l zh_Hans -l en
# makemessages/compilemessages must not wander into the virtualenv or generated files.
I18N_IGNORE := --ignore=.venv --ignore='.venv/*' --ignore='var/*' --ignore='media/*' --ignore='staticfiles/*' \
	--ignore='bench/*' --ignore='tests/*'
# Hash of the requirement files that were last installed into the virtualenv.
STAMP := $(VENV)/.requirements.sha256
REQUIREMENTS := requirements.txt requirements-test.txt

# The state machines (app.Model:picture) drawn by django-fsm-2's graph_transitions.
MACHINES := approvals.Application:application approvals.ApplicationStage:applicationstage \
	approvals.ItemReview:itemreview agents.Demand:demand agents.AgencyCase:agencycase

.PHONY: help run test venv migrate seed messages bench graphs

help:
	@echo "make run      install into .venv, migrate, load demo data, start web + worker + beat (PORT=$(PORT))"
	@echo "make test     the whole test suite (PYTEST_ARGS=...)"
	@echo "make graphs   draw the state machines into docs/state-machines/*.svg (needs Graphviz's dot)"
	@echo "make bench    every benchmark, results and SUMMARY.md in bench/results/ (BENCH=<name>, BENCH_ROWS=...)"
	@echo "make venv | migrate | seed | messages"

## venv: create .venv if missing; (re)install requirements-test.txt only when the requirement files changed.
venv:
	@if [ ! -x "$(PY)" ]; then \
		if ! command -v "$(PYTHON)" >/dev/null; then \
			echo "error: $(PYTHON) not found; install Python 3.11+ or pass PYTHON=/path/to/python3.11" >&2; exit 1; \
		fi; \
		if ! "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
			echo "error: Python 3.11+ is needed, $(PYTHON) is $$("$(PYTHON)" -V 2>&1)" >&2; exit 1; \
		fi; \
		echo "Creating $(VENV) with $$("$(PYTHON)" -V 2>&1)"; \
		if ! "$(PYTHON)" -m venv "$(VENV)"; then \
			rm -rf "$(VENV)"; \
			echo "error: '$(PYTHON) -m venv' failed (Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; \
		fi; \
	fi
	@want=$$("$(PY)" -c 'import hashlib, sys; print(hashlib.sha256(b"".join(open(p, "rb").read() for p in sys.argv[1:])).hexdigest())' $(REQUIREMENTS)); \
	if [ "$$(cat "$(STAMP)" 2>/dev/null)" != "$$want" ]; then \
		echo "Installing requirements-test.txt into $(VENV)"; \
		"$(PY)" -m pip install --quiet -r requirements-test.txt; \
		echo "$$want" > "$(STAMP)"; \
	fi

migrate: venv
	"$(PY)" manage.py migrate --noinput

## seed: load the demo data (idempotent); prints every demo account with its TOTP secret.
seed: migrate
	@mkdir -p var
	$(SEED_CMD) $(SEED_ARGS)

# One demo login per role, read from the accounts file seed_demo writes (all of them are in that file).
define BANNER_PY
import json, sys
url, path = sys.argv[1], sys.argv[2]
print()
print("=" * 78)
print(f"  Portal: {url}")
try:
    with open(path, encoding="utf-8") as handle:
        accounts = json.load(handle)
except (OSError, ValueError):
    accounts = []
first = {}
for account in accounts:
    first.setdefault(account["role"], account)
if first:
    print("  Demo logins, one per role (staff roles need the TOTP code as second factor):")
    print(f"    {'role':<12}{'username':<16}{'password':<20}TOTP secret")
    for role, account in first.items():
        print(f"    {role:<12}{account['username']:<16}{account['password']:<20}{account.get('totp_secret') or '-'}")
    print(f"  All {len(accounts)} demo accounts: {path}; authenticator URIs: python manage.py seed_demo")
else:
    print(f"  No demo accounts found in {path}.")
print("  Stop with Ctrl-C.")
print("=" * 78)
print(flush=True)
endef
export BANNER_PY

## run: web (runserver, DEBUG), Celery worker and beat under honcho. Ctrl-C stops all three.
# honcho gets an empty env file on purpose: a .env in the checkout belongs to docker-compose (production
# settings) and must not leak into the development processes. The banner is printed again once the web
# process accepts connections, so the URL is not lost in the start-up output.
run: SEED_ARGS = --quiet
run: seed
	@mkdir -p var/celery
	@"$(PY)" -c "$$BANNER_PY" "$(URL)" "$(ACCOUNTS_JSON)"
	@( for _ in $$(seq 1 120); do \
		if "$(PY)" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' $(PORT) 2>/dev/null; then \
			sleep 3; "$(PY)" -c "$$BANNER_PY" "$(URL)" "$(ACCOUNTS_JSON)"; exit 0; \
		fi; \
		sleep 1; \
	done ) &
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" "$(VENV)/bin/honcho" start --procfile Procfile --env /dev/null --port $(PORT)

## test: the whole suite. pytest's own exit code is kept (5 = no tests collected is a failure too).
test: venv
	"$(PY)" -m pytest $(PYTEST_ARGS)

## messages: extract and compile translations (needs GNU gettext: apt-get install gettext).
messages: venv
	"$(PY)" manage.py makemessages $(LANGS) --no-obsolete $(I18N_IGNORE)
	"$(PY)" manage.py makemessages -d djangojs $(LANGS) --no-obsolete $(I18N_IGNORE)
	"$(PY)" manage.py compilemessages $(LANGS) $(I18N_IGNORE)

## bench: every bench/*_bench.py (or BENCH=<name>) through bench/run.py, then bench/results/SUMMARY.md.
# Each benchmark builds its own database: derived from BENCH_DATABASE_URL or DATABASE_URL when they name
# PostgreSQL (the HTTP and soak data set of BENCH_ROWS applications is generated the first time, then re-used),
# temporary SQLite files otherwise (HTTP and soak skip). Exit status 1 only when a benchmark crashed.
bench: venv
	@mkdir -p bench/results
	"$(PY)" bench/run.py $(if $(BENCH),--only $(BENCH)) -- $(BENCH_ARGS)

## graphs: the pictures of docs/state-machines.md, one SVG per machine, from the models' @transition methods
# (django-fsm-2's graph_transitions), labelled in English like the docs.
define GRAPHS_PY
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
from django.utils import translation
translation.activate("en")
for machine in sys.argv[1:]:
    model, name = machine.split(":")
    target = Path("docs/state-machines") / name
    call_command("graph_transitions", model, outputfile=f"{target}.svg")
    target.unlink(missing_ok=True)  # graphviz leaves the dot source next to the picture
    print(f"{model} -> {target}.svg")
endef
export GRAPHS_PY

graphs: venv
	@command -v dot >/dev/null || { echo "error: Graphviz's dot is needed (Debian/Ubuntu: apt-get install graphviz)" >&2; exit 1; }
	@"$(PY)" -c "$$GRAPHS_PY" $(MACHINES)
