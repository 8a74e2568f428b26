"""A signed form reaches the municipality's archive over KS's Fiks IO, as KS runs it: a
Maskinporten token got with a JWT grant, the message sent over HTTPS, the archive's answers
taken over AMQP with TLS, the receiver's certificate from Fiks IO's catalogue. The other
side is fiks_simulator, which shares none of Samtale's code (archive/tests/fiks_io_side.py
says what is registered there), and a real RabbitMQ behind it. Nothing is lost or filed twice
when Fiks IO refuses a token, fails or answers late, and nothing is sent to a server whose
certificate does not verify.

With SAMTALE_FIKS_MEASURE=1 the tests print what they measured (`make bench-fiks`); they
assert behaviour only, never a duration."""

import json
import os
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from fiks_simulator.archive import Pem
from fiks_simulator.certs import make_ca
from fiks_simulator.server import Simulator
from samtale.archive import health
from samtale.archive.fiks import channel, configured, fiksio, maskinporten
from samtale.archive.fiks import messages as m
from samtale.archive.fiks.transport import Unavailable
from samtale.archive.models import Delivery
from samtale.core.models import AuditEntry
from samtale.operators.tests.conftest import (  # noqa: F401 - fixtures: the second municipality
    in_nordvik,
    nordvik,
)

from . import fiks_io_side as side
from .test_fiks_channel import delivery_of, retry, worker_round
from .test_fiks_transport import _broker_missing

pytestmark = pytest.mark.xdist_group("amqp")

FJORDVIK = "315987652"
MEASURE = os.environ.get("SAMTALE_FIKS_MEASURE") == "1"


def said(line: str) -> None:
    """A figure for the benchmark (make bench-fiks), printed only when it asks."""
    if MEASURE:
        print(f"\nfiks-io: {line}")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    reason = _broker_missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}: the Fiks IO tests must run in CI")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("fiks-io")
    simulator = Simulator(django_settings.AMQP_URL, folder / "ks", schemas=side.SCHEMAS)
    simulator.start()
    simulator.supplier = side.supplier_registered(simulator, folder)
    yield simulator
    simulator.stop()


def configure(settings, values: dict[str, str]) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


@pytest.fixture
def fjordvik(simulator, settings, tmp_path, monkeypatch):
    """The home municipality on Fiks IO through the installation's supplier client, its
    archive answering beside it."""
    municipality = side.municipality_registered(simulator, tmp_path / "fjordvik", FJORDVIK)
    configure(settings, municipality.settings(simulator))
    configure(settings, side.installation_settings(simulator.supplier))
    settings.SAMTALE_FIKS_TIMEOUT_SECONDS = 2
    monkeypatch.setattr(channel, "EXCHANGE_SECONDS", 3)
    side.forget_kept()
    simulator.maskinporten.issued.clear()
    simulator.fiksio.requests.clear()
    archive = simulator.archive(account=municipality.archive_account, own=municipality.archive_pem)
    answering = side.Answering(archive)
    municipality.answering = answering
    yield municipality
    answering.stop()
    side.municipality_removed(simulator, municipality)
    simulator.fiksio.unauthorized_next = simulator.fiksio.unavailable_next = 0
    simulator.maskinporten.unavailable_next = 0
    simulator.fiksio.slow_next = []
    side.forget_kept()


def sends(simulator) -> list:
    return [r for r in simulator.fiksio.requests if r.path.endswith("/send")]


