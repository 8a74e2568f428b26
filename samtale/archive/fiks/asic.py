"""A message's payload as Fiks IO carries it: the files in an ASiC-E container (ETSI EN 319
162-1, a ZIP with a manifest of their digests, signed by the sender), encrypted end to end
for the receiver's X.509 certificate (CMS EnvelopedData, RFC 5652), with `cryptography`.

- ``mimetype`` first and stored: ``application/vnd.etsi.asic-e+zip``;
- the payload files (``arkivmelding.xml``, the PDF, …);
- ``META-INF/ASiCManifest.xml``: each file with its SHA-256;
- ``META-INF/signature.p7s``: the sender's detached CMS signature of the manifest.

The signature is made over the manifest's exact bytes (`PKCS7Options.Binary`: no line
endings converted, as `openssl cms -verify -binary` and a strict ASiC-E verifier check it).

`open_container` takes nothing on trust: it first verifies the signature against the one
certificate the other side is configured with (`signed_by`) over the manifest's exact bytes
(`verify`), then that every file is the one the manifest names (digest and set of names).
`cryptography` makes a CMS signature but does not parse one, so `verify` reads the CMS
SignedData with asn1crypto and checks its signature with `cryptography`: the message digest
of the manifest in the signed attributes, and the signer's signature over them (RSA PKCS #1
v1.5 or PSS, or ECDSA) with the configured certificate's public key. A certificate the
signature carries is never what it is checked against.
"""

import base64
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from lxml import etree

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


class Undecryptable(InvalidContainer):
    """Not encrypted for our certificate, or not CMS EnvelopedData at all."""


class Unsigned(InvalidContainer):
    """No signature, or one that the other side's configured certificate does not verify."""


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


def _signing_key(sender: Identity) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    key = sender.private_key
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ValueError("the sender's RSA or EC private key signs")
    return key


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
        .add_signer(sender.certificate, _signing_key(sender), hashes.SHA256())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _write(archive, "mimetype", MIMETYPE.encode(), stored=True)
        for name, data in sorted(files.items()):
            _write(archive, name, data)
        _write(archive, MANIFEST, manifest)
        _write(archive, SIGNATURE, signature)
    return buffer.getvalue()


HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def _attribute(attributes, name: str):
    values = [a["values"] for a in attributes if a["type"].native == name]
    if len(values) != 1 or len(values[0]) != 1:
        raise Unsigned(f"The signature's {name} attribute is missing or repeated.")
    return values[0][0].native


def _check(public_key, signer, data: bytes, algorithm: hashes.HashAlgorithm) -> None:
    """The signer's signature over `data` with `public_key` (InvalidSignature if not)."""
    signature = signer["signature"].native
    kind = signer["signature_algorithm"].signature_algo
    if isinstance(public_key, rsa.RSAPublicKey) and kind == "rsassa_pkcs1v15":
        public_key.verify(signature, data, padding.PKCS1v15(), algorithm)
    elif isinstance(public_key, rsa.RSAPublicKey) and kind == "rsassa_pss":
        parameters = signer["signature_algorithm"]["parameters"]
        mgf_hash = HASHES.get(parameters["mask_gen_algorithm"]["parameters"]["algorithm"].native)
        if mgf_hash is None:
            raise InvalidSignature
        pss = padding.PSS(padding.MGF1(mgf_hash()), parameters["salt_length"].native)
        public_key.verify(signature, data, pss, algorithm)
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and kind == "ecdsa":
        public_key.verify(signature, data, ec.ECDSA(algorithm))
    else:
        raise InvalidSignature


