"""Where the compose stack keeps data, and what it leaves to the operator
(docs/procurement/datalokasjon.md, docs/procurement/ros.md).

Read from compose.yaml, the router and the production settings: only the two PostgreSQL
servers, Caddy and the published static files have volumes, every other mount is read-only;
the register of tenants is the control database's, every other model is in the tenant's own
database and keeps no file beside it; the stack has no mail server, takes no backup itself
and archives no write-ahead log; and production turns on no identity provider and no
Microsoft Graph of its own."""

import json
import re
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.db import models

from samtale.core.tests.test_settings import PRODUCTION, _run
from samtale.tenancy.router import CONTROL, TenantRouter
from samtale.work.schedule import JOBS

ROOT = Path(__file__).resolve().parent.parent
STACK = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = STACK["services"]
# "source:target" or "source:target:mode"; a source may be "${NAME:-default}".
MOUNT = re.compile(r"(\$\{[^}]*\}|[^:]+):([^:]+)(?::(ro|rw))?")


def _mounts(service: dict) -> list[tuple[str, str, str]]:
    found = []
    for entry in service.get("volumes", []):
        match = MOUNT.fullmatch(entry)
        assert match, entry
        found.append((match[1], match[2], match[3] or "rw"))
    return found


def test_only_the_databases_caddy_and_the_published_static_files_have_volumes():
    named = set(STACK["volumes"])
    assert named == {"pgdata", "pgdata2", "static", "caddy-data"}
    kept = {}
    for name, service in SERVICES.items():
        for source, target, mode in _mounts(service):
            if source in named:
                kept.setdefault(name, set()).add((source, target, mode))
            else:  # a certificate or a configuration file, read-only
                assert mode == "ro", (name, source)
    assert kept == {
        "db": {("pgdata", "/var/lib/postgresql/data", "rw")},
        "db2": {("pgdata2", "/var/lib/postgresql/data", "rw")},
        # The static files the image was built with (collectstatic into STATIC_ROOT),
        # copied there by the web process (containers/entrypoint.sh) for Caddy to serve.
        "web": {("static", "/app/var/public-static", "rw")},
        # Caddy keeps its certificates and keys in /data.
        "caddy": {("static", "/srv/static", "ro"), ("caddy-data", "/data", "rw")},
    }
    assert SERVICES["web"]["environment"]["SAMTALE_STATIC_PUBLISH"] == "/app/var/public-static"
    entrypoint = (ROOT / "containers" / "entrypoint.sh").read_text(encoding="utf-8")
    assert 'cp -R /app/var/static/. "$SAMTALE_STATIC_PUBLISH"/' in entrypoint
    assert settings.STATIC_ROOT == settings.BASE_DIR / "var" / "static"
    assert "manage.py collectstatic" in (ROOT / "Containerfile").read_text(encoding="utf-8")
    # The certificates and keys the stack uses inside: the host's SAMTALE_TLS_DIR, read-only.
    for name in set(SERVICES) - {"caddy"}:
        tls = [(s, m) for s, t, m in _mounts(SERVICES[name]) if t == "/tls"]
        assert len(tls) == 1 and tls[0][0].startswith("${SAMTALE_TLS_DIR"), name
        assert tls[0][1] == "ro", name
    # RabbitMQ, PgBouncer, the workers and the scheduler: nothing lasting.
    assert not {"rabbitmq", "pgbouncer", "pgbouncer2", "worker", "scheduler"} & set(kept)


def test_the_stack_has_no_mail_server_and_mails_the_host_named_smtp():
    assert "smtp" not in SERVICES
    for service in SERVICES.values():
        assert "smtp" not in service.get("image", "")
    assert SERVICES["web"]["environment"]["EMAIL_HOST"] == "${EMAIL_HOST:-smtp}"


def test_the_stack_takes_no_backup_and_archives_no_write_ahead_log():
    """Backups are the operator's (docs/running/backup.md): no service runs `backup` or
    `tenants export`, no periodic job of the scheduler takes one, no volume holds
    var/backups/, and PostgreSQL runs with its default archive_mode (off), no configuration
    file of its own but pg_hba.conf."""
    for name, service in SERVICES.items():
        words = service.get("command", [])
        assert "backup" not in words and not {"tenants", "export"} <= set(words), name
        assert not [t for _, t, _ in _mounts(service) if "backups" in t], name
    assert "samtale.privacy.jobs.retention_daily" in JOBS  # the jobs are all registered
    assert not [name for name in JOBS if "backup" in name or "export" in name]
    for name in ("db", "db2"):
        command = " ".join(SERVICES[name]["command"])
        assert "archive" not in command and "wal" not in command
        files = [t for s, t, _ in _mounts(SERVICES[name]) if s.startswith("./")]
        assert files == ["/etc/samtale/pg_hba.conf"]


def test_the_register_is_the_control_databases_and_everything_else_the_tenants():
    """The control database holds the tenants, their host names and settings, the operators'
    accounts and sign-in attempts, the processes' heartbeats and each tenant's health; every
    other model is in the tenant's own database, and none keeps a file outside it."""
    router = TenantRouter()
    control = {
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("samtale.") and router.db_for_write(m) == CONTROL
    }
    assert control == {
        "tenancy.Registration",
        "tenancy.Host",
        "tenancy.Operator",
        "tenants.OperatorFailure",
        "tenants.SignInAttempts",
        "core.ProcessBeat",
        "core.TenantHealth",
    }
    assert router.db_for_write(apps.get_model("org", "Person")) is None  # the tenant's
    files = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.FileField)
    ]
    assert files == []
    pdf = apps.get_model("archive", "SignedForm")._meta.get_field("pdf")
    assert isinstance(pdf, models.BinaryField)  # the signed form's PDF, in the database


def test_the_control_database_is_beside_the_home_tenants_on_its_server():
    """With compose.yaml's DATABASE_URL (db, through its PgBouncer), the control database is
    `samtale_control` on the same server as the home tenant's `samtale`."""
    url = "postgres://samtale:pw@pgbouncer:6432/samtale?sslmode=verify-full"
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({a: [settings.DATABASES[a][k] for k in ('HOST', 'PORT', 'NAME')] "
        "for a in ('default', 'control')}))"
    )
    result = _run(code, **PRODUCTION, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": ["pgbouncer", 6432, "samtale"],
        "control": ["pgbouncer", 6432, "samtale_control"],
    }


def test_production_turns_on_no_identity_provider_and_no_microsoft_graph():
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.SAMTALE_SSO_PROVIDERS, settings.SAMTALE_GRAPH_TENANT_ID, "
        "settings.SAMTALE_GRAPH_CLIENT_ID, settings.SAMTALE_GRAPH_CLIENT_SECRET]))"
    )
    result = _run(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[], "", "", ""]
