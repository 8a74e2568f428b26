# Samtale. The README's two commands: `make run` and `make test`.
SHELL := /bin/sh
PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
SAMTALE_DEMO_PASSWORD ?= samtale-demo-2026
export SAMTALE_DEMO_PASSWORD

.PHONY: image stack stack-test stack-down loadtest-stack run manage test lint docs procurement conformance tenant-settings docs-screenshots bench bench-pages bench-pages-new bench-tenants bench-migrate bench-national lighthouse bench-insight bench-solver bench-publish bench-health bench-readiness bench-import bench-scheduling bench-hostile-mail bench-hostile-calendar bench-fiks loadtest messages check-deploy clean

# Django 6.1 needs Python >= 3.12; scripts/find-python picks one and says so when none is found.
$(VENV)/.python:
	@PYTHON="$${PYTHON:-$$(scripts/find-python)}" || exit 1; \
	echo "Using $$PYTHON ($$($$PYTHON --version))"; \
	$$PYTHON -m venv --without-pip $(VENV) && touch $@

# scripts/install: with uv where it can be had (seconds, not a minute), else pip; quietly.
# The venv starts without pip (ensurepip alone takes seconds): uv adds it.
$(VENV)/.run: $(VENV)/.python pyproject.toml constraints.txt
	@$(PY) scripts/install run
	@touch $@

$(VENV)/.dev: $(VENV)/.run
	@$(PY) scripts/install dev
	@touch $@