def verify(content: bytes, signature: bytes, signed_by: Identity) -> None:
    """Raise Unsigned unless `signature` (a detached CMS SignedData, DER) holds a signature
    of `content`'s exact bytes that `signed_by`'s certificate verifies."""
    try:
        info = cms.ContentInfo.load(signature, strict=True)
        if info["content_type"].native != "signed_data":
            raise Unsigned("The signature is not CMS SignedData.")
        signers = list(info["content"]["signer_infos"])
    except Unsigned:
        raise
    except Exception as error:  # asn1crypto's errors on what someone sent
        raise Unsigned(f"The signature cannot be read: {type(error).__name__}") from None
    public_key = signed_by.certificate.public_key()
    for signer in signers:
        try:
            algorithm = HASHES[signer["digest_algorithm"]["algorithm"].native]()
            attributes = signer["signed_attrs"]
            if attributes.native is None:
                _check(public_key, signer, content, algorithm)
                return
            if _attribute(attributes, "content_type") != "data":
                raise Unsigned("The signature is not of data.")
            digest = hashes.Hash(algorithm)
            digest.update(content)
            if _attribute(attributes, "message_digest") != digest.finalize():
                continue  # not a signature of these bytes
            # The signed attributes are signed as a SET OF, not as their [0] IMPLICIT tag.
            _check(public_key, signer, b"\x31" + attributes.dump()[1:], algorithm)
            return
        except Unsigned:
            raise
        except (InvalidSignature, KeyError, ValueError, TypeError):
            continue
    raise Unsigned("The manifest is not signed with the configured certificate.")


def _manifest_digests(manifest: bytes) -> dict[str, str]:
    parser = etree.XMLParser(
        no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(manifest, parser)
    except etree.LxmlError as error:
        raise InvalidContainer(f"The manifest cannot be read: {error}") from None
    if root.getroottree().docinfo.doctype:
        raise InvalidContainer("The manifest has a DOCTYPE.")
    return {
        reference.get("URI"): reference.findtext(f"{{{DS_NS}}}DigestValue")
        for reference in root.iter(f"{{{ASIC_NS}}}DataObjectReference")
    }


def open_container(data: bytes, *, signed_by: Identity) -> dict[str, bytes]:
    """The payload files of a container, its manifest's signature verified against
    `signed_by`'s certificate first, then each file against the manifest."""
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
        try:
            if archive.read("mimetype").decode() != MIMETYPE:
                raise InvalidContainer("The container is not ASiC-E.")
            present = archive.namelist()
            if MANIFEST not in present:
                raise InvalidContainer("The container has no manifest.")
            if SIGNATURE not in present:
                raise Unsigned("The container has no signature.")
            manifest = archive.read(MANIFEST)
            verify(manifest, archive.read(SIGNATURE), signed_by)
            listed = _manifest_digests(manifest)
            names = set(present) - {"mimetype", MANIFEST, SIGNATURE}
            if set(listed) != names or len(present) != len(set(present)):
                raise InvalidContainer("The container's files are not the ones its manifest names.")
            files = {}
            for name in sorted(names):
                content = archive.read(name)
                if base64.b64encode(hashlib.sha256(content).digest()).decode() != listed[name]:
                    raise InvalidContainer(f"{name} is not the file the manifest names.")
                files[name] = content
        except (zipfile.BadZipFile, UnicodeError, RuntimeError, NotImplementedError) as error:
            raise InvalidContainer(f"The container cannot be read: {error}") from None
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
        key = receiver.private_key
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("an RSA key decrypts")
        return pkcs7.pkcs7_decrypt_der(data, receiver.certificate, key, [])
    except ValueError as error:
        raise Undecryptable(f"Cannot decrypt: {error}") from None


def seal(files: dict[str, bytes], *, sender: Identity, receiver: Identity) -> bytes:
    """The files as Fiks IO carries them: a signed container, encrypted for the receiver."""
    return encrypt(container(files, sender), receiver)


def unseal(data: bytes, *, receiver: Identity, sender: Identity) -> dict[str, bytes]:
    """The files of a message sealed for `receiver`, signed by `sender` (or InvalidContainer:
    Undecryptable, Unsigned, or not what its manifest says)."""
    return open_container(decrypt(data, receiver), signed_by=sender)
