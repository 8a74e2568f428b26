"""A message's payload as Fiks IO carries it: the files in an ASiC-E container (ETSI EN 319
162-1, a ZIP with a manifest of their digests, signed by the sender), encrypted end to end
for the receiver's X.509 certificate (CMS EnvelopedData, RFC 5652), with `cryptography`.

- ``mimetype`` first and stored: ``application/vnd.etsi.asic-e+zip``;
- the payload files (``arkivmelding.xml``, the PDF, …);
- ``META-INF/ASiCManifest.xml``: each file with its SHA-256;
- ``META-INF/signature.p7s``: the sender's detached CMS signature of the manifest.

`open_container` checks that every file is the one the manifest names (digest and set of
names). `cryptography` can make a CMS signature but not verify one, so the signature is
carried for the archive and not checked here: the receiver's own Fiks IO client does that.
"""

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

MIMETYPE = "application/vnd.etsi.asic-e+zip"
MANIFEST = "META-INF/ASiCManifest.xml"
SIGNATURE = "META-INF/signature.p7s"
ASIC_NS = "http://uri.etsi.org/02918/v1.2.1#"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# A container holds a few XML files and one PDF: far below this.
MAX_SIZE = 50 * 1024 * 1024


class InvalidContainer(ValueError):
    """A container that is not what its manifest says, or cannot be opened."""


@dataclass(frozen=True)
class Identity:
    """One side's certificate and, for its own side, the private key."""

    certificate: x509.Certificate
    private_key: object | None = None

    @classmethod
    def from_pem(cls, certificate: bytes, private_key: bytes | None = None) -> "Identity":
        key = None
        if private_key is not None:
            key = serialization.load_pem_private_key(private_key, password=None)
        return cls(x509.load_pem_x509_certificate(certificate), key)


def _manifest(files: dict[str, bytes]) -> bytes:
    ET.register_namespace("asic", ASIC_NS)
    ET.register_namespace("ds", DS_NS)
    root = ET.Element(f"{{{ASIC_NS}}}ASiCManifest")
    ET.SubElement(
        root, f"{{{ASIC_NS}}}SigReference", URI=SIGNATURE, MimeType="application/pkcs7-signature"
    )
    for name, data in sorted(files.items()):
        reference = ET.SubElement(root, f"{{{ASIC_NS}}}DataObjectReference", URI=name)
        ET.SubElement(reference, f"{{{DS_NS}}}DigestMethod", Algorithm=SHA256)
        digest = ET.SubElement(reference, f"{{{DS_NS}}}DigestValue")
        digest.text = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _write(archive: zipfile.ZipFile, name: str, data: bytes, *, stored: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def container(files: dict[str, bytes], sender: Identity) -> bytes:
    """The files as a signed ASiC-E container."""
    if not files or any(name == "mimetype" or name.startswith("META-INF/") for name in files):
        raise ValueError("A container needs files, none of them named as its own parts.")
    manifest = _manifest(files)
    signature = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(sender.certificate, sender.private_key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _write(archive, "mimetype", MIMETYPE.encode(), stored=True)
        for name, data in sorted(files.items()):
            _write(archive, name, data)
        _write(archive, MANIFEST, manifest)
        _write(archive, SIGNATURE, signature)
    return buffer.getvalue()


def open_container(data: bytes) -> dict[str, bytes]:
    """The payload files of a container, each checked against the manifest."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InvalidContainer(f"Not a container: {error}") from None
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_SIZE:
            raise InvalidContainer("The container is too large.")
        if not infos or infos[0].filename != "mimetype":
            raise InvalidContainer("The container does not start with its mimetype.")
        if archive.read("mimetype").decode() != MIMETYPE:
            raise InvalidContainer("The container is not ASiC-E.")
        names = {info.filename for info in infos} - {"mimetype", MANIFEST, SIGNATURE}
        if MANIFEST not in archive.namelist():
            raise InvalidContainer("The container has no manifest.")
        manifest = ET.fromstring(archive.read(MANIFEST))  # noqa: S314 (our own tiny format, no DTD)
        listed = {}
        for reference in manifest.iter(f"{{{ASIC_NS}}}DataObjectReference"):
            listed[reference.get("URI")] = reference.findtext(f"{{{DS_NS}}}DigestValue")
        if set(listed) != names:
            raise InvalidContainer("The container's files are not the ones its manifest names.")
        files = {}
        for name in sorted(names):
            content = archive.read(name)
            if base64.b64encode(hashlib.sha256(content).digest()).decode() != listed[name]:
                raise InvalidContainer(f"{name} is not the file the manifest names.")
            files[name] = content
        return files


def encrypt(data: bytes, receiver: Identity) -> bytes:
    """CMS EnvelopedData (DER) that only the receiver's private key opens (AES-256)."""
    return (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(data)
        .set_content_encryption_algorithm(pkcs7.algorithms.AES256)
        .add_recipient(receiver.certificate)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


def decrypt(data: bytes, receiver: Identity) -> bytes:
    try:
        return pkcs7.pkcs7_decrypt_der(data, receiver.certificate, receiver.private_key, [])
    except ValueError as error:
        raise InvalidContainer(f"Cannot decrypt: {error}") from None


def seal(files: dict[str, bytes], *, sender: Identity, receiver: Identity) -> bytes:
    """The files as Fiks IO carries them: a signed container, encrypted for the receiver."""
    return encrypt(container(files, sender), receiver)


def unseal(data: bytes, *, receiver: Identity) -> dict[str, bytes]:
    return open_container(decrypt(data, receiver))