## make run: set up, migrate, load the demo organization, start the app, the worker and the scheduler
## (SAMTALE_ARCHIVE_CHANNEL=fiks make run: also KS's Fiks IO, Maskinporten and both
## municipalities' archives, played by fiks_simulator over the RabbitMQ at AMQP_URL).
# E-mail links go to the address served here, port included, unless SITE_URL is set. The
# address and the demo logins are printed last (run_banner), once the start-up lines and
# the first e-mails (one line each, the messages themselves in var/mail/) are out. The
# worker, the scheduler and the banner run at a lower priority (nice): the web server,
# started last, answers first. `make manage` runs a command with the same settings.
run manage: export SITE_URL ?= http://127.0.0.1:$(PORT)
# Two municipalities (tenants, docs/running/tenants.md): Fjordvik in the installation's own
# database, at 127.0.0.1 and fjordvik.localhost; Nordvik in one of its own (var/tenants/),
# at nordvik.localhost.
run manage: export SAMTALE_TENANT ?= fjordvik
run manage: export SAMTALE_ORGANIZATION ?= Fjordvik kommune
run manage: export SAMTALE_HOSTS ?= 127.0.0.1,localhost,fjordvik.localhost
run manage: export SAMTALE_OPERATOR_HOSTS ?= drift.localhost
# Fjordvik's own sender and calendar address, as Nordvik has (demo_tenants): the
# invitations' organizer, where an answer from a mail program goes (never samtale@localhost).
run manage: export DEFAULT_FROM_EMAIL ?= Fjordvik kommune <samtale@fjordvik.example>
run manage: export SAMTALE_CALENDAR_ADDRESS ?= kalender@fjordvik.example
# Where its accessibility statement asks people to report barriers: a team's mailbox.
run manage: export SAMTALE_ACCESSIBILITY_CONTACT ?= uu@fjordvik.example
# SAMTALE_ARCHIVE_CHANNEL=fiks: Fjordvik's archive over Fiks IO, all of it played on this
# machine by fiks_simulator (samtale/demo/fiks.py): its addresses, the CA Samtale trusts for
# them, Fjordvik's integration in Fiks forvaltning, and the installation's Maskinporten
# client (the supplier Fjordvik and Nordvik delegate ks:fiks to). Its accounts and keys are
# the laptop's defaults (var/fiks/, made by `archive_simulator --setup`).
FIKS_PORT ?= 8443
FIKS_AMQPS_PORT ?= 8671
ifeq ($(SAMTALE_ARCHIVE_CHANNEL),fiks)
run manage: export SAMTALE_FIKS_API_URL ?= https://127.0.0.1:$(FIKS_PORT)
run manage: export SAMTALE_FIKS_AMQP_URL ?= amqps://127.0.0.1:$(FIKS_AMQPS_PORT)
run manage: export SAMTALE_FIKS_MASKINPORTEN_URL ?= https://127.0.0.1:$(FIKS_PORT)/maskinporten/
run manage: export SAMTALE_FIKS_CA_BUNDLE ?= $(CURDIR)/var/fiks/ks/ca.crt
run manage: export SAMTALE_FIKS_INTEGRATION_ID ?= 4e9a2c71-3b5d-4f08-a6e1-7c2d9b0f3a05
run manage: export SAMTALE_FIKS_INTEGRATION_PASSWORD ?= fjordvik-demo-integrasjon
run manage: export SAMTALE_MASKINPORTEN_CLIENT_ID ?= samtale-demo-leverandor
run manage: export SAMTALE_MASKINPORTEN_CERTIFICATE ?= $(CURDIR)/var/fiks/leverandor.crt
run manage: export SAMTALE_MASKINPORTEN_PRIVATE_KEY ?= $(CURDIR)/var/fiks/leverandor.key
run manage: export SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER ?= 315987601
endif
run: $(VENV)/.run
	@scripts/system-packages
	@mkdir -p var
	@echo "Preparing the database in var/ …"
	@DEBUG=true $(MANAGE) tenants -v0 migrate
	@DEBUG=true $(MANAGE) demo_data --tenant "$$SAMTALE_TENANT" --no-logins --skip-checks
	@DEBUG=true $(MANAGE) demo_tenants --port $(PORT) --skip-checks
	@if [ "$$SAMTALE_ARCHIVE_CHANNEL" = fiks ]; then DEBUG=true $(MANAGE) archive_simulator --setup; fi
	@echo "Starting the app, the worker and the scheduler …"
	@simulator=; if [ "$$SAMTALE_ARCHIVE_CHANNEL" = fiks ]; then nice $(PY) -m fiks_simulator --folder var/fiks/ks --config var/fiks/simulator.json --https-port $(FIKS_PORT) --amqps-port $(FIKS_AMQPS_PORT) --broker "$${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2F}" & simulator=$$!; fi; \
	DEBUG=true nice $(MANAGE) worker --interval 1 --skip-checks & worker=$$!; \
	DEBUG=true nice $(MANAGE) scheduler -v0 --skip-checks & scheduler=$$!; \
	DEBUG=true nice $(MANAGE) run_banner --skip-checks --url http://127.0.0.1:$(PORT)/ & banner=$$!; \
	trap 'kill $$worker $$scheduler $$banner $$simulator 2>/dev/null; wait $$worker $$scheduler $$banner $$simulator 2>/dev/null' EXIT INT TERM; \
	DEBUG=true DJANGO_RUNSERVER_HIDE_WARNING=true $(MANAGE) runserver --skip-checks 127.0.0.1:$(PORT)

## make manage ARGS="tenants list": any manage.py command on this laptop as `make run` runs
## them: DEBUG on, its databases in var/, its names, host names and port (PORT=8080 make
## manage …). A plain `python manage.py` is production's, and stops without SECRET_KEY.
manage: $(VENV)/.run
	@if [ -z "$(strip $(ARGS))" ]; then echo 'Say which command: make manage ARGS="tenants list"' >&2; exit 2; fi
	@DEBUG=true $(MANAGE) $(ARGS)

## make image: the container image samtale:latest (Containerfile), from wheels built here first
## (scripts/build-wheels), on podman set up by scripts/podman-setup.sh where it is missing.
IMAGE ?= localhost/samtale:latest
image:
	@scripts/podman-setup.sh
	@scripts/build-wheels
	podman build --quiet --pull=never --format docker -t $(IMAGE) . >/dev/null
	@podman image prune -f >/dev/null
	@echo "$(IMAGE): $$(podman image inspect $(IMAGE) --format '{{.Size}}' | awk '{printf "%.0f MB", $$1/1000000}')"

