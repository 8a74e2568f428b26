"""An archive's side of Fiks Arkiv that shares none of Samtale's code: pika for the broker,
the openssl command for CMS (encrypting, decrypting, signing), zipfile and literal XML for
the ASiC-E container and the answers. What Samtale accepts from it, and what it refuses,
says what Samtale checks, not what its own modules agree with themselves on.

Nothing here imports samtale: keep it so.
"""

import base64
import hashlib
import io
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pika

FIKS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv"
TYPES = "no.ks.fiks.arkiv.v1."
SOK = TYPES + "innsyn.sok"
ARKIVMELDING = TYPES + "arkivering.arkivmelding.opprett"
KVITTERING = ARKIVMELDING + ".kvittering"
MOTTATT = ARKIVMELDING + ".mottatt"
IKKEFUNNET = TYPES + "feilmelding.ikkefunnet"
UGYLDIG = TYPES + "feilmelding.ugyldigforespoersel"


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


def openssl(*args: str, data: bytes = b"") -> bytes:
    command = shutil.which("openssl")
    assert command, "the openssl command plays the archive's CMS"
    done = subprocess.run([command, *args], input=data, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
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
        archive.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.etsi.asic-e+zip", zipfile.ZIP_STORED
        )
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


class ForeignArchive:
    """The archive's account on the broker: reads what Samtale sent it, and answers, or
    forges, as a test tells it."""

    def __init__(self, url: str, *, account: str, own: Pem, samtale: str, samtale_pem: Path):
        self.account = account
        self.own = own
        self.samtale = samtale
        self.samtale_pem = samtale_pem
        self.connection = pika.BlockingConnection(pika.URLParameters(url))
        self.channel = self.connection.channel()
        for name in (account, samtale):
            self.channel.queue_declare(queue=f"fiksio.konto.{name}", durable=True)

    def take(self, *, wait: float = 10) -> Taken:
        """The next message Samtale sent the archive, opened with the archive's key."""
        for method, properties, body in self.channel.consume(
            f"fiksio.konto.{self.account}", inactivity_timeout=wait
        ):
            assert method is not None, "Samtale sent the archive nothing"
            self.channel.basic_ack(method.delivery_tag)
            self.channel.cancel()
            headers = properties.headers
            with zipfile.ZipFile(io.BytesIO(decrypt(body, self.own))) as archive:
                files = {
                    name: archive.read(name)
                    for name in archive.namelist()
                    if name != "mimetype" and not name.startswith("META-INF/")
                }
            return Taken(headers["melding-id"], headers["type"], headers["avsender-id"], files)
        raise AssertionError("unreachable")

    def send(
        self,
        message_type: str,
        *,
        reply_to: str,
        files: dict[str, bytes] | None = None,
        signer: Pem | None | bool = True,
        sender: str | None = None,
        payload: bytes | None = None,
    ) -> str:
        """An answer to Samtale: `files` in a container signed by `signer` (True: the
        archive's own key; None: unsigned) and encrypted for Samtale's certificate, or
        `payload` as it is. Returns its melding-id."""
        if payload is None and files is not None:
            signed_by = self.own if signer is True else (signer or None)
            payload = encrypt(container(files, signed_by), self.samtale_pem)
        message_id = str(uuid.uuid4())
        headers = {
            "melding-id": message_id,
            "avsender-id": sender or self.account,
            "mottaker-id": self.samtale,
            "type": message_type,
            "svar-til": reply_to,
        }
        self.channel.basic_publish(
            exchange="",
            routing_key=f"fiksio.konto.{self.samtale}",
            body=payload or b"",
            properties=pika.BasicProperties(
                message_id=message_id, type=message_type, headers=headers, delivery_mode=2
            ),
        )
        return message_id

    def close(self) -> None:
        if self.connection.is_open:
            self.connection.close()
