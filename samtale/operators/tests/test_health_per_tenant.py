"""Readiness is the installation's, health each municipality's: one municipality's stuck
archive shows under its name on the operators' page and in /metrics, and every host's
/health/ready stays 200."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from samtale import tenancy
from samtale.archive.models import Delivery
from samtale.conversations.tests import summary_steps as steps
from samtale.core import health
from samtale.core.tests.test_metrics import TOKEN, scrape, value
from samtale.operators import operators
from samtale.operators.tests.conftest import HOST, planned_conversation
from samtale.work import schedule
from testkit import tenants
from testkit.core import outside_any_tenant
from testkit.people import make_people

pytestmark = pytest.mark.django_db(databases=["default", "control"])

OPS = "drift.testserver"


@pytest.fixture
def stuck(nordvik, in_nordvik, settings):
    """A delivery of Nordvik's to the archive that failed three hours ago (its PDF could not
    be made): past SAMTALE_READY_DELIVERY_MINUTES."""
    settings.SAMTALE_READY_DELIVERY_MINUTES = 120
    with in_nordvik():
        _failed_delivery(make_people())
    return nordvik


def _failed_delivery(people) -> None:
    """A conversation signed by both (its form's delivery made at the signing), whose
    delivery then failed three hours ago."""
    conversation = steps.held(planned_conversation(people, days=1), people)
    conversation = steps.submitted(conversation, people, text="Oppsummert.")
    steps.approve_and_sign(conversation, people)
    Delivery.objects.update(
        status=Delivery.Status.FAILED, created_at=timezone.now() - timedelta(hours=3)
    )
    assert Delivery.objects.count() == 1


def test_one_municipalitys_stuck_archive_takes_no_host_off_the_load_balancer(
    stuck, hosts, settings
):
    settings.SAMTALE_READY_REQUIRES = []
    settings.SAMTALE_OPERATOR_HOSTS = [OPS]
    answers = {
        host: Client(HTTP_HOST=host).get("/health/ready") for host in ("testserver", HOST, OPS)
    }
    assert {host: a.status_code for host, a in answers.items()} == dict.fromkeys(answers, 200)
    for answer in answers.values():
        assert "archive" not in answer.text and "nordvik" not in answer.text
    with tenancy.activated(stuck):
        record = health.tenant_health_record()
    assert (record.tenant, record.ok, record.checks["archive"]) == ("nordvik", False, "stuck")
    assert health.tenant_health_record().ok  # the home tenant's, in this test's tenant


def test_the_scheduler_checks_every_tenants_health_and_the_operators_and_metrics_show_it(
    stuck, hosts, settings, monkeypatch
):
    settings.SAMTALE_OPERATOR_HOSTS = [OPS]
    settings.SAMTALE_METRICS_TOKEN = TOKEN
    monkeypatch.setattr(schedule, "JOBS", {})
    monkeypatch.setattr(schedule, "_health_at", {})
    with outside_any_tenant():
        assert schedule.tick_every_tenant() == []
    checked = health.tenants_health()
    assert set(checked) == {"main", "nordvik", *tenants.session_slugs()}
    assert checked["main"].ok and not checked["nordvik"].ok
    # The operators' page: the failing check under the municipality's name.
    operators.operator_set("kari", "a-long-operator-password")
    ops = Client(HTTP_HOST=OPS)
    ops.post("/logg-inn/", {"username": "kari", "password": "a-long-operator-password"})
    page = ops.get("/").text
    assert "archive: stuck" in page
    assert page.count("archive: stuck") == 1  # Nordvik's alone
    # /metrics: a series per tenant and check.
    samples = scrape(Client(headers={"Authorization": f"Bearer {TOKEN}"}))
    assert value(samples, "samtale_tenant_check_ok", tenant="nordvik", check="archive") == 0
    assert value(samples, "samtale_tenant_check_ok", tenant="main", check="archive") == 1
    assert value(samples, "samtale_collector_up", collector="tenant_health") == 1


def test_a_tenant_whose_database_is_away_is_recorded_so_and_the_others_tick(
    nordvik, settings, monkeypatch
):
    """Nordvik's database file gone from under it: passed over, recorded as unreachable, and
    the home tenant's jobs run."""
    from samtale.operators import databases

    away = _away(databases, nordvik)
    monkeypatch.setattr(tenancy, "every_tenant", lambda **kwargs: [tenancy.by_slug("main"), away])
    monkeypatch.setattr(schedule, "_health_at", {})
    ran = []
    job = schedule.Periodic(name="h.probe", task=_Probe(ran), every=timedelta(minutes=1))
    monkeypatch.setattr(schedule, "JOBS", {job.name: job})
    with outside_any_tenant():
        assert schedule.tick_every_tenant() == ["nordvik"]
    assert ran == ["main"]
    assert health.tenants_health()["nordvik"].checks["database"] == "unreachable"


def test_metrics_leave_out_a_tenant_whose_database_is_away_and_show_the_others(
    nordvik, settings, monkeypatch
):
    """Each collector runs in each tenant: one tenant's database away leaves its series out
    (its health says why), not the home tenant's nor the collector as a whole."""
    from samtale.operators import databases

    settings.SAMTALE_METRICS_TOKEN = TOKEN
    away = _away(databases, nordvik)
    monkeypatch.setattr(tenancy, "every_tenant", lambda **kwargs: [tenancy.by_slug("main"), away])
    samples = scrape(Client(headers={"Authorization": f"Bearer {TOKEN}"}))
    collectors = {labels["collector"]: up for labels, up in samples["samtale_collector_up"]}
    down = sorted(name for name, up in collectors.items() if up != 1)
    assert collectors and down == []
    assert samples["samtale_tasks_waiting"]  # the home tenant's, as always
    tenants = {
        labels.get("tenant")
        for name, series in samples.items()
        if name != "samtale_tenant_check_ok"
        for labels, _ in series
    }
    assert "nordvik" not in tenants


def _away(databases, nordvik) -> tenancy.Tenant:
    return tenancy.Tenant(
        slug="nordvik",
        name=nordvik.name,
        url=nordvik.url,
        hosts=nordvik.hosts,
        database={**nordvik.database, "NAME": _nowhere(databases, nordvik)},
        config=nordvik.config,
    )


class _Probe:
    """A task's face: enqueue() runs it at once, recording the tenant it ran in."""

    def __init__(self, ran):
        self.ran = ran

    def enqueue(self):
        self.ran.append(tenancy.current().slug)


def _nowhere(databases, nordvik) -> str:
    if databases.engine() == "sqlite3":
        return "/nonexistent/folder/nordvik.sqlite3"
    return nordvik.database["NAME"] + "_gone"


def test_the_operators_see_under_each_municipality_how_its_latest_period_was_proved(
    nordvik, in_nordvik, hosts, settings, monkeypatch
):
    """Nordvik publishes last year (in its own database, proved there); the scheduler's
    tick keeps the certificate with Nordvik's health, and the operators read it there."""
    from samtale.insight.publication import publish
    from samtale.insight.tests.test_published_groups import YEAR, answered
    from samtale.org.models import Person, Unit
    from testkit.people import goals_version

    settings.SAMTALE_OPERATOR_HOSTS = [OPS]
    with in_nordvik():
        top = Unit.objects.create(code="V", name="Virksomhet", kind="enterprise")
        team = Unit.objects.create(code="A", name="Team A", kind="team", parent=top)
        leader = Person.objects.create(email="leder@x.example", first_name="L", last_name="L")
        answered({"leader": leader, "version": goals_version()}, team, [1, 2, 3, 4, 5])
        (publication,) = publish.publish_due()
    assert publication.proof["found"] == 0
    monkeypatch.setattr(schedule, "JOBS", {})
    monkeypatch.setattr(schedule, "_health_at", {})
    with outside_any_tenant():
        schedule.tick_every_tenant()
    assert health.tenants_health()["nordvik"].notes["proof"]["number"] == YEAR
    operators.operator_set("kari", "a-long-operator-password")
    ops = Client(HTTP_HOST=OPS)
    ops.post("/logg-inn/", {"username": "kari", "password": "a-long-operator-password"})
    page = ops.get("/").text
    said = f"År {YEAR}: kontrollert ved publisering: ingen gruppe under minstegrensen"
    assert said in page
    assert page.count("kontrollert ved publisering") == 1  # Nordvik's alone
    # No figure of what the proof counted: those are the municipality's HR's.
    assert f"{publication.proof['figures']} tall" not in page
    assert "største system" not in page and "minste gruppe" not in page
