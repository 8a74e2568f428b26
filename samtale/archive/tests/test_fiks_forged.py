"""What Samtale takes from its Fiks account, with the archive's side played by code that
shares none of Samtale's (fiks_simulator.archive: pika, the openssl command, literal XML)
through the real RabbitMQ: only the archive's own answers, signed with its configured
certificate over the manifest's exact bytes, from its account, to a message in flight.
Everything else is set aside once and acknowledged, and the queue goes on."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from lxml import etree

from fiks_simulator import archive as foreign
from fiks_simulator.fiksio import FiksIO
from fiks_simulator.maskinporten import Maskinporten
from samtale.archive.fiks import channel, keys
from samtale.archive.fiks import messages as m
from samtale.archive.models import Delivery
from samtale.core.models import AuditEntry, SetAsideMessage

from .test_fiks_channel import archive, delivery_of, pems, take_answers  # noqa: F401 - fixtures

pytestmark = pytest.mark.xdist_group("amqp")


@pytest.fixture
def outsider(archive, pems, settings):  # noqa: F811 - the fixtures imported above
    """The archive's account, played from outside Samtale's code (fiks_simulator: pika, the
    openssl command, literal XML), publishing as Fiks IO delivers on the broker at
    AMQP_URL."""
    registry = FiksIO(Maskinporten("https://maskinporten.invalid/"), django_settings.AMQP_URL)
    registry.register_integration(INTEGRATION, "ikke-brukt", org=ORGANIZATION)
    for account, name in (
        (settings.SAMTALE_FIKS_ACCOUNT, "samtale"),
        (settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT, "arkiv"),
    ):
        registry.register_account(
            account,
            org=ORGANIZATION,
            name=name,
            public_certificate_pem=(pems / f"{name}.crt").read_bytes(),
            integrations=[INTEGRATION],
        )
    side = foreign.Archive(
        registry,
        django_settings.AMQP_URL,
        account=settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT,
        own=foreign.Pem(pems / "arkiv.crt", pems / "arkiv.key"),
        schemas=m.SCHEMAS,
    )
    side.last_sender = settings.SAMTALE_FIKS_ACCOUNT  # what it answers, unless told otherwise
    yield side
    side.close()
    registry.close()


INTEGRATION = "0d3c8e52-91f4-4b6a-a7e3-5c2f1d9b8e07"
ORGANIZATION = "315987652"


@pytest.fixture
def stranger(tmp_path):
    """Someone with a key and certificate of their own."""
    certificate, key = keys.generate("Ikke arkivet")
    (tmp_path / "x.crt").write_bytes(certificate)
    (tmp_path / "x.key").write_bytes(key)
    return foreign.Pem(tmp_path / "x.crt", tmp_path / "x.key")


def filing(outsider, sign):
    """A signed form whose arkivmelding waits for the archive's receipt: the outsider
    answers the search (no personnel file yet), Samtale sends the filing."""
    conversation = sign()
    search = outsider.take()
    assert search.type == foreign.SOK
    outsider.send(
        foreign.IKKEFUNNET,
        reply_to=search.id,
        files={"feilmelding.xml": foreign.feilmelding("ikkefunnet", "Ingen personalmappe")},
    )
    assert take_answers() == 1
    melding = outsider.take()
    assert melding.type == foreign.ARKIVMELDING
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.stage, delivery.message_id) == (
        "waiting",
        "filing",
        melding.id,
    )
    return conversation, melding


def key_of(melding) -> str:
    root = etree.fromstring(melding.files["arkivmelding.xml"])
    registrering = root.find("{*}registrering")
    return registrering.findtext("{*}referanseEksternNoekkel/{*}noekkel")


def receipt(melding, number: int = 904) -> dict[str, bytes]:
    return {
        "arkivmelding-kvittering.xml": foreign.kvittering(
            journalaar=2099, journalsekvensnummer=number, noekkel=key_of(melding)
        )
    }


def assert_still_filing(conversation, reason: str, client=None) -> None:
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.stage, delivery.target) == ("waiting", "filing", "")
    [aside] = SetAsideMessage.objects.filter(source="fiks")
    assert aside.reason == reason
    assert aside.ref["delivery"] in (delivery.pk, None)
    assert AuditEntry.objects.filter(action="archive.fiks_set_aside").count() == 1


def test_a_receipt_the_outsider_signs_and_encrypts_as_the_archive_does_is_taken(outsider, sign):
    """The other side of every refusal below: OpenSSL's signature with the archive's key,
    made without Samtale's code, verifies, and the journal number is the archive's."""
    conversation, melding = filing(outsider, sign)
    outsider.send(foreign.MOTTATT, reply_to=melding.id)
    outsider.send(foreign.KVITTERING, reply_to=melding.id, files=receipt(melding, 17))
    assert take_answers() == 2
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.target) == ("delivered", "2099/17")
    assert not SetAsideMessage.objects.exists()


def test_a_receipt_without_a_signature_is_set_aside(
    outsider,
    sign,
    client,
    archivist,
    pems,  # noqa: F811 - the fixture imported above
):
    conversation, melding = filing(outsider, sign)
    outsider.send(
        foreign.KVITTERING,
        reply_to=melding.id,
        payload=foreign.encrypt(
            foreign.container(receipt(melding), outsider.own, signature=False),
            pems / "samtale.crt",
        ),
    )
    assert take_answers() == 1
    assert_still_filing(conversation, "unsigned")
    client.force_login(archivist)
    page = client.get(reverse("archive_queue")).content.decode()
    assert "2099/904" not in page
    assert "Svar som er satt til side" in page


def test_a_receipt_signed_with_another_key_is_set_aside(outsider, sign, stranger):
    conversation, melding = filing(outsider, sign)
    outsider.send(foreign.KVITTERING, reply_to=melding.id, files=receipt(melding), signer=stranger)
    assert take_answers() == 1
    assert_still_filing(conversation, "unsigned")


def test_a_receipt_from_another_account_is_set_aside_even_signed_by_the_archive(outsider, sign):
    import uuid

    conversation, melding = filing(outsider, sign)
    outsider.send(
        foreign.KVITTERING, reply_to=melding.id, files=receipt(melding), sender=str(uuid.uuid4())
    )
    assert take_answers() == 1
    assert_still_filing(conversation, "wrong_sender")


def test_a_receipt_for_another_form_is_set_aside(outsider, sign):
    """Signed by the archive, but naming another record's external key: one of its
    receipts sent again under this message's id."""
    conversation, melding = filing(outsider, sign)
    files = {
        "arkivmelding-kvittering.xml": foreign.kvittering(
            journalaar=2099, journalsekvensnummer=5, noekkel="samtale:oppfolgingsskjema:annen"
        )
    }
    outsider.send(foreign.KVITTERING, reply_to=melding.id, files=files)
    assert take_answers() == 1
    assert_still_filing(conversation, "invalid")


