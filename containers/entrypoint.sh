#!/bin/sh
# Samtale's container entry point: one image, one sub-command per process.
#
#   web        gunicorn on 0.0.0.0:$PORT (8000), $WEB_CONCURRENCY processes (gunicorn's own)
#   worker     the background tasks (e-mail, archive deliveries, …), polling every tenant's
#              table (SAMTALE_WORK_ENGINE=database)
#   engine-worker --kinds mail,calendars …
#              a worker of the Celery engine (SAMTALE_WORK_ENGINE=celery) for some kinds
#   scheduler  the periodic jobs (one per installation)
#   migrate    apply the database migrations (before starting a new version): the control
#              database's (made where it is not) and every tenant's
#   manage …   any manage.py command, e.g. `manage createsuperuser`, `manage check --deploy`
#   health     the HEALTHCHECK: the web process answers /health/live; a worker or scheduler
#              has beaten (touched its heartbeat file) within SAMTALE_HEARTBEAT_LIMIT_SECONDS
#
# Anything else is run as given (`sh`, `python …`).
set -eu
ROLE_FILE=/tmp/samtale-process

case "${1:-web}" in
web)
    shift 2>/dev/null || true
    echo web > "$ROLE_FILE"
    # The static files for a proxy that serves them from a shared volume (compose.yaml):
    # added to what is there, so a page an earlier version served still finds its files.
    if [ -n "${SAMTALE_STATIC_PUBLISH:-}" ]; then
        cp -R /app/var/static/. "$SAMTALE_STATIC_PUBLISH"/
    fi
    # The metrics of every gunicorn process, summed at each scrape (core.metrics).
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/prometheus}"
    rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec gunicorn config.wsgi \
        --bind "0.0.0.0:${PORT:-8000}" \
        --worker-tmp-dir /dev/shm --no-control-socket \
        "$@"
    ;;
worker | scheduler)
    process="$1"; shift
    echo "$process" > "$ROLE_FILE"
    export SAMTALE_HEARTBEAT_FILE="${SAMTALE_HEARTBEAT_FILE:-/tmp/samtale-heartbeat}"
    exec python manage.py "$process" "$@"
    ;;
engine-worker)
    shift
    echo worker > "$ROLE_FILE"
    export SAMTALE_HEARTBEAT_FILE="${SAMTALE_HEARTBEAT_FILE:-/tmp/samtale-heartbeat}"
    exec python manage.py engine_worker "$@"
    ;;
migrate)
    shift
    exec python manage.py tenants migrate "$@"
    ;;
manage)
    shift
    exec python manage.py "$@"
    ;;
health)
    process="$(cat "$ROLE_FILE" 2>/dev/null || echo web)"
    exec python - "$process" <<'PY'
import os, sys, time, urllib.request
process = sys.argv[1]
if process == "web":
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health/live"
    with urllib.request.urlopen(url, timeout=5) as answer:
        sys.exit(0 if answer.status == 200 else 1)
limit = int(os.environ.get("SAMTALE_HEARTBEAT_LIMIT_SECONDS", "40"))
path = os.environ.get("SAMTALE_HEARTBEAT_FILE", "/tmp/samtale-heartbeat")
try:
    age = time.time() - os.stat(path).st_mtime
except FileNotFoundError:
    sys.exit(f"{process}: no heartbeat yet")
sys.exit(0 if age <= limit else f"{process}: last heartbeat {age:.0f} s ago")
PY
    ;;
*)
    exec "$@"
    ;;
esac