def test_a_signed_form_reaches_its_journal_number_over_fiks_io(simulator, fjordvik, sign):
    started = time.perf_counter()
    conversation = sign()  # the second signature; the worker's task sends the search
    worker_round()
    seconds = time.perf_counter() - started
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.stage) == ("delivered", "received")
    [filed] = fjordvik.answering.archive.records()
    assert delivery.target == filed.journalpost
    assert delivery.archive_file_id == filed.personnel_file
    # One token, for Fjordvik, got by the supplier's client acting for it.
    assert [(i.client_id, i.consumer_org) for i in simulator.maskinporten.issued] == [
        (side.CLIENT_ID, FJORDVIK)
    ]
    # Two messages over HTTPS, each accepted (202) under Fiks IO's own id, carrying
    # Samtale's (klientMeldingId, klientKorrelasjonsId) too.
    accepted = sends(simulator)
    assert [r.status for r in accepted] == [202, 202]
    assert all(r.integration_id == fjordvik.integration for r in accepted)
    assert all(r.consumer_org == FJORDVIK for r in accepted)
    assert all(r.klient_melding_id == r.klient_korrelasjons_id for r in accepted)
    assert all(r.melding_id != r.klient_melding_id for r in accepted)
    assert delivery.message_id == accepted[-1].melding_id
    assert delivery.correlation_id == accepted[-1].klient_korrelasjons_id
    assert fjordvik.answering.archive.handled == {m.SOK: 1, m.ARKIVMELDING: 1}
    form = delivery.form
    https = len(accepted) + simulator.fiksio.catalogue_requests + len(simulator.maskinporten.issued)
    said(
        f"signed to journal number {delivery.target}: {seconds:.2f} s (the PDF/A "
        f"{(form.rendered_at - form.created_at).total_seconds():.2f} s, the exchange "
        f"{(delivery.delivered_at - form.rendered_at).total_seconds():.2f} s), "
        f"{maskinporten.TOKENS.fetched} token fetched, {https} HTTPS requests "
        f"({len(accepted)} sends, {simulator.fiksio.catalogue_requests} catalogue, "
        f"{len(simulator.maskinporten.issued)} token), answers over AMQPS"
    )


def test_a_401_three_503s_and_a_slow_answer_deliver_once_and_send_nothing_twice(
    simulator, fjordvik, sign
):
    fiks = simulator.fiksio
    fiks.unauthorized_next = 1  # the token is refused once: a new one, and the same again
    started = time.perf_counter()
    conversation = sign()
    worker_round()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(simulator.maskinporten.issued) == 2

    fiks.unavailable_next = 3  # Fiks IO away for three requests
    second = sign()
    attempts = 1
    delivery = delivery_of(second)
    while delivery.status != Delivery.Status.DELIVERED:
        assert delivery.status == Delivery.Status.FAILED
        assert json.loads(delivery.error) == {"cause": "fiks-busy", "status": "503"}
        attempts += 1
        delivery = retry(delivery)
    assert attempts == 4  # three refused, the fourth taken

    fiks.slow_next = [3.0]  # Fiks IO takes the search, but answers after Samtale gave up
    third = sign()
    worker_round()
    delivery = delivery_of(third)
    assert delivery.status == Delivery.Status.DELIVERED  # the answer found it by Samtale's id
    seconds = time.perf_counter() - started

    filed = fjordvik.answering.archive.records()
    keys = [record.external_key for record in filed]
    assert len(filed) == 3 and len(set(keys)) == 3  # each form filed once
    accepted = [r for r in sends(simulator) if r.status == 202]
    melding_ids = [r.melding_id for r in accepted]
    own_ids = [r.klient_melding_id for r in accepted]
    assert len(set(melding_ids)) == len(melding_ids)  # nothing sent twice under one id
    assert len(set(own_ids)) == len(own_ids)
    statuses = [r.status for r in sends(simulator)]
    assert statuses.count(401) == 1 and statuses.count(503) == 3
    said(
        f"faults (a 401, three 503s, a slow answer): {seconds:.2f} s for 3 forms, "
        f"{len(sends(simulator))} send requests ({statuses.count(202)} accepted, 1 × 401, "
        f"3 × 503), {len(simulator.maskinporten.issued)} tokens, attempts for the 503 form "
        f"{attempts}, final states delivered ×3, records filed {len(filed)}, "
        f"messages doubled {len(melding_ids) - len(set(melding_ids))}"
    )