## make stack: the compose stack (compose.yaml) behind Caddy on podman, with its own
## PostgreSQL, worker and scheduler; says where to sign in. make stack-down takes it down.
stack: image $(VENV)/.dev
	@$(PY) scripts/stack.py up

## make stack-test: the stack from scratch, tested through Caddy over HTTPS/2, then taken down.
stack-test: image $(VENV)/.dev
	@$(PY) scripts/stack.py test

stack-down: $(VENV)/.dev
	@$(PY) scripts/stack.py down --all

## make test: set up and run every test. First scripts/system-packages --test installs what the
## tests need beyond Python where it is missing and this user may (Chromium for the browser
## tests, Dovecot, PgBouncer, age); otherwise it says, one line each, what will not work and
## what to run, and the browser and calendar mailbox tests are skipped, saying so.
test: $(VENV)/.dev
	@scripts/system-packages --test
	$(PY) -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

## make lint: ruff, its formatting, the layers (import-linter) and the types (mypy, its
## settings in pyproject.toml; its cache in .mypy_cache/ makes a second run take seconds).
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

## make docs: the documentation site into site/ (MkDocs Material; --strict: a broken link fails).
docs: $(VENV)/.dev
	$(PY) scripts/settings_table.py
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

## make procurement: the generated parts of the buyer's documents (docs/procurement/), from the
## access matrix, the retention settings, compose.yaml and the tests (the script with --check
## only compares; tests/test_procurement_docs.py runs that).
procurement: $(VENV)/.dev
	$(PY) scripts/procurement.py

## make conformance: the conformance report (docs/accessibility/), from the assessment of each
## WCAG criterion in samtale/accessibility/conformance.py (tests/test_conformance_report.py compares).
conformance: $(VENV)/.dev
	$(PY) scripts/conformance.py

## make tenant-settings: samtale/tenancy/typed.py, each setting a tenant configures read by
## its name with its type, from the declarations in config/settings/ (after one is declared,
## changed or removed; samtale/tenancy/tests/test_typed_settings.py compares).
tenant-settings: $(VENV)/.dev
	$(PY) scripts/tenant_settings.py

