# Filière — the commands people use, the same locally and in CI.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test quality bench serve loadtest worker backup restore clean venv messages screenshots

$(STAMP): requirements.txt
	@PYTHON=$$(scripts/find-python) || exit 1; \
	echo "Python utilisé : $$PYTHON"; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
		rm -rf $(VENV); $$PYTHON -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py demo_data
	@echo ""
	@echo "Filière : http://$(HOST):$(PORT)/   (atelier : http://$(HOST):$(PORT)/admin/)"
	@echo "Comptes de démonstration (mot de passe « demo ») : coordination, technicien,"
	@echo "  prescripteur-raismes, prescripteur-denain, partenaire"
	@echo ""
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Plain French for Django's validation messages: recompile after editing locale/fr/LC_MESSAGES/django.po
# (Debian package gettext); the compiled .mo is committed, so running the site needs no gettext.
messages:
	msgfmt --check -o locale/fr/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.po

# The suite runs in parallel processes, one per core (8 at most), each with its own test database and Redis
# database; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 8 --dist loadfile $(PYTEST_ARGS)

# The README's screenshots (docs/img/), taken by the browser walk of every role on the demo data.
screenshots: $(STAMP)
	FILIERE_SCREENSHOTS=docs/img $(PY) -m pytest -q tests/e2e/test_every_role.py

quality: $(STAMP)
	@if $(MAKE) -n venv 2>&1 | grep "overriding recipe"; then \
		echo "Makefile : une cible est écrite deux fois (la seconde remplace la première)" >&2; exit 1; fi
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=quality-check-$$(date +%s)-not-a-real-secret-key-0123456789abcdef ALLOWED_HOSTS=filiere.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) scripts/audit-dependencies

# wrk (Debian package) measures the pages over HTTP, for the load test and the bench's HTTP cases.
INSTALL_WRK = @command -v wrk >/dev/null || { echo "Installation de wrk (paquet Debian)…"; \
	apt-get update -qq && apt-get install -y -qq wrk; }
# The bench also times PDFs: WeasyPrint without HarfBuzz's subsetting library is about six times slower.
# Not installable (no root, no apt): the bench still runs, its PDF figures then say so by their slowness.
INSTALL_HARFBUZZ = @ldconfig -p | grep -q libharfbuzz-subset || { echo "Installation de libharfbuzz-subset0 (paquet Debian)…"; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends libharfbuzz-subset0 \
	|| echo "libharfbuzz-subset0 non installé : les PDF du banc seront environ six fois plus lents."; }

# Benchmarks on PostgreSQL (DATABASE_URL, default: a dedicated filiere_bench database, dropped and re-created):
# generated volume, every case of docs/guides/performance.md against its floor; table printed, JSON in bench/results/latest.json.
# BENCH_MILLION=0 skips the 1,000,000-item count case (about a minute). Not part of `make test`.
bench: $(STAMP)
	$(INSTALL_WRK)
	$(INSTALL_HARFBUZZ)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/filiere_bench} $(PY) bench/run.py

# Production serving: gunicorn (config/gunicorn.conf.py), WhiteNoise, PostgreSQL, DEBUG off.
serve: $(STAMP)
	scripts/serve

# Task worker for background jobs (big exports, an event's PDFs, CSV imports): run beside `make serve`. Started
# again whenever it dies (scripts/worker); Ctrl+C once lets the running job finish, twice stops at once.
worker: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-$$(cat .secret-key-local 2>/dev/null)} \
		DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/filiere} PYTHON=$(PY) scripts/worker

# Load test on the loopback (wrk, bounded in time): household list page vs a bare view, same gunicorn set-up.
loadtest: $(STAMP)
	$(INSTALL_WRK)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/filiere_bench} $(PY) bench/loadtest.py

backup:
	scripts/backup $(FILE)

restore:
	@test -n "$(FILE)" || { echo "Usage : make restore FILE=backups/xxx.dump [RESTORE_URL=postgres://…]"; exit 2; }
	scripts/restore $(FILE)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