def test_a_server_certificate_that_does_not_verify_is_refused_and_nothing_is_sent(
    simulator, fjordvik, sign, settings, tmp_path
):
    other_ca = tmp_path / "other-ca.crt"
    other_ca.write_bytes(make_ca("Not KS").certificate)
    settings.SAMTALE_FIKS_CA_BUNDLE = str(other_ca)
    conversation = sign()
    worker_round()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.FAILED
    recorded = json.loads(delivery.error)
    # The catalogue, asked first for the archive's certificate, was not believed.
    assert recorded["cause"] == "fiks-certificate"
    assert recorded["reason"] == "unable to get local issuer certificate"
    # Said to the archive staff in their language, naming the bundle it was checked against.
    assert str(other_ca) in delivery.error_text and recorded["host"] in delivery.error_text
    assert simulator.maskinporten.issued == [] and simulator.fiksio.requests == []
    assert configured.status(fresh=True).code == maskinporten.UNREACHABLE
    said(
        "a certificate that does not verify: refused, nothing sent; the archive queue says: "
        + delivery.error_text
    )


def test_the_archives_answers_over_amqps_need_the_integrations_password(
    simulator, fjordvik, settings
):
    settings.SAMTALE_FIKS_INTEGRATION_PASSWORD = "feil-passord"
    via = channel.transport()
    try:
        with pytest.raises(Unavailable, match="refused the integration's sign-in"):
            via.receive(fjordvik.account, lambda message: None)
    finally:
        via.close()
    refused = [c for c in simulator.gateway.connections if not c.accepted]
    assert refused and "password" in refused[-1].reason


def test_a_municipality_that_has_not_delegated_is_told_so(simulator, settings, tmp_path, sign):
    municipality = side.municipality_registered(
        simulator, tmp_path / "ikke", "315987636", delegated=False
    )
    configure(settings, municipality.settings(simulator))
    configure(settings, side.installation_settings(simulator.supplier))
    side.forget_kept()
    try:
        status = configured.status(fresh=True)
        assert status.code == maskinporten.NO_DELEGATION
        assert "delegated ks:fiks" in status.reason and "315987636" in status.reason
        assert health.fiks_check() == maskinporten.NO_DELEGATION
        note = health.fiks_note()
        assert note["code"] == maskinporten.NO_DELEGATION and "Altinn" in note["reason"]
    finally:
        side.municipality_removed(simulator, municipality)
        side.forget_kept()


def test_a_maskinporten_that_does_not_answer_is_asked_again_only_a_minute_later(
    simulator, fjordvik
):
    """One wait for its timeout, not one per municipality: the scheduler's health checks
    and the worker go on."""
    simulator.maskinporten.unavailable_next = 2
    assert configured.status(fresh=True).code == maskinporten.UNREACHABLE
    assert simulator.maskinporten.unavailable_next == 1
    again = configured.status(fresh=True)
    assert again.code == maskinporten.UNREACHABLE and "not asked again" in again.reason
    assert simulator.maskinporten.unavailable_next == 1  # Maskinporten was not asked


def test_a_certificate_about_to_expire_is_told_a_month_ahead(simulator, fjordvik):
    import time_machine

    found = configured.status(fresh=True)
    assert found.code == "ok"
    expires = found.certificate_expires
    with time_machine.travel(expires - configured.EXPIRY_WARNING + timedelta(days=1), tick=False):
        soon = configured.status(fresh=True)
        assert soon.code == "certificate-expiring" and soon.certificate_expires == expires
        assert health.fiks_note()["certificate_expires"] == expires.date().isoformat()
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        assert configured.status(fresh=True).code == "certificate-expired"


