"""The Fiks simulator is strict where Maskinporten and Fiks IO are, and shares no code with
Samtale. The client is its own (fiks_simulator.client: jws grants, http.client and pika over
TLS with its CA, openssl for CMS). Without RabbitMQ, tests that need it skip (fail on CI).
That it imports nothing of Samtale's: test_fiks_simulator_imports.py."""

import hmac
import http.client
import json
import os
import socket
import ssl
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pika
import pika.exceptions
import pytest

from fiks_simulator import archive as arkiv
from fiks_simulator import certs, client, fiksio, jws, maskinporten, samples
from fiks_simulator.fiksio import Request
from fiks_simulator.gateway import Connection
from fiks_simulator.server import Simulator

pytestmark = pytest.mark.xdist_group("amqp")

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"
ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "samtale" / "archive" / "schemas" / "fiks-arkiv-v1"
SUPPLIER, MUNICIPALITY, OTHER = "910000001", "920000002", "930000003"


@pytest.fixture
def broker():
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"RabbitMQ is not reachable at {BROKER}: {error}")
        pytest.skip(f"RabbitMQ is not reachable at {BROKER}")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fiks")
    now = certs.datetime.datetime.now(certs.datetime.UTC)
    make = certs.make_enterprise_certificate
    made = {
        "supplier": make(SUPPLIER, "Leverandør AS"),
        "other": make(OTHER, "Annen kommune"),
        "expired": make(SUPPLIER, "Gammel", valid_to=now),
        "own": make(MUNICIPALITY, "Samtale-konto"),
        "archive": make(MUNICIPALITY, "Arkivkonto"),
    }
    pems = {f"{name}_pem": arkiv.Pem(*certs.write(folder, name, made[name])) for name in made}
    return SimpleNamespace(folder=folder, **made, **pems)


@pytest.fixture
def sim(keys):
    with Simulator(BROKER, keys.folder, schemas=SCHEMAS) as simulator:
        registry, own = simulator.maskinporten, keys.supplier.certificate
        registry.register_client(
            "samtale", org=SUPPLIER, certificate_pem=own, keys={"k1": keys.other.certificate}
        )
        registry.register_client("old", org=SUPPLIER, certificate_pem=keys.expired.certificate)
        registry.delegate(MUNICIPALITY, SUPPLIER)
        yield simulator


def grant(sim, keys, signer="supplier", certified=None, **change):
    """A grant as KS's Maskinportenklient makes it: x5c with `certified`'s certificate,
    signed by `signer`'s key."""
    options = {"client_id": "samtale", "audience": sim.maskinporten_issuer, **change}
    options.setdefault("certificate_pem", getattr(keys, certified or signer).certificate)
    return client.grant(key=certs.load_key(getattr(keys, signer).key), **options)


def ask(sim, assertion):
    return client.token(sim.token_url, client.ssl_context(sim.ca_bundle), assertion)


# Maskinporten: one test per rule.

