# Tracktwo: every target works from a fresh clone with only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
export TRACKTWO_DATABASE_URL ?= sqlite:///$(CURDIR)/var/tracktwo.db
PYTEST_ARGS ?=
PORT ?= 8000
RUN_BASE_URL := $(or $(TRACKTWO_PUBLIC_BASE_URL),http://127.0.0.1:$(PORT))
# One pytest worker per core (pytest-xdist; a file's tests stay on one worker). On PostgreSQL
# each worker uses its own database, <database>_gw<N> (tests/conftest.py). 0 runs serially.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile
BENCH_ARGS ?= --quick
# Folders that ruff checks (only those present: bench/ may be absent in a checkout).
LINT_PATHS := $(wildcard app tests migrations bench scripts)

.PHONY: lock room run test test-pg mutants lint audit fmt migration migrate demo i18n bench clean help

help:
	@echo "make run        serve the demo at http://127.0.0.1:8000 (PORT=8001 for another port)"
	@echo "make test       lint, then the whole test suite on SQLite"
	@echo "make test-pg    the suite on PostgreSQL (TRACKTWO_TEST_DATABASE_URL)"
	@echo "make room       serve one venue from this laptop (ROOM_ARGS=\"--host IP --plain-http\")"
	@echo "make lock       update requirements/*.txt after a change to pyproject.toml (upgrade=1: all)"
	@echo "make mutants    the mutation gate: every safety mutant in tests/mutants must be killed"
	@echo "make lint | fmt | migration m=\"...\" | i18n | bench (BENCH_ARGS= for the full run)"

# Installs come from the lock files in requirements/ (every package pinned with its hashes,
# compiled by `make lock`): uv, itself installed by pip from requirements/uv.txt (hashed), then
# installs the rest. Two levels: `run` needs the app (with PDF/DOCX export), tests and lint add
# the dev tools (pytest, ruff, mypy, Playwright). The dev environment is synced exactly to
# requirements/dev.txt (a superset of run.txt at the same versions), so it satisfies both.
UV := $(BIN)/uv
UV_ENV := UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
UV_PIP := $(UV_ENV) $(UV) pip
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --no-header --quiet
UV_STAMP := $(VENV)/.installed-uv

$(UV_STAMP): requirements/uv.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r requirements/uv.txt
	@touch $(UV_STAMP)

$(STAMP): requirements/dev.txt requirements/uv.txt pyproject.toml $(UV_STAMP)
	$(UV_PIP) sync --quiet --python $(BIN)/python --require-hashes \
		requirements/uv.txt requirements/dev.txt
	$(UV_PIP) install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP) $(RUN_STAMP)

$(RUN_STAMP): requirements/run.txt requirements/uv.txt pyproject.toml $(UV_STAMP)
	$(UV_PIP) install --quiet --python $(BIN)/python --require-hashes -r requirements/run.txt
	$(UV_PIP) install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(RUN_STAMP)

# Update the lock files after changing the dependencies in pyproject.toml: the versions already
# locked are kept where they still fit; `make lock upgrade=1` moves everything to the newest.
# run.txt is constrained by dev.txt, so the two agree on every version they share.
lock: $(UV_STAMP)
	$(UV_PIP) compile requirements/uv.in $(LOCK_FLAGS) $(if $(upgrade),--upgrade) \
		-o requirements/uv.txt
	$(UV_PIP) compile pyproject.toml --extra dev --extra export $(LOCK_FLAGS) \
		$(if $(upgrade),--upgrade) -o requirements/dev.txt
	$(UV_PIP) compile pyproject.toml --extra export $(LOCK_FLAGS) -c requirements/dev.txt \
		-o requirements/run.txt
	@echo "Lock files updated: review \`git diff requirements/\`, then make test."

run: $(RUN_STAMP)
	@mkdir -p var
	$(BIN)/tracktwo migrate
	TRACKTWO_PUBLIC_BASE_URL=$(RUN_BASE_URL) $(BIN)/tracktwo demo --if-empty
	TRACKTWO_PUBLIC_BASE_URL=$(RUN_BASE_URL) $(BIN)/tracktwo serve --host 127.0.0.1 --port $(PORT)

# The room box: this laptop serves one venue on its LAN address over HTTPS (self-signed; the
# fingerprint is printed), htmx from here, nothing outbound. State in var/room/ (see README).
ROOM_ARGS ?=
room: $(RUN_STAMP)
	$(BIN)/tracktwo room $(ROOM_ARGS)

migrate: $(RUN_STAMP)
	$(BIN)/tracktwo migrate

demo: $(RUN_STAMP)
	$(BIN)/tracktwo demo

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/bandit -r app -ll -q
	@if [ -x $(BIN)/hadolint ]; then echo "$(BIN)/hadolint Dockerfile"; $(BIN)/hadolint Dockerfile; \
	else echo "hadolint: no build for this platform (Linux x86-64 only): Dockerfile not linted"; fi
	$(BIN)/python scripts/pip_audit_check.py

# pip-audit needs PyPI's vulnerability data; scripts/pip_audit_check.py says loudly when it could
# not be reached (everything unaudited) instead of passing silently. Strict: fail in that case.
audit: $(STAMP)
	TRACKTWO_AUDIT_STRICT=1 $(BIN)/python scripts/pip_audit_check.py

fmt: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

test: lint
	$(PYTEST) $(PYTEST_ARGS)

test-pg: $(STAMP)
	@test -n "$$TRACKTWO_TEST_DATABASE_URL" || { echo "set TRACKTWO_TEST_DATABASE_URL=postgresql://user@host:5432/db"; exit 2; }
	$(PYTEST) $(PYTEST_ARGS)

# The mutation gate (scripts/mutants.py): each tests/mutants/*.toml is applied in a scratch copy
# and its tests must fail. MUTANTS_ARGS="-j 1", "NAME ...", "-v" or "--which tests/room NAME".
MUTANTS_ARGS ?=
mutants: $(STAMP)
	$(BIN)/python scripts/mutants.py $(MUTANTS_ARGS)

migration: $(STAMP)
	@test -n "$(m)" || { echo 'usage: make migration m="what changed"'; exit 2; }
	$(BIN)/alembic revision --autogenerate -m "$(m)"
	@echo "Review the new file in migrations/versions before committing it."

# Translations: extract every UI string (templates and app, see babel.cfg), merge it into each
# shipped catalog, compile. The compiled .mo files are committed, so a fresh clone runs as is;
# tests/i18n fails when a string lacks a translation or a .mo is older than its .po.
LOCALES := fr ru ar he fa ur
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project=Tracktwo --version=0.1.0 \
		--msgid-bugs-address="" --copyright-holder="Tracktwo" -o app/locales/messages.pot .
	for lang in $(LOCALES); do \
		$(BIN)/pybabel update -i app/locales/messages.pot -d app/locales -l $$lang \
			--init-missing --ignore-obsolete --no-wrap --no-fuzzy-matching || exit 1; \
	done
	$(BIN)/pybabel compile -d app/locales --statistics

# Benchmarks on loopback (bench/run.py): `make bench` is the quick run, BENCH_ARGS= the full.
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
