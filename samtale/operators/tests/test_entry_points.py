"""Every entry point runs its work in a second tenant as fully as in the home one, and reads
that tenant's settings and rows, never the home tenant's: a request, a task taken by the
worker, a command, a thread handed work, and the scheduler's tick (tenancy)."""

from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task
from django.test import Client
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from samtale import tenancy
from samtale.notifications.models import OutboundEmail
from samtale.notifications.tasks import email_send
from samtale.operators import services
from samtale.operators.tests.conftest import HOST, SENDER
from samtale.org.models import Person
from samtale.privacy.models import RetentionRun
from samtale.work import schedule
from samtale.work.models import JobRun
from testkit import tenants
from testkit.core import outside_any_tenant, worker_until_idle
from testkit.people import make_people

pytestmark = pytest.mark.django_db(databases=["default", "control"])

NORDVIK_ONLY = "Nordvik-person-4QX"


@pytest.fixture
def theirs(nordvik, in_nordvik):
    """Nordvik's people, one of them named so as no home person is; Nordvik's minimum group
    and retention its own."""
    services.tenant_configure(
        "nordvik", {"SAMTALE_MIN_GROUP": "8", "SAMTALE_RETAIN_NOTES_MONTHS": "7"}
    )
    with in_nordvik():
        people = make_people()
        people.employee.first_name = NORDVIK_ONLY
        people.employee.save()
    yield people
    services.tenant_configure(
        "nordvik", {"SAMTALE_MIN_GROUP": "", "SAMTALE_RETAIN_NOTES_MONTHS": ""}
    )


def test_a_request_runs_in_the_tenant_of_its_host_name(theirs, nordvik, hosts, settings):
    settings.DEFAULT_FROM_EMAIL = "Fjordvik kommune <samtale@fjordvik.example>"
    client = Client(HTTP_HOST=HOST)
    # Its settings: the accessibility statement is its own: its name, its address, its
    # contact for barriers and its published statement where it has them, its own check's
    # day. None given, no address is shown (never the one Samtale sends from).
    statement = client.get("/tilgjengelighet/").text
    assert "samtale@nordvik.example" not in statement and "fjordvik.example" not in statement
    assert "Nordvik kommune har ikke oppgitt en adresse" in statement
    assert "Nordvik kommune har ikke kontrollert" in statement
    assert "Tilgjengelighetserklæring for Samtale – Nordvik kommune" in statement
    assert f"Nordvik kommune bruker Samtale på http://{HOST}" in statement
    assert "uustatus.no/nb/erklaringer" not in statement
    # Its sender's address is refused: no person reads it.
    with pytest.raises(services.TenantError, match="DEFAULT_FROM_EMAIL's address"):
        services.tenant_configure(
            "nordvik", {"SAMTALE_ACCESSIBILITY_CONTACT": "samtale@nordvik.example"}
        )
    services.tenant_configure(
        "nordvik",
        {
            "SAMTALE_ACCESSIBILITY_CONTACT": "uu@nordvik.example",
            "SAMTALE_ACCESSIBILITY_STATEMENT_URL": "https://uustatus.no/nb/erklaringer/publisert/1",
            "SAMTALE_ACCESSIBILITY_CHECKED": "2026-10-05",
        },
    )
    tenancy.forget()
    statement = client.get("/tilgjengelighet/").text
    assert "mailto:uu@nordvik.example" in statement
    assert 'href="https://uustatus.no/nb/erklaringer/publisert/1"' in statement
    assert "Nordvik kommune kontrollerte selv tilgjengeligheten i Samtale sist 05.10.2026" in (
        statement
    )
    services.tenant_configure(
        "nordvik",
        {
            "SAMTALE_ACCESSIBILITY_CONTACT": "",
            "SAMTALE_ACCESSIBILITY_STATEMENT_URL": "",
            "SAMTALE_ACCESSIBILITY_CHECKED": "",
        },
    )
    tenancy.forget()
    # Its rows: its person signs in (a session in its database) and sees her own name.
    with tenancy.activated(nordvik):
        client.force_login(theirs.employee)
    home = client.get("/")
    assert home.status_code == 200 and NORDVIK_ONLY in home.text
    assert "Nordvik" not in Client().get("/tilgjengelighet/").text