def test_a_key_the_archive_rotates_is_used_once_the_catalogue_says_so(
    simulator, fjordvik, sign, tmp_path, settings
):
    import time_machine

    first = sign()
    worker_round()
    assert delivery_of(first).status == Delivery.Status.DELIVERED
    asked = simulator.fiksio.catalogue_requests
    new = side.pem_pair(tmp_path, "arkiv-ny")
    fjordvik.answering.paused.set()
    simulator.fiksio.rotate_key(fjordvik.archive_account, new.certificate.read_bytes())
    # The archive opens messages with its new key alone. (The simulated archive signs with
    # the same key, so Samtale is told the new certificate its answers are checked against;
    # a real archive signs with its enterprise certificate, which the rotation leaves.)
    fjordvik.answering.archive.own = Pem(new.certificate, new.key)
    fjordvik.answering.archive.previous.clear()  # the old key decrypts nothing any more
    settings.SAMTALE_FIKS_ARCHIVE_CERTIFICATE = str(new.certificate)
    fjordvik.answering.paused.clear()
    later = timezone.now() + timedelta(seconds=fiksio.KEY_SECONDS + 1)
    with time_machine.travel(later, tick=True):
        second = sign()
        worker_round()
    delivery = delivery_of(second)
    assert delivery.status == Delivery.Status.DELIVERED, delivery.error
    assert simulator.fiksio.catalogue_requests == asked + 1


def test_an_archives_refusal_with_a_textual_feil_id_is_shown_with_it(
    simulator, fjordvik, sign, settings
):
    fjordvik.answering.paused.set()
    conversation = sign()
    archive = fjordvik.answering.archive
    search = archive.take()
    archive.send(
        m.UGYLDIG,
        reply_to=search.id,
        files={"feilmelding.xml": m.feilmelding(m.UGYLDIG, "Ukjent klasse", feil_id="ARK-77")},
        headere={"klientKorrelasjonsId": delivery_of(conversation).correlation_id},
    )
    worker_round()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.REFUSED
    assert "Ukjent klasse (feilId ARK-77)" in delivery.error
    fjordvik.answering.paused.clear()


def test_an_answer_to_a_message_whose_sending_timed_out_is_found_by_samtales_id(
    simulator, fjordvik, sign
):
    fjordvik.answering.paused.set()
    simulator.fiksio.slow_next = [3.0]
    conversation = sign()
    delivery = delivery_of(conversation)
    # Sent, never confirmed: in flight under Samtale's own id alone.
    assert (delivery.status, delivery.stage) == ("waiting", "searching")
    assert delivery.message_id == delivery.correlation_id
    assert (
        AuditEntry.objects.filter(action="archive.fiks_sent").latest("pk").data["confirmed"]
        is False
    )
    fjordvik.answering.paused.clear()
    worker_round()
    assert delivery_of(conversation).status == Delivery.Status.DELIVERED
    assert len(fjordvik.answering.archive.records()) == 1


# The second municipality ---------------------------------------------------------------------


NORDVIK = "315987709"


def test_two_municipalities_file_each_with_its_own_consumer_org_and_accounts(
    simulator,
    fjordvik,
    sign,
    nordvik,  # noqa: F811 - the fixture imported above
    in_nordvik,  # noqa: F811
    tmp_path,
):
    from samtale.operators import services

    other = side.municipality_registered(simulator, tmp_path / "nordvik", NORDVIK)
    services.tenant_configure("nordvik", other.settings(simulator))
    archive = simulator.archive(account=other.archive_account, own=other.archive_pem)
    answering = side.Answering(archive)
    try:
        conversation = sign()
        worker_round()
        assert delivery_of(conversation).status == Delivery.Status.DELIVERED
        with in_nordvik():
            assert configured.status(fresh=True).consumer_org == NORDVIK
            theirs = signed_here()
            worker_round()
            delivery = delivery_of(theirs)
            assert delivery.status == Delivery.Status.DELIVERED
            assert health.fiks_check() == "ok"
        tokens = {(i.client_id, i.consumer_org) for i in simulator.maskinporten.issued}
        assert tokens == {(side.CLIENT_ID, FJORDVIK), (side.CLIENT_ID, NORDVIK)}
        acting = {(r.integration_id, r.consumer_org) for r in sends(simulator)}
        assert acting == {(fjordvik.integration, FJORDVIK), (other.integration, NORDVIK)}
        assert len(fjordvik.answering.archive.records()) == len(archive.records()) == 1
        said(
            "two municipalities: tokens "
            + ", ".join(f"consumer_org={org}" for _, org in sorted(tokens, key=str))
            + f"; Nordvik's form filed as {delivery.target} in Nordvik's archive"
        )
    finally:
        answering.stop()
        side.municipality_removed(simulator, other)
        services.tenant_configure("nordvik", dict.fromkeys(other.settings(simulator), ""))