def test_a_poisoned_error_before_a_good_receipt_does_not_block_it(outsider, sign):
    """An ugyldigforespoersel with a DOCTYPE of an internal and a file:// entity, signed by
    the archive, then the receipt: the first is set aside once, the receipt is taken."""
    conversation, melding = filing(outsider, sign)
    doctype = (
        '\n<!DOCTYPE e:ugyldigforespoersel [<!ENTITY x "utvidet">'
        '<!ENTITY f SYSTEM "file:///etc/passwd">]>'
    )
    poison = foreign.feilmelding("ugyldigforespoersel", "&x;&f;", doctype=doctype)
    outsider.send(foreign.UGYLDIG, reply_to=melding.id, files={"feilmelding.xml": poison})
    outsider.send(foreign.KVITTERING, reply_to=melding.id, files=receipt(melding, 31))
    assert take_answers() == 2
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.target) == ("delivered", "2099/31")
    [aside] = SetAsideMessage.objects.all()
    assert (aside.reason, aside.times) == ("invalid", 1)
    assert "DOCTYPE" in aside.detail


def test_garbage_and_a_handler_that_keeps_failing_are_set_aside_and_the_queue_goes_on(
    outsider, sign, monkeypatch
):
    """Bytes that are no CMS, and a message whose handling raises every time it is tried
    (given again once, then set aside): the receipt behind them is taken."""
    conversation, melding = filing(outsider, sign)
    outsider.send(foreign.KVITTERING, reply_to=melding.id, payload=b"\x00garbage" * 100)
    cursed = outsider.send(foreign.MOTTATT, reply_to=melding.id)
    outsider.send(foreign.KVITTERING, reply_to=melding.id, files=receipt(melding, 44))
    real = channel._answer

    def fails_on_the_cursed(delivery, message, files, via):
        if message.id == cursed:
            raise RuntimeError("the handler fails on this one")
        return real(delivery, message, files, via)

    monkeypatch.setattr(channel, "_answer", fails_on_the_cursed)
    with pytest.raises(RuntimeError):
        take_answers()  # the garbage set aside; the cursed one given back once
    take_answers()
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.target) == ("delivered", "2099/44")
    reasons = sorted(SetAsideMessage.objects.values_list("reason", flat=True))
    assert reasons == ["failed", "undecryptable"]
    assert take_answers() == 0