def test_a_task_runs_in_the_tenant_whose_queue_the_worker_took_it_from(theirs, nordvik):
    """The worker, started outside any tenant as `manage.py worker` is, takes the e-mail task
    from Nordvik's queue and runs it in Nordvik: its sender, its address, its person."""
    with tenancy.activated(nordvik):
        message = OutboundEmail.objects.create(
            kind="password_reset",
            to=theirs.employee,
            to_email=theirs.employee.email,
            message_id="<entry@nordvik.example>",
            next_attempt_at=timezone.now(),
        )
        DatabaseBackend("default", {}).enqueue(email_send, (message.pk,), {})
    worker_until_idle()  # outside any tenant, as the worker's process is
    [sent] = mail.outbox
    assert sent.from_email == SENDER and sent.to == [theirs.employee.email]
    assert "http://nordvik.testserver/" in sent.body
    with tenancy.activated(nordvik):
        assert OutboundEmail.objects.get(pk=message.pk).status == "sent"


def test_a_command_named_for_a_tenant_acts_in_it(theirs, nordvik):
    out = StringIO()
    call_command("retention", "--tenant", "nordvik", "--dry-run", stdout=out)
    assert "preparation notes 7 months after signing" in out.getvalue()
    with tenancy.activated(nordvik):
        assert RetentionRun.objects.get().notes_months == 7
    assert not RetentionRun.objects.exists()  # nothing in the home tenant's database


def test_the_records_rules_run_in_a_tenant_with_its_own_period(theirs, nordvik):
    """The retention job's records (privacy.records) in Nordvik: its own
    SAMTALE_RETAIN_RECORDS_DAYS, its own e-mail records; the home tenant's stay."""
    from datetime import timedelta

    import time_machine

    services.tenant_configure("nordvik", {"SAMTALE_RETAIN_RECORDS_DAYS": "10"})
    try:
        with tenancy.activated(nordvik):
            theirs_sent = OutboundEmail.objects.create(
                kind="password_reset", to=theirs.employee, to_email="x@nordvik.example",
                status=OutboundEmail.Status.SENT,
            )  # fmt: skip
        ours = make_people()
        ours_sent = OutboundEmail.objects.create(
            kind="password_reset", to=ours.employee, to_email="x@fjordvik.example",
            status=OutboundEmail.Status.SENT,
        )  # fmt: skip
        with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
            call_command("retention", "--tenant", "nordvik", stdout=StringIO())
        with tenancy.activated(nordvik):
            assert not OutboundEmail.objects.filter(pk=theirs_sent.pk).exists()
            assert RetentionRun.objects.get().counts["emails"] == 1
        assert OutboundEmail.objects.filter(pk=ours_sent.pk).exists()
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_RETAIN_RECORDS_DAYS": ""})


def test_a_thread_handed_work_in_a_tenant_reads_that_tenants_settings_and_rows(theirs, nordvik):
    def work():
        return (
            tenancy.current().slug,
            tenancy.tenant_settings.SAMTALE_MIN_GROUP,
            Person.objects.filter(first_name=NORDVIK_ONLY).count(),
        )

    with tenancy.activated(services.tenant_get("nordvik")), ThreadPoolExecutor(2) as pool:
        assert pool.submit(tenancy.carried(work)).result() == ("nordvik", 8, 1)
        # Handed no tenant, the thread is in none: an error, never the home tenant.
        with pytest.raises(tenancy.NoTenant):
            pool.submit(work).result()


SEEN: list = []


@task
def probe() -> None:
    """A periodic job of the test's: where it ran, and what it read there."""
    SEEN.append(
        (
            tenancy.current().slug,
            tenancy.tenant_settings.SAMTALE_MIN_GROUP,
            Person.objects.filter(first_name=NORDVIK_ONLY).count(),
        )
    )


def test_the_scheduler_ticks_once_in_every_tenant(theirs, nordvik, monkeypatch, settings):
    settings.SAMTALE_MIN_GROUP = 5
    job = schedule.Periodic(name="entry.probe", task=probe, every=schedule.HEALTH_EVERY)
    monkeypatch.setattr(schedule, "JOBS", {job.name: job})
    SEEN.clear()
    with outside_any_tenant():  # as cron starts it
        call_command("scheduler", "--once", stdout=StringIO())
    assert sorted(seen for seen in SEEN if seen[0] not in tenants.session_slugs()) == [
        ("main", 5, 0),
        ("nordvik", 8, 1),
    ]
    assert sorted(slug for slug, *_ in SEEN) == sorted(t.slug for t in tenancy.every_tenant())
    with tenancy.activated(nordvik):
        assert JobRun.objects.filter(name="entry.probe").exists()
    assert JobRun.objects.filter(name="entry.probe").exists()