def signed_here():
    """A conversation signed by both in whichever municipality is active (its people and a
    template of its own made first)."""
    from samtale.archive.tests.conftest import sign_between
    from testkit.people import make_people

    return sign_between(make_people())


def test_an_answer_whose_payload_waits_in_dokumentlager_is_set_aside(simulator, fjordvik, sign):
    """Fiks IO sends a payload too large for a message by reference (dokumentlager-id, KS's
    FiksIOHeaders): the archive's answers never are, and Samtale does not fetch it."""
    from samtale.core.models import SetAsideMessage

    fjordvik.answering.paused.set()
    conversation = sign()
    archive = fjordvik.answering.archive
    search = archive.take()
    melding_id = str(uuid.uuid4())
    simulator.fiksio.broker.publish(
        f"fiksio.konto.{fjordvik.account}",
        b"",
        {
            "melding-id": melding_id,
            "type": m.KVITTERING,
            "avsender-id": fjordvik.archive_account,
            "svar-til": search.id,
            "dokumentlager-id": str(uuid.uuid4()),
        },
        60_000,
    )
    via = channel.transport()
    try:
        assert channel.receive(via) == 1
    finally:
        via.close()
    aside = SetAsideMessage.objects.get(key=melding_id)
    assert (aside.reason, aside.detail) == ("too_large", "the payload is in Fiks Dokumentlager")
    assert delivery_of(conversation).stage == "searching"  # still waiting for its answer
    fjordvik.answering.paused.clear()


@pytest.mark.django_db(databases=["default", "control"])
def test_the_operators_see_under_each_municipality_whether_its_token_can_be_had(
    simulator,
    fjordvik,
    nordvik,  # noqa: F811 - the fixture imported above
    in_nordvik,  # noqa: F811
    tmp_path,
    settings,
    monkeypatch,
):
    """Nordvik has not delegated ks:fiks to the supplier: the scheduler's health tick says so
    under Nordvik's name, in the operator's language; Fjordvik's token is had for it."""
    from django.test import Client

    from samtale.operators import operators, services
    from samtale.work import schedule
    from testkit.core import outside_any_tenant

    other = side.municipality_registered(simulator, tmp_path / "nordvik", NORDVIK, delegated=False)
    services.tenant_configure("nordvik", other.settings(simulator))
    settings.SAMTALE_OPERATOR_HOSTS = ["drift.testserver"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".testserver"]
    try:
        monkeypatch.setattr(schedule, "JOBS", {})
        monkeypatch.setattr(schedule, "_health_at", {})
        with outside_any_tenant():
            schedule.tick_every_tenant()
        operators.operator_set("kari", "a-long-operator-password")
        ops = Client(HTTP_HOST="drift.testserver")
        ops.post("/logg-inn/", {"username": "kari", "password": "a-long-operator-password"})
        page = ops.get("/").text
        assert "fiks: no-delegation" in page
        assert f"Maskinporten gir ikke Fiks-token for organisasjon {NORDVIK}" in page
        assert "kommunen har ikke delegert ks:fiks" in page
        assert f"Fiks IO: token kan hentes, på vegne av {FJORDVIK}" in page
    finally:
        side.municipality_removed(simulator, other)
        services.tenant_configure("nordvik", dict.fromkeys(other.settings(simulator), ""))