## make docs-screenshots: the user guide's pictures, taken by the browser tests from the demo.
docs-screenshots: $(VENV)/.dev
	rm -rf test-results/screenshots/docs
	$(PY) -m pytest -p no:randomly tests/browser/test_docs_screenshots.py
	cp test-results/screenshots/docs/*.png docs/images/

## make bench: the leader overview against a bare view, SQLite and PostgreSQL (BENCH_QUICK=1: smaller).
bench: $(VENV)/.dev
	$(PY) bench/overview.py

## make bench-pages: every page for every role at 50,000 people: queries, kB, ms (BENCH_QUICK=1: 2,000).
bench-pages: $(VENV)/.dev
	$(PY) bench/pages.py

## make bench-pages-new: the same before a municipality's first publication and first count
## (nothing published, nothing counted; each page's first visit counted too).
bench-pages-new: $(VENV)/.dev
	BENCH_UNPUBLISHED=1 $(PY) bench/pages.py

## make lighthouse: six pages as users get them (Lighthouse 13, mobile, Slow 4G, median of 3)
## through Caddy to gunicorn on a fresh demo (LIGHTHOUSE_URL=https://…: a running stack).
lighthouse: $(VENV)/.dev
	$(PY) bench/lighthouse.py

## make bench-tenants: 20 municipalities (about 100,000 people) on one PostgreSQL: every page in
## the largest and the smallest, migrating all, creating one, a request with and without tenancy.
bench-tenants: $(VENV)/.dev
	$(PY) bench/tenants.py

## make bench-migrate: `tenants migrate` over 357 empty tenants on one PostgreSQL: nothing to
## apply, then one new column (BENCH_QUICK=1: 20 tenants; the databases are kept).
bench-migrate: $(VENV)/.dev
	$(PY) bench/migrate.py

## make bench-national: 357 tenants sized as Norway's municipalities (people 1:20) on two
## PostgreSQL servers behind PgBouncer: connections at rest and under load, migrate, move,
## export and restore, every page in the largest, smallest and a new one (BENCH_QUICK=1: 30, 1:200).
bench-national: $(VENV)/.dev
	$(PY) bench/national.py

## make bench-insight: the insight pages at 50,000 people: queries, ms (BENCH_QUICK=1: 2,000).
bench-insight: $(VENV)/.dev
	$(PY) bench/insight.py

## make bench-solver: the attack on the figures from answers (insight/tests/test_fetch.py)
## over 60 random organizations, not the test suite's 4; prints what the solver tried.
bench-solver: $(VENV)/.dev
	SAMTALE_SOLVER_EXAMPLES=60 $(PY) -m pytest -p no:randomly -s -q samtale/insight/tests/test_fetch.py

## make bench-publish: every closed period published again with its proof, in the demo and at
## 50,000 people: each period's time and certificate, groups below k before and after.
bench-publish: $(VENV)/.dev
	$(PY) bench/publication.py --demo
	$(PY) bench/publication.py

## make bench-health: /health/live and /health/ready at 50,000 people: ms, queries (BENCH_QUICK=1: 2,000).
bench-health: $(VENV)/.dev
	$(PY) bench/health.py

## make bench-readiness: 20 municipalities, one with its archive stuck: /health/ready at every
## host, each municipality's health as the scheduler records it (PostgreSQL, else SQLite).
bench-readiness: $(VENV)/.dev
	$(PY) bench/readiness.py

## make bench-fiks: a signed form to its journal number over Fiks IO and Maskinporten (played
## by fiks_simulator), with a 401, 503s, a slow answer and a bad certificate: what each took.
bench-fiks: $(VENV)/.dev
	$(PY) bench/fiks_io.py

## make bench-import: time the import of 10,000 people.
bench-import: $(VENV)/.dev
	$(PY) bench/import_people.py

## make bench-scheduling: the assistant plans 200 conversations for 10 leaders with busy
## calendars in Radicale: time, collisions (must be 0), busy-time look-up cold and warm.
bench-scheduling: $(VENV)/.dev
	$(PY) bench/scheduling.py

## make bench-hostile-mail: hostile mail to the calendar address (15 MB of 100,000 VEVENTs, 20,000
## calendar parts) posted to a gunicorn and read from Dovecot: status, ms, queries, other requests' ms.
bench-hostile-mail: $(VENV)/.dev
	$(PY) bench/hostile_mail.py

## make bench-hostile-calendar: a leader's calendar on a hostile server (a 60 MB CalDAV answer, a
## byte every 2 s), its Test pressed in a gunicorn: answer, queries, bytes sent, close, other requests.
bench-hostile-calendar: $(VENV)/.dev
	$(PY) bench/hostile_calendar.py

## make loadtest: 200 users for 60 s under gunicorn, SQLite and PostgreSQL, then faults
## (LOADTEST_QUICK=1: 2,000 people, 30 users, 15 s, as in CI). Last line: load: errors …
loadtest: $(VENV)/.dev
	$(PY) bench/loadtest.py

## make loadtest-stack: the same load on PostgreSQL straight to gunicorn, to the image's gunicorn
## and through Caddy to the image, in one run: the ratios say what the container and proxy cost.
loadtest-stack: image $(VENV)/.dev
	LOADTEST_STACK=1 LOADTEST_DB=postgresql LOADTEST_FAULTS=0 $(PY) bench/loadtest.py

## make messages: extract texts into locale/*/django.po and compile them.
messages: $(VENV)/.dev
	DEBUG=true $(MANAGE) makemessages -l nb -l nn --no-obsolete --add-location file -i ".venv/*" -i "tests/*" -i "bench/*"
	DEBUG=true $(MANAGE) compilemessages -l nb -l nn -i ".venv/*"

check-deploy: $(VENV)/.run
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=samtale.example.no SITE_URL=https://samtale.example.no SAMTALE_ORGANIZATION_NUMBER=315987652 \
	SAMTALE_BACKUP_RECIPIENTS=$$($(PY) -c 'from pyrage import x25519; print(x25519.Identity.generate().to_public())') \
	$(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var test-results