GRANT, SCOPE = "invalid_grant", "invalid_scope"
NOT_DELEGATED = (
    f"Consumer {OTHER} has not delegated access to the scope ks:fiks to supplier {SUPPLIER}"
)
RULES = {
    "aud-is-the-token-url": (lambda s: {"audience": s.token_url}, GRANT, "aud"),
    "aud-is-a-list": (lambda s: {"extra": {"aud": [s.maskinporten_issuer]}}, GRANT, "aud"),
    "exp-iat-over-120": ({"lifetime": 121}, GRANT, "120"),
    "iat-30-s-off": (lambda s: {"now": time.time() - 30}, GRANT, "iat"),
    "no-x5c-nor-kid": ({"certificate_pem": None}, GRANT, "kid or x5c"),
    "unknown-kid": ({"certificate_pem": None, "kid": "k2"}, GRANT, "kid"),
    "unknown-claim": ({"extra": {"sub": "samtale"}}, GRANT, "Unknown"),
    "no-scope": ({"extra": {"scope": None}}, GRANT, "Missing"),
    "scope-not-granted": ({"scope": "ks:fiks nav:x"}, SCOPE, "nav:x"),
    "unknown-client": ({"client_id": "ukjent"}, "invalid_client", "ukjent"),
    "another-certificate": ({"signer": "other"}, GRANT, "not the one registered"),
    "another-key": ({"signer": "other", "certified": "supplier"}, GRANT, "does not verify"),
    "expired-certificate": ({"signer": "expired", "client_id": "old"}, GRANT, "not valid now"),
    "consumer-without-delegation": ({"consumer_org": OTHER}, SCOPE, NOT_DELEGATED),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_maskinporten_refuses_a_grant_that_breaks_a_rule(sim, keys, rule):
    change, error, words = RULES[rule]
    status, reply = ask(sim, grant(sim, keys, **(change(sim) if callable(change) else change)))
    assert (status, reply["error"]) == (400, error)
    assert words in reply["error_description"]
    assert sim.maskinporten.refused == [(error, reply["error_description"])]
    assert sim.maskinporten.issued == []


def test_maskinporten_refuses_a_jti_used_before(sim, keys):
    assertion = grant(sim, keys)
    assert ask(sim, assertion)[0] == 200
    status, reply = ask(sim, assertion)
    assert (status, reply["error"], "jti" in reply["error_description"]) == (400, GRANT, True)


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_maskinporten_refuses_alg_hs256_and_none(sim, keys, alg):
    claims = jws.parse(grant(sim, keys)).claims
    head = jws.b64url_encode(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    signing_input = f"{head}.{jws.b64url_encode(json.dumps(claims).encode())}"
    mac = hmac.digest(keys.supplier.certificate, signing_input.encode(), "sha256")  # public!
    signature = jws.b64url_encode(mac) if alg == "HS256" else ""
    status, reply = ask(sim, f"{signing_input}.{signature}")
    assert (status, reply["error"], "alg" in reply["error_description"]) == (400, GRANT, True)


@pytest.mark.parametrize("token", ["a.b", "e30=.e30.c2ln", "e30.e30.c2ln", "W10.e30.c2ln"])
def test_jws_refuses_malformed_tokens(token):
    with pytest.raises(jws.Invalid):
        jws.parse(token)


def test_a_delegated_token_names_consumer_and_supplier(sim, keys):
    status, reply = ask(sim, grant(sim, keys, consumer_org=MUNICIPALITY))
    assert status == 200
    assert (reply["token_type"], reply["expires_in"], reply["scope"]) == ("Bearer", 120, "ks:fiks")
    claims = sim.maskinporten.verify_access_token(reply["access_token"])
    authority = "iso6523-actorid-upis"
    assert claims["consumer"] == {"authority": authority, "ID": f"0192:{MUNICIPALITY}"}
    assert claims["supplier"] == {"authority": authority, "ID": f"0192:{SUPPLIER}"}
    assert (claims["iss"], claims["client_id"]) == (sim.maskinporten_issuer, "samtale")
    assert (claims["client_amr"], claims["exp"] - claims["iat"]) == ("virksomhetssertifikat", 120)
    issued = [(i.client_id, i.consumer_org, i.jti) for i in sim.maskinporten.issued]
    assert issued == [("samtale", MUNICIPALITY, claims["jti"])]


def test_a_kid_grant_gets_a_token_for_the_clients_own_org(sim, keys):
    status, reply = ask(sim, grant(sim, keys, signer="other", certificate_pem=None, kid="k1"))
    claims = sim.maskinporten.verify_access_token(reply["access_token"])
    assert claims["client_amr"] == "private_key_jwt" and "supplier" not in claims
    assert claims["consumer"]["ID"] == f"0192:{SUPPLIER}"
    assert sim.maskinporten.issued[0].consumer_org is None


def test_access_tokens_are_checked_for_signer_and_expiry(sim, keys):
    token = ask(sim, grant(sim, keys))[1]["access_token"]
    claims = sim.maskinporten.verify_access_token(token)
    with pytest.raises(maskinporten.Invalid, match="expired"):
        sim.maskinporten.verify_access_token(token, now=claims["exp"])
    with pytest.raises(maskinporten.Invalid, match="not signed by this"):
        maskinporten.Maskinporten(sim.maskinporten_issuer).verify_access_token(token)


def test_maskinporten_unavailable_then_back(sim, keys):
    sim.maskinporten.unavailable_next = 1
    status, reply = ask(sim, grant(sim, keys))
    assert (status, reply["error"]) == (503, "temporarily_unavailable")
    assert ask(sim, grant(sim, keys))[0] == 200


# Fiks IO's send API and catalogue.


@pytest.fixture
def world(sim, keys, broker):
    """Samtale's account (the municipality's, via the supplier's token), the archive's, another's."""
    integration, other, own, archive_id, foreign = (str(uuid.uuid4()) for _ in range(5))
    fiksio = sim.fiksio
    fiksio.register_integration(integration, "hemmelig", org=MUNICIPALITY)
    fiksio.register_integration(other, "annet", org=OTHER)
    for account, org, name, members in [
        (own, MUNICIPALITY, "own", [integration]),
        (archive_id, MUNICIPALITY, "archive", []),
        (foreign, OTHER, "other", [other]),
    ]:
        certificate = getattr(keys, name).certificate
        fiksio.register_account(
            account, org=org, name=name, public_certificate_pem=certificate, integrations=members
        )
    token = ask(sim, grant(sim, keys, consumer_org=MUNICIPALITY))[1]["access_token"]
    samtale = client.Client.of(sim, integration, "hemmelig", own, token)
    to = {"mottakerKontoId": archive_id, "meldingType": "t"}
    yield SimpleNamespace(
        sim=sim, keys=keys, client=samtale, archive=archive_id, foreign=foreign, to=to
    )
    for account in (own, archive_id, foreign):
        fiksio.remove_account(account)


def test_send_delivers_to_the_receivers_queue_with_fiks_io_headers(world):
    headere = {"klientMeldingId": str(uuid.uuid4()), "klientKorrelasjonsId": "k-1"}
    svar = str(uuid.uuid4())
    metadata = {"mottakerKontoId": world.archive, "meldingType": "t", "svarPaMelding": svar}
    status, model = world.client.send({**metadata, "ttl": 60000, "headere": headere}, b"\0\r\n\xff")
    assert status == 202
    sender = world.client.account
    extra = {"ttl": 60000, "dokumentlagerId": None, "headere": headere, "avsenderKontoId": sender}
    assert model == {**metadata, **extra, "meldingId": model["meldingId"]}
    [(properties, body)] = world.sim.fiksio.take_all(world.archive)
    assert (body, properties.expiration) == (b"\0\r\n\xff", "60000")
    fiks = {"melding-id": model["meldingId"], "type": "t", "avsender-id": sender}
    custom = {f"egendefinert-header.{name}": value for name, value in headere.items()}
    assert properties.headers == {**fiks, "avsender-navn": "own", "svar-til": svar, **custom}
    ids = (model["meldingId"], headere["klientMeldingId"], "k-1")
    request = Request(fiksio.SEND_PATH, 202, world.client.integration_id, MUNICIPALITY, *ids)
    assert world.sim.fiksio.requests == [request]


REFUSALS = {
    "no-token": ({"access_token": None}, 401),
    "wrong-password": ({"password": "feil"}, 401),
    "unknown-integration": ({"integration_id": str(uuid.uuid4())}, 401),
    "token-from-elsewhere": ({"access_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}, 401),
    "from-anothers-account": ({"metadata": {"avsenderKontoId": "FOREIGN"}}, 403),
    "to-no-account": ({"metadata": {"mottakerKontoId": str(uuid.uuid4())}}, 400),
    "not-json": ({"metadata": b"not json"}, 400),
    "unknown-field": ({"metadata": {"extra": "x"}}, 400),
    "ttl-a-string": ({"metadata": {"ttl": "60000"}}, 400),
    "ttl-a-boolean": ({"metadata": {"ttl": True}}, 400),
    "headere-not-strings": ({"metadata": {"headere": {"a": 1}}}, 400),
    "no-type": ({"metadata": {"meldingType": ""}}, 400),
    "receiver-not-a-uuid": ({"metadata": {"mottakerKontoId": "konto"}}, 400),
    "svar-not-a-uuid": ({"metadata": {"svarPaMelding": "x"}}, 400),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_send_refuses_what_fiks_io_refuses(world, case):
    options, expected = dict(REFUSALS[case][0]), REFUSALS[case][1]
    metadata = options.pop("metadata", {})
    if isinstance(metadata, dict):
        metadata = {**world.to, **metadata}
        metadata = {k: world.foreign if v == "FOREIGN" else v for k, v in metadata.items()}
    status, body = world.client.send(metadata, **options)
    assert (status, body["status"]) == (expected, expected)
    assert world.sim.fiksio.take_all(world.archive) == []


def test_send_refuses_a_token_acting_for_another_org(world, keys):
    own_org = ask(world.sim, grant(world.sim, keys))[1]["access_token"]  # acts for the supplier
    assert world.client.send(world.to, access_token=own_org)[0] == 403
    assert world.sim.fiksio.requests[0].consumer_org == SUPPLIER


def test_send_faults_unauthorized_unavailable_and_slow(world):
    metadata, faults = world.to, world.sim.fiksio
    faults.unauthorized_next, faults.unavailable_next = 1, 1
    assert [world.client.send(metadata)[0] for _ in range(2)] == [401, 503]
    assert world.sim.fiksio.take_all(world.archive) == []
    faults.slow_next = [2.0]
    with pytest.raises(TimeoutError):
        world.client.send(metadata, timeout=0.5)  # the client gives up waiting ...
    found, deadline = [], time.monotonic() + 10
    while not found and time.monotonic() < deadline:  # polls for the late delivery
        time.sleep(0.05)
        found = faults.take_all(world.archive)
    assert len(found) == 1  # ... and its message was delivered all the same
    assert world.client.send(metadata)[0] == 202


def test_keep_alive_serves_several_requests_on_one_connection(world):
    host, port = world.sim.api_url.removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port), context=world.client.context)
    statuses = [world.client.send(world.to, connection=connection)[0] for _ in range(3)]
    connection.close()
    assert statuses == [202, 202, 202]


def test_the_catalogue_gives_an_accounts_certificate_without_authentication(world, keys):
    base = f"{world.sim.api_url}/fiks-io/katalog/api/v1/kontoer"
    context = world.client.context
    status, _, body = client.request(f"{base}/{world.archive}/offentligNokkel", context)
    key = json.loads(body)
    certificate = certs.load_certificate(keys.archive.certificate)
    assert (status, key["nokkel"].encode()) == (200, keys.archive.certificate)
    assert key["serial"] == str(certificate.serial_number)
    assert key["subjectDN"] == certificate.subject.rfc4514_string()
    assert key["issuerDN"] == certificate.issuer.rfc4514_string()
    assert set(key) == {"nokkel", "validFrom", "validTo", "serial", "subjectDN", "issuerDN"}
    assert client.request(f"{base}/{uuid.uuid4()}/offentligNokkel", context)[0] == 404
    assert client.request(f"{world.sim.api_url}/fiks-io/api/v1/x", context)[0] == 404
    assert world.sim.fiksio.catalogue_requests == 2


# The AMQPS gateway.


def test_the_gateway_lets_an_integration_read_its_own_queue(world):
    own = world.client.account
    melding = world.sim.fiksio.deliver(sender=world.archive, receiver=own, type="t", payload=b"x")
    with world.client.connect() as connection:
        channel = connection.channel()
        channel.queue_declare(f"fiksio.konto.{own}", passive=True)
        messages = channel.consume(f"fiksio.konto.{own}", inactivity_timeout=10)
        method, properties, body = next(messages)
        channel.basic_ack(method.delivery_tag)
        channel.cancel()
    assert (properties.headers["melding-id"], body) == (melding, b"x")
    login = Connection(world.client.integration_id, True, "logged in")
    assert world.sim.gateway.connections == [login]


def test_the_gateway_refuses_a_wrong_password_and_an_expired_token(world, keys):
    with pytest.raises(pika.exceptions.ProbableAuthenticationError, match="ACCESS_REFUSED"):
        world.client.connect(password="feil")
    past = time.time() - 300
    assertion = grant(world.sim, keys, consumer_org=MUNICIPALITY, now=past)
    form = {"grant_type": maskinporten.GRANT_TYPE, "assertion": assertion}
    old = world.sim.maskinporten.token_request(form, now=past)[1]["access_token"]
    with pytest.raises(pika.exceptions.ProbableAuthenticationError, match="expired"):
        world.client.connect(access_token=old)
    assert [c.accepted for c in world.sim.gateway.connections] == [False, False]


OVERSTEPS = {
    "consume-anothers": lambda ch, w: ch.basic_consume(f"fiksio.konto.{w.foreign}", print),
    "get-anothers": lambda ch, w: ch.basic_get(f"fiksio.konto.{w.archive}"),
    "declare": lambda ch, w: ch.queue_declare(f"fiksio.konto.{w.client.account}", durable=True),
    "publish": lambda ch, w: (ch.confirm_delivery(), ch.basic_publish("", "fiksio.x", b"x")),
}


@pytest.mark.parametrize("act", sorted(OVERSTEPS))
def test_the_gateway_closes_a_connection_that_oversteps(world, act):
    refused = pytest.raises(pika.exceptions.ConnectionClosedByBroker, match="ACCESS_REFUSED")
    with world.client.connect() as connection, refused:
        OVERSTEPS[act](connection.channel(), world)
    assert world.sim.gateway.connections[-1].accepted is False
    assert world.sim.fiksio.take_all(world.archive) == []


def test_a_client_trusting_another_ca_fails_the_tls_handshake(world, tmp_path):
    (tmp_path / "ca.crt").write_bytes(certs.make_ca("Another CA").certificate)
    with pytest.raises(ssl.SSLCertVerificationError):
        world.client.connect(context=client.ssl_context(tmp_path / "ca.crt"))
    assert not any(c.accepted for c in world.sim.gateway.connections)


# The archive, end to end: sign and encrypt for the catalogue's key, send over HTTPS,
# receive the answers over the gateway, their signatures checked against the archive's key.


@pytest.fixture
def archive(world, tmp_path):
    own = world.keys.archive_pem
    with world.sim.archive(account=world.archive, own=own, store=tmp_path / "a.json") as it:
        yield it


def to_archive(world, kind, files, *, signer=None, payload=None):
    headere = {"klientKorrelasjonsId": "k"}
    if payload is None:
        signer = signer or world.keys.own_pem
        sent = world.client.send_files(world.archive, kind, files, signer=signer, headere=headere)
    else:
        sent = world.client.send({**world.to, "meldingType": kind, "headere": headere}, payload)
    assert sent[0] == 202, sent
    return sent[1]["meldingId"]


def answers(world, count):
    keys = world.keys
    return world.client.receive_files(count, keys.own_pem, keys.archive_pem.certificate)


def test_the_archive_files_once_and_finds_the_personnel_file(world, archive, tmp_path):
    files = {"arkivmelding.xml": samples.arkivmelding("s-1", "0101"), "referat.pdf": b"%PDF-1.7"}
    sent = [to_archive(world, arkiv.ARKIVMELDING, files) for _ in range(2)]
    assert archive.serve(wait=10) == 2
    replies = answers(world, 4)
    correlated = "egendefinert-header.klientKorrelasjonsId"
    seen = [(headers["type"], headers["svar-til"], headers[correlated]) for headers, _ in replies]
    kinds = (arkiv.MOTTATT, arkiv.KVITTERING)
    assert seen == [(kind, melding, "k") for melding in sent for kind in kinds]
    first, second = (replies[i][1]["arkivmelding-kvittering.xml"].decode() for i in (1, 3))
    assert ">Eksisterende<" not in first
    assert first.replace("Opprettet", "Eksisterende") == second  # the same ids again
    [filed] = archive.records()
    year = time.localtime().tm_year
    assert (filed.external_key, filed.journalpost) == ("s-1", f"{year}/1")
    assert filed.classification == (samples.PERSONAL, "0101")
    store = {"account": world.archive, "own": world.keys.archive_pem, "store": tmp_path / "a.json"}
    with world.sim.archive(**store) as again:
        assert again.records() == [filed]  # the store kept it
    for klasse in ("0101", "9999"):
        to_archive(world, arkiv.SOK, {"sok.xml": samples.sok(klasse)})
    assert archive.serve(wait=10) == 2
    (found, result), (missing, _) = answers(world, 2)
    assert found["type"] == arkiv.TYPES + "innsyn.sok.resultat.minimum"
    assert f"<a:systemID>{filed.personnel_file}</a:systemID>" in result["resultat.xml"].decode()
    assert missing["type"] == arkiv.IKKEFUNNET
    assert archive.handled == {arkiv.ARKIVMELDING: 2, arkiv.SOK: 2}


@pytest.mark.parametrize("fault", ["garbage", "another-signer", "schema", "doctype", "no-file"])
def test_the_archive_answers_ugyldig_for_what_it_cannot_take(world, archive, fault):
    xml = samples.arkivmelding("k", "1")
    files, options = {"arkivmelding.xml": xml, "referat.pdf": b"%PDF"}, {}
    if fault == "garbage":
        options["payload"] = b"not CMS"
    elif fault == "another-signer":
        options["signer"] = world.keys.other_pem
    elif fault == "schema":
        files["arkivmelding.xml"] = xml.replace(b"<system>Samtale</system>", b"")
    elif fault == "doctype":
        files["arkivmelding.xml"] = xml.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "e">]>', 1)
    else:
        del files["referat.pdf"]
    to_archive(world, arkiv.ARKIVMELDING, files, **options)
    assert archive.serve(wait=10) == 1
    [(headers, answer)] = answers(world, 1)
    assert headers["type"] == arkiv.UGYLDIG
    assert b"<feil:feilId>ARKIV-1</feil:feilId>" in answer["feilmelding.xml"]
    assert archive.records() == []


def test_the_archive_faults_and_forged_answers(world, archive):
    files = {"arkivmelding.xml": samples.arkivmelding("k-2", "2"), "referat.pdf": b"%PDF"}
    archive.fail_next, archive.silent_next = 1, 1
    for _ in range(2):
        to_archive(world, arkiv.ARKIVMELDING, files)
    assert archive.serve(wait=10) == 2
    [(headers, _)] = answers(world, 1)  # serverfeil for the first, silence for the second
    assert headers["type"] == arkiv.TYPES + "feilmelding.serverfeil"
    melding = to_archive(world, arkiv.ARKIVMELDING, files)
    taken = archive.take(wait=10)
    assert taken == arkiv.Taken(melding, arkiv.ARKIVMELDING, world.client.account, files)
    receipt = arkiv.kvittering(journalaar=2026, journalsekvensnummer=7, noekkel="k-2")
    archive.send(arkiv.KVITTERING, reply_to=melding, files={"arkivmelding-kvittering.xml": receipt})
    [(headers, answer)] = answers(world, 1)
    assert (headers["svar-til"], answer) == (melding, {"arkivmelding-kvittering.xml": receipt})
    to_archive(world, arkiv.ARKIVMELDING, files)  # encrypted for the archive's key, which ...
    archive.own = world.keys.other_pem  # ... it rotates: the old one still decrypts
    assert archive.serve(wait=10) == 1
    kinds = [properties.headers["type"] for properties, _ in world.client.receive(2)]
    assert kinds == [arkiv.MOTTATT, arkiv.KVITTERING]
