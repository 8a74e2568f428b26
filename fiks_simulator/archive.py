"""A municipality's archive system speaking Fiks Arkiv V1 (ks-no/fiks-arkiv-specification,
Schema/V1: the message types in meldingstyper.json, the payloads' schemas) behind the
simulated Fiks IO. It is played inside KS's world, so it reads its own queue
fiksio.konto.<account> straight from the broker, and answers with FiksIO.deliver.

A message it takes is opened as KS's clients pack one (an ASiC-E container, its manifest
signed in CMS, the whole encrypted in CMS for the receiver's catalogue certificate:
fiks-io-klient-java's AsicHandler, the openssl command here), its signature checked against
the sender account's certificate in the catalogue, its XML against the V1 schema of its type.
Its answers carry svar-til and echo klientKorrelasjonsId as KS's SvarSender does.

The module-level helpers are those of samtale/archive/tests/foreign_archive.py, with the
same names and signatures, for tests that forge an archive's side by hand.
"""

import base64
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pika

from . import asice, noark
from .fiksio import FiksIO, queue_name
from .records import Filed, Records

FIKS = noark.FIKS
TYPES = "no.ks.fiks.arkiv.v1."
SOK = TYPES + "innsyn.sok"
RESULTAT = SOK + ".resultat.minimum"
ARKIVMELDING = TYPES + "arkivering.arkivmelding.opprett"
KVITTERING = ARKIVMELDING + ".kvittering"
MOTTATT = ARKIVMELDING + ".mottatt"
IKKEFUNNET = TYPES + "feilmelding.ikkefunnet"
UGYLDIG = TYPES + "feilmelding.ugyldigforespoersel"
SERVERFEIL = TYPES + "feilmelding.serverfeil"
# meldingstyper.json: each type's payload file.
PAYLOAD = {SOK: "sok.xml", ARKIVMELDING: "arkivmelding.xml"}
MIMETYPE = asice.MIMETYPE


