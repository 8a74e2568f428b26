"""`make run` keeps the terminal readable: the demo logins once, last (run_banner), and one
line per e-mail the worker writes (the task framework's progress lines left out)."""

import logging
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from samtale.core.logfilters import QuietStartLines, QuietTaskProgress
from samtale.core.models import ProcessBeat
from samtale.demo.management.commands import run_banner
from testkit import tenants

PASSWORD = "demo-password-for-tests"
EMAILS = ["kari.nilsen@fjordvik.example", "nils.jensen@fjordvik.example"]


@pytest.fixture
def demo_env(monkeypatch):
    monkeypatch.setenv("SAMTALE_DEMO_PASSWORD", PASSWORD)
    monkeypatch.setattr(run_banner.time, "sleep", lambda seconds: None)


def test_with_no_logins_the_demo_prints_no_logins(db, demo_env, capsys):
    call_command("demo_data", force=True, no_logins=True)
    out = capsys.readouterr().out
    assert not [email for email in EMAILS if email in out] and PASSWORD not in out


def test_the_banner_ends_with_the_address_the_mail_page_and_the_logins(
    db, demo_env, capsys, settings
):
    settings.MAILERS = {"default": {"BACKEND": "samtale.notifications.backends.FileMailBackend"}}
    settings.SAMTALE_ORGANIZATION = "Fjordvik kommune"
    settings.SITE_URL = "http://127.0.0.1:8123"  # make run's: the address it serves
    call_command("demo_data", force=True, no_logins=True)
    capsys.readouterr()
    call_command("run_banner", url="http://127.0.0.1:8123", wait=0)
    lines = capsys.readouterr().out.strip().splitlines()
    # One block per municipality: its address first, then its logins (a tenant the tests'
    # session registers besides, testkit.tenants, has a block of its own, without the demo).
    others = tuple(f"http://{slug}.testserver/" for slug in tenants.session_slugs())
    blocks = "\n".join(lines[1:]).split("\n\n")
    lines = [lines[0], *"\n\n".join(b for b in blocks if not b.endswith(others)).splitlines()]
    assert lines[1].startswith("Fjordvik kommune: http://127.0.0.1:8123/")
    assert [email for email in EMAILS if email in "\n".join(lines)] == EMAILS
    assert ["Passord", PASSWORD] in [line.split() for line in lines]
    assert "/utvikling/epost/" in lines[-2]
    assert lines[0] == lines[-1] == run_banner.RULE


def test_the_banner_knows_when_the_app_answers():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert run_banner.answers(f"http://127.0.0.1:{port}/")
    assert not run_banner.answers(f"http://127.0.0.1:{port}/")


def _record(name: str, level: int) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "Task id=x state=SUCCESSFUL", (), None)


def test_the_task_frameworks_progress_lines_are_left_out_but_failures_show():
    quiet = QuietTaskProgress()
    assert not quiet.filter(_record("django.tasks", logging.INFO))
    assert quiet.filter(_record("django.tasks", logging.ERROR))
    assert quiet.filter(_record("samtale.notifications.backends", logging.INFO))


def test_the_reloaders_and_the_workers_start_lines_are_left_out_but_a_reload_shows():
    quiet = QuietStartLines()

    def record(name: str, level: int, msg: str, *args) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, msg, args, None)

    assert not quiet.filter(
        record("django.utils.autoreload", logging.INFO, "Watching for file changes with %s", "X")
    )
    assert not quiet.filter(
        record("django_tasks_db", logging.INFO, "Starting worker worker_id=%s queues=%s", "a", "b")
    )
    assert quiet.filter(
        record("django.utils.autoreload", logging.INFO, "%s changed, reloading.", "views.py")
    )
    assert quiet.filter(
        record("django_tasks_db", logging.WARNING, "The database is not answering (%s)", "x")
    )


def test_the_banner_waits_for_the_schedulers_first_round(db):
    since = timezone.now() - timedelta(seconds=1)
    assert not run_banner.scheduler_ticked(since=since)
    now = timezone.now()
    ProcessBeat.objects.create(process="scheduler", host="h", pid=1, started_at=now, beat_at=now)
    assert run_banner.scheduler_ticked(since=since)
    assert not run_banner.scheduler_ticked(since=timezone.now() + timedelta(seconds=1))