def test_a_reply_to_no_message_in_flight_is_set_aside_once(
    outsider,
    sign,
    pems,  # noqa: F811 - the fixture imported above
):
    """The same receipt three times: taken once, the other two answer nothing waiting and
    are one set-aside row, counted twice."""
    conversation, melding = filing(outsider, sign)
    payload = foreign.encrypt(
        foreign.container(receipt(melding, 8), outsider.own), pems / "samtale.crt"
    )
    for _ in range(3):
        outsider.send(foreign.KVITTERING, reply_to=melding.id, payload=payload)
    assert take_answers() == 3
    assert delivery_of(conversation).status == Delivery.Status.DELIVERED
    rows = list(SetAsideMessage.objects.values_list("reason", "times"))
    assert sorted(rows) == [("not_waiting", 1), ("not_waiting", 1)]


def test_an_answer_over_the_size_limit_is_set_aside_unopened(outsider, sign, settings):
    conversation, melding = filing(outsider, sign)
    settings.SAMTALE_FIKS_MAX_ANSWER_BYTES = 16384  # a receipt is about 4 kB
    outsider.send(foreign.KVITTERING, reply_to=melding.id, payload=b"x" * 16385)
    outsider.send(foreign.KVITTERING, reply_to=melding.id, files=receipt(melding, 12))
    assert take_answers() == 2
    assert delivery_of(conversation).target == "2099/12"
    [aside] = SetAsideMessage.objects.all()
    assert (aside.reason, aside.size) == ("too_large", 16385)
    assert "SAMTALE_FIKS_MAX_ANSWER_BYTES" in aside.detail


def test_a_forged_answer_to_nothing_waiting_is_told_from_a_late_one_by_its_signature(
    db, outsider, stranger
):
    """Set aside either way; the reason says which: the archive staff and /metrics see a
    forgery as one, not as an answer that came late."""
    import uuid

    outsider.send(
        foreign.KVITTERING,
        reply_to=str(uuid.uuid4()),
        files={"feilmelding.xml": b"<x/>"},
        signer=stranger,
    )
    outsider.send(
        foreign.IKKEFUNNET,
        reply_to=str(uuid.uuid4()),
        files={"feilmelding.xml": foreign.feilmelding("ikkefunnet", "Ingen")},
    )
    assert take_answers() == 2
    assert sorted(SetAsideMessage.objects.values_list("reason", flat=True)) == [
        "not_waiting",
        "unsigned",
    ]