def kvittering(*, journalaar: int, journalsekvensnummer: int, noekkel: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<k:arkivmeldingKvittering xmlns:k="{FIKS}/arkivmelding/opprett/kvittering/v1"
    xmlns:md="{FIKS}/metadatakatalog/v1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <k:mappeKvittering>
    <k:systemID>{uuid.uuid4()}</k:systemID>
    <k:opprettetEllerEksisterende>Opprettet</k:opprettetEllerEksisterende>
  </k:mappeKvittering>
  <k:registreringKvittering xsi:type="k:journalpostKvittering">
    <k:systemID>{uuid.uuid4()}</k:systemID>
    <k:referanseEksternNoekkel>
      <md:fagsystem>Samtale</md:fagsystem>
      <md:noekkel>{noekkel}</md:noekkel>
    </k:referanseEksternNoekkel>
    <k:opprettetEllerEksisterende>Opprettet</k:opprettetEllerEksisterende>
    <k:journalaar>{journalaar}</k:journalaar>
    <k:journalsekvensnummer>{journalsekvensnummer}</k:journalsekvensnummer>
  </k:registreringKvittering>
</k:arkivmeldingKvittering>
""".encode()


def feilmelding(kind: str, text: str, *, doctype: str = "") -> bytes:
    """`kind`: "ikkefunnet" or "ugyldigforespoersel"; `doctype` before the root element."""
    return f"""<?xml version="1.0" encoding="utf-8"?>{doctype}
<e:{kind} xmlns:e="{FIKS}/feil/{kind}/v1" xmlns:feil="{FIKS}/feil/feilmelding/v1">
  <feil:feilId>{uuid.uuid4()}</feil:feilId>
  <feil:feilmelding>{text}</feil:feilmelding>
</e:{kind}>
""".encode()


@dataclass(frozen=True)
class Pem:
    certificate: Path
    key: Path | None = None


class OpenSSLFailed(AssertionError):
    """The openssl command failed (an AssertionError, as foreign_archive's assert was)."""


def openssl(*args: str, data: bytes = b"") -> bytes:
    command = shutil.which("openssl")
    if not command:
        raise OpenSSLFailed("the openssl command plays the archive's CMS")
    done = subprocess.run([command, *args], input=data, capture_output=True, check=False)
    if done.returncode != 0:
        raise OpenSSLFailed(done.stderr.decode(errors="replace"))
    return done.stdout


def container(files: dict[str, bytes], signer: Pem | None, *, signature: bool = True) -> bytes:
    """An ASiC-E container: mimetype stored first, the files, the manifest with each file's
    SHA-256, and OpenSSL's detached CMS signature of the manifest's bytes (none when
    `signer` is None or `signature` is False)."""
    references = "".join(
        f'<asic:DataObjectReference URI="{name}">'
        '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        f"<ds:DigestValue>{base64.b64encode(hashlib.sha256(data).digest()).decode()}"
        "</ds:DigestValue></asic:DataObjectReference>"
        for name, data in sorted(files.items())
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#"'
        ' xmlns:ds="http://www.w3.org/2000/09/xmldsig#">\n'
        '<asic:SigReference URI="META-INF/signature.p7s" MimeType="application/pkcs7-signature"/>'
        f"\n{references}\n</asic:ASiCManifest>\n"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, zipfile.ZIP_STORED)
        for name, data in sorted(files.items()):
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/ASiCManifest.xml", manifest, zipfile.ZIP_DEFLATED)
        if signer is not None and signature:
            signed = openssl(
                "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER",
                "-signer", str(signer.certificate), "-inkey", str(signer.key),
                data=manifest,
            )  # fmt: skip
            archive.writestr("META-INF/signature.p7s", signed, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def encrypt(data: bytes, receiver: Path) -> bytes:
    return openssl(
        "cms", "-encrypt", "-binary", "-aes256", "-outform", "DER", str(receiver), data=data
    )


def decrypt(data: bytes, own: Pem) -> bytes:
    return openssl(
        "cms", "-decrypt", "-binary", "-inform", "DER",
        "-recip", str(own.certificate), "-inkey", str(own.key),
        data=data,
    )  # fmt: skip


@dataclass
class Taken:
    id: str
    type: str
    sender: str
    files: dict[str, bytes]


@dataclass(frozen=True)
class _Incoming:
    id: str
    type: str
    sender: str
    correlation: str | None


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class Archive:
    """The archive behind account `account` (its key pair in `own`), its records in `store`
    (a JSON file, written atomically) or in memory. `serve` answers what waits; `take` and
    `send` let a test read a message and forge an answer by hand. Faults: `fail_next`
    answers serverfeil, `silent_next` takes a message and says nothing. `handled` counts the
    messages taken by type."""

    def __init__(
        self,
        sim_fiksio: FiksIO,
        broker_url: str,
        *,
        account: str,
        own: Pem,
        store: Path | None = None,
        schemas: Path,
        log: Callable[[str], None] | None = None,
    ):
        self.fiksio = sim_fiksio
        self.account = account
        self._own = own
        self.previous: list[Pem] = []  # keys rotated away, still decrypting what is in flight
        self.store = store
        self.schemas = noark.Schemas(schemas)
        self.log = log
        self.handled: Counter[str] = Counter()
        self.fail_next = 0
        self.silent_next = 0
        self.last_sender: str | None = None
        self._work = Path(tempfile.mkdtemp(prefix="fiks-archive-"))
        self.holdings = Records(store)
        self.queue = queue_name(account)
        parameters = pika.URLParameters(broker_url)
        parameters.heartbeat = 0  # idle between a test's calls, with no thread to answer
        self.connection = pika.BlockingConnection(parameters)
        self.channel = self.connection.channel()
        self.channel.queue_declare(self.queue, durable=True)

    @property
    def own(self) -> Pem:
        """The archive's key pair: it signs the answers and decrypts what comes."""
        return self._own

    @own.setter
    def own(self, new: Pem) -> None:
        # Like KS's KontoKonfigurasjon (privateNokler): the old key still decrypts messages
        # encrypted for it before the catalogue changed.
        if new != self._own:
            self.previous.insert(0, self._own)
            self._own = new

    def rotate(self, new: Pem) -> None:
        """A new key pair: the archive's own from now on, and in the catalogue."""
        self.own = new
        self.fiksio.rotate_key(self.account, new.certificate.read_bytes())

    def _decrypt(self, body: bytes) -> bytes:
        for key in (self.own, *self.previous):
            try:
                return decrypt(body, key)
            except OpenSSLFailed:
                continue
        raise OpenSSLFailed("no key of this archive decrypts the payload")

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.connection.is_open:
            self.connection.close()
        shutil.rmtree(self._work, ignore_errors=True)

    # Taking messages.

    def _get(self, wait: float, first: bool) -> tuple[Any, Any, bytes] | None:
        deadline = time.monotonic() + wait
        while True:
            method, properties, body = self.channel.basic_get(self.queue)
            if method is not None:
                return method, properties, body
            if not first or time.monotonic() >= deadline:
                return None
            self.connection.sleep(0.05)  # keeps the connection's heartbeats going

    def serve(self, wait: float = 0) -> int:
        """Answer every message waiting, waiting up to `wait` s for the first; the count."""
        count = 0
        while (message := self._get(wait, first=count == 0)) is not None:
            method, properties, body = message
            try:
                self._handle(properties, body)
            finally:
                self.channel.basic_ack(method.delivery_tag)
            count += 1
        return count

    def take(self, wait: float = 10) -> Taken:
        """The next message, opened with the archive's key (nothing checked, nothing said)."""
        message = self._get(wait, first=True)
        if message is None:
            raise AssertionError("nothing came to the archive")
        method, properties, body = message
        self.channel.basic_ack(method.delivery_tag)
        headers = {name: _text(value) for name, value in (properties.headers or {}).items()}
        files = {}
        if body:
            with zipfile.ZipFile(io.BytesIO(self._decrypt(body))) as archive:
                files = {
                    name: archive.read(name)
                    for name in archive.namelist()
                    if name != "mimetype" and not name.startswith("META-INF/")
                }
        self.last_sender = headers["avsender-id"]
        return Taken(headers["melding-id"], headers["type"], headers["avsender-id"], files)

    def send(
        self,
        message_type: str,
        *,
        reply_to: str | None,
        files: dict[str, bytes] | None = None,
        signer: Pem | None | bool = True,
        sender: str | None = None,
        payload: bytes | None = None,
        receiver: str | None = None,
        headere: dict[str, str] | None = None,
    ) -> str:
        """A message from the archive (or from `sender`) to `receiver` (by default the
        sender of the last message taken): `files` in a container signed by `signer` (True:
        the archive's key; None: unsigned; a Pem: that key) and encrypted for the receiver's
        catalogue certificate, or `payload` as it is. Returns its melding-id."""
        receiver = receiver or self.last_sender
        if receiver is None:
            raise ValueError("no receiver: take a message first, or name one")
        if payload is None and files is not None:
            signed_by = self.own if signer is True else (signer or None)
            payload = encrypt(container(files, signed_by), self._certificate(receiver))
        return self.fiksio.deliver(
            sender=sender or self.account,
            receiver=receiver,
            type=message_type,
            payload=payload or b"",
            svar_pa=reply_to,
            headere=headere,
        )

    def records(self) -> list[Filed]:
        """What the archive has filed, oldest first."""
        return self.holdings.filed()

    def _certificate(self, account: str) -> Path:
        """The account's catalogue certificate, as a file for openssl."""
        pem = self.fiksio.certificate(account)
        if pem is None:
            raise ValueError(f"no account {account} in the catalogue")
        path = self._work / f"{hashlib.sha256(pem).hexdigest()}.pem"
        path.write_bytes(pem)
        return path

    # Answering.

    def _handle(self, properties: Any, body: bytes) -> None:
        headers = {name: _text(value) for name, value in (properties.headers or {}).items()}
        incoming = _Incoming(
            headers.get("melding-id", ""),
            headers.get("type", ""),
            headers.get("avsender-id", ""),
            headers.get("egendefinert-header.klientKorrelasjonsId")
            or headers.get("egendefinert-header.klientKorrelasjonId"),
        )
        self.handled[incoming.type] += 1
        self.last_sender = incoming.sender
        if self.silent_next > 0:
            self.silent_next -= 1
            self._say(incoming, "taken, and left unanswered (silent_next)")
            return
        if self.fail_next > 0:
            self.fail_next -= 1
            self._error(incoming, "serverfeil", "The archive failed (fail_next)")
            return
        try:
            if incoming.type not in PAYLOAD:
                raise noark.Refused(f"this archive does not take {incoming.type!r}")
            files = self._open(body, incoming.sender)
            name = PAYLOAD[incoming.type]
            if name not in files:
                raise noark.Refused(f"the message has no {name}")
            root = self.schemas.validate(incoming.type, files[name], name)
            if incoming.type == SOK:
                self._search(incoming, root)
            else:
                self._file(incoming, root, files)
        except noark.Refused as refused:
            self._error(incoming, "ugyldigforespoersel", str(refused))

    def _open(self, body: bytes, sender: str) -> dict[str, bytes]:
        """The container's files, once it decrypts, holds together and is the sender's."""
        try:
            certificate = self._certificate(sender)
        except ValueError:
            raise noark.Refused("the sender has no certificate in the catalogue") from None
        try:
            plain = self._decrypt(body)
        except OpenSSLFailed:
            raise noark.Refused("the payload does not decrypt with this archive's key") from None
        files, manifest, meta = asice.read_container(plain)
        signature, digests = asice.manifest_digests(manifest)
        if set(digests) != set(files):
            raise noark.Refused(
                f"the manifest lists {sorted(digests)}, the container holds {sorted(files)}"
            )
        for name, data in files.items():
            if hashlib.sha256(data).digest() != digests[name]:
                raise noark.Refused(f"{name} does not match its SHA-256 in the manifest")
        if signature not in meta:
            raise noark.Refused(f"the container has no {signature}")
        folder = Path(tempfile.mkdtemp(dir=self._work))
        try:
            (folder / "manifest").write_bytes(manifest)
            (folder / "signature").write_bytes(meta[signature])
            # -nointern: the signer must be the catalogue's certificate, not one the
            # signature carries; -noverify: the catalogue is the trust, not a chain.
            openssl(
                "cms", "-verify", "-binary", "-inform", "DER", "-in", str(folder / "signature"),
                "-content", str(folder / "manifest"), "-certfile", str(certificate),
                "-nointern", "-noverify", "-out", os.devnull,
            )  # fmt: skip
        except OpenSSLFailed:
            raise noark.Refused(
                "the manifest's signature is not by the sender's catalogue certificate"
            ) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return files

    def _search(self, incoming: _Incoming, root: Any) -> None:
        sok = noark.read_sok(root)
        found = self.holdings.search(sok)
        if not found:
            self._error(incoming, "ikkefunnet", "No mappe in this archive matches the search")
            return
        page = found[sok.skip : sok.skip + sok.take] if sok.take > 0 else found[sok.skip :]
        result = noark.resultat_xml(sok, page, len(found))
        self._reply(incoming, RESULTAT, {"resultat.xml": result}, f"{len(found)} found")

    def _file(self, incoming: _Incoming, root: Any, files: dict[str, bytes]) -> None:
        mappe, registrering = noark.read_arkivmelding(root)
        missing = [
            name for name in (registrering.files if registrering else []) if name not in files
        ]
        if missing:
            raise noark.Refused(f"referanseDokumentfil names files not in the message: {missing}")
        parent = None if mappe else self.holdings.parent(registrering)
        self._reply(incoming, MOTTATT, None, None)
        stored_mappe = self.holdings.mappe(mappe) if mappe else None
        if stored_mappe is not None:
            parent = stored_mappe["systemID"]
        stored = self.holdings.registrering(registrering, parent) if registrering else None
        self.holdings.save()
        receipt = noark.kvittering_xml(stored_mappe, stored)
        state = "existing" if stored and stored.get("existing") else "filed"
        self._reply(incoming, KVITTERING, {"arkivmelding-kvittering.xml": receipt}, state)

    def _error(self, incoming: _Incoming, kind: str, text: str) -> None:
        feil_id = f"ARKIV-{self.holdings.next('feil')}"
        self.holdings.save()
        xml = noark.feil_xml(kind, feil_id, text)
        self._reply(incoming, TYPES + "feilmelding." + kind, {"feilmelding.xml": xml}, text)

    def _reply(
        self,
        incoming: _Incoming,
        message_type: str,
        files: dict[str, bytes] | None,
        outcome: str | None,
    ) -> None:
        """An answer to `incoming`, its files checked against their schema first; `outcome`
        is the line logged (one per message handled: none for the mottatt before a kvittering)."""
        try:
            payload = b""
            if files is not None:
                for name, data in files.items():
                    self.schemas.validate(message_type, data, name)
                receiver = self._certificate(incoming.sender)
                payload = encrypt(container(files, self.own), receiver)
            correlation = incoming.correlation
            self.fiksio.deliver(
                sender=self.account,
                receiver=incoming.sender,
                type=message_type,
                payload=payload,
                svar_pa=incoming.id or None,
                headere={"klientKorrelasjonsId": correlation, "klientKorrelasjonId": correlation}
                if correlation
                else None,
            )
        except ValueError as error:
            self._say(incoming, f"cannot answer: {error}")
            return
        if outcome is not None:
            self._say(incoming, f"{outcome} -> {message_type.removeprefix(TYPES)}")

    def _say(self, incoming: _Incoming, text: str) -> None:
        if self.log is not None:
            self.log(f"{incoming.type.removeprefix(TYPES)} from {incoming.sender}: {text}")
