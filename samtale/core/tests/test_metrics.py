"""/metrics (core.metrics): who may read it, the requests counted by the middleware, and
the figures the collectors ask of the database at each scrape."""

import ipaddress
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client.parser import text_string_to_metric_families

from samtale.core import metrics
from samtale.core.models import ProcessBeat
from samtale.notifications import outbox
from samtale.notifications.models import OutboundEmail

TOKEN = "a-scrape-token-of-some-length-0123456789"
# Every label /metrics may carry: ours, and prometheus_client's own about the process.
LABELS = {"view", "status", "kind", "queue", "process", "collector", "state", "reason", "result"}
LABELS |= {"source", "tenant"}
LABELS |= {"le", "generation", "implementation", "major", "minor", "patchlevel", "version"}


@pytest.fixture
def token(settings):
    settings.SAMTALE_METRICS_TOKEN = TOKEN
    settings.SAMTALE_METRICS_NETWORKS = []
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def scrape(client) -> dict:
    """name → [(labels, value)] of every sample in the answer, which must parse."""
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    samples: dict = {}
    for family in text_string_to_metric_families(answer.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def total(samples: dict, name: str, **labels) -> float:
    return sum(v for got, v in samples.get(name, []) if labels.items() <= got.items())


def value(samples: dict, name: str, **labels) -> float:
    found = [v for got, v in samples.get(name, []) if labels.items() <= got.items()]
    assert found, f"no {name} {labels}"
    return sum(found)


def test_it_is_not_found_when_neither_a_token_nor_a_network_is_set(db, client, settings):
    settings.SAMTALE_METRICS_TOKEN = ""
    settings.SAMTALE_METRICS_NETWORKS = []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert client.post("/metrics").status_code == 404


def test_it_is_not_found_without_the_token_or_with_a_wrong_one(db, client, token):
    assert client.get("/metrics").status_code == 404
    wrong = {"Authorization": f"Bearer {TOKEN}x"}
    assert client.get("/metrics", headers=wrong).status_code == 404
    basic = {"Authorization": f"Basic {TOKEN}"}
    assert client.get("/metrics", headers=basic).status_code == 404


def test_it_answers_the_token_in_the_prometheus_text_format(db, token):
    samples = scrape(token)
    assert value(samples, "samtale_collector_up", collector="tasks") == 1
    assert "no-store" in token.get("/metrics")["Cache-Control"]


def test_it_answers_a_client_from_a_configured_network_only(db, settings):
    settings.SAMTALE_METRICS_TOKEN = ""
    settings.SAMTALE_METRICS_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.7").get("/metrics").status_code == 404


def test_it_reads_the_network_past_the_trusted_proxies_only(db, settings):
    settings.SAMTALE_METRICS_TOKEN = ""
    settings.SAMTALE_METRICS_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("192.0.2.1/32")]
    outside = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert outside.get("/metrics").status_code == 404
    # A client that claims an inside address, but not through a trusted proxy.
    claimed = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert claimed.get("/metrics").status_code == 404


def test_a_scraper_may_ask_by_the_process_address_over_plain_http(db, settings):
    # Prometheus scrapes each process by its address, which ALLOWED_HOSTS refuses.
    settings.SECURE_SSL_REDIRECT = True
    settings.SAMTALE_METRICS_TOKEN = TOKEN
    client = Client(HTTP_HOST="10.0.3.7:8000", headers={"Authorization": f"Bearer {TOKEN}"})
    assert client.get("/metrics").status_code == 200


def test_it_counts_a_page_by_its_view_name_with_its_time_and_queries(token, client_for, people):
    before = scrape(token)
    answer = client_for("employee").get(f"/personer/{people.employee.pk}/")
    assert answer.status_code == 200
    after = scrape(token)
    view = answer.resolver_match.view_name

    def grew(name, **labels):
        return total(after, name, view=view, **labels) - total(before, name, view=view, **labels)

    assert grew("samtale_http_requests_total", status="200") == 1
    assert grew("samtale_http_request_duration_seconds_count") == 1
    assert grew("samtale_http_request_queries_count") == 1
    assert grew("samtale_http_request_queries_sum") > 0


def test_a_missing_page_is_counted_as_unmatched_never_by_its_path(db, token):
    Client().get("/no/such/page/12345/")
    samples = scrape(token)
    assert value(samples, "samtale_http_requests_total", view="unmatched", status="404") >= 1


def test_it_counts_the_waiting_tasks_and_the_age_of_the_oldest(db, token):
    empty = scrape(token)
    assert value(empty, "samtale_tasks_waiting", queue="default") == 0
    assert value(empty, "samtale_tasks_oldest_waiting_seconds", queue="default") == 0
    for ago in (timedelta(minutes=30), timedelta(minutes=2)):
        task = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="samtale.work.tasks.ping",
            backend_name="default",
            run_after=get_date_max(),
            exception_class_path="",
            traceback="",
        )
        DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - ago)
    samples = scrape(token)
    assert value(samples, "samtale_tasks_waiting", queue="default") == 2
    assert value(samples, "samtale_tasks_oldest_waiting_seconds", queue="default") >= 30 * 60


def test_it_counts_the_emails_by_status(token, people):
    for status in ("sent", "sent", "failed", "queued"):
        _email_to(people.employee, status)
    samples = scrape(token)
    assert value(samples, "samtale_emails", status="sent") == 2
    assert value(samples, "samtale_emails", status="failed") == 1
    assert value(samples, "samtale_emails", status="sent", kind="test_hello") == 2
    assert value(samples, "samtale_emails", status="skipped") == 0


def _email_to(person, status="queued"):
    OutboundEmail.objects.create(
        kind="test_hello",
        to=person,
        to_email=person.email,
        message_id=outbox.new_message_id(),
        next_attempt_at=timezone.now(),
        status=status,
    )


def test_it_says_how_long_ago_each_kind_of_process_beat(db, token, settings):
    settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS = 60
    now = timezone.now()
    for pid, ago in ((1, 10), (2, 600)):
        at = now - timedelta(seconds=ago)
        ProcessBeat.objects.create(
            process="worker", host="app-1", pid=pid, started_at=at, beat_at=at
        )
    samples = scrape(token)
    assert 10 <= value(samples, "samtale_heartbeat_age_seconds", process="worker") < 600
    assert value(samples, "samtale_heartbeat_processes", process="worker") == 1


def test_a_failing_collector_is_left_out_and_said_so(db, token, monkeypatch):
    def broken():
        raise RuntimeError("db.internal:5432 said no for ola@example.com")

    monkeypatch.setitem(metrics.COLLECTORS, "broken", broken)
    answer = token.get("/metrics")
    assert answer.status_code == 200
    assert b"ola@example.com" not in answer.content
    assert value(scrape(token), "samtale_collector_up", collector="broken") == 0


def test_it_names_no_person_and_no_path_with_an_id(token, client_for, people):
    client_for("employee").get(f"/personer/{people.employee.pk}/")
    _email_to(people.employee)
    Client().post("/logg-inn/", {"username": people.employee.email, "password": "wrong"})
    text = token.get("/metrics").content.decode()
    for person in (people.employee, people.leader):
        assert person.email not in text
        assert person.last_name not in text
    assert "/personer/" not in text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            assert set(sample.labels) <= LABELS, sample


def test_a_scrape_is_not_counted_as_a_request(db, token):
    scrape(token)
    samples = scrape(token)
    assert not [
        labels
        for labels, _ in samples.get("samtale_http_requests_total", [])
        if labels["view"] == "metrics" and labels["status"] == "200"
    ]
