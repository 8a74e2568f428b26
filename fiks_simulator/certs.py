"""The certificates of the simulated world, made with `cryptography`.

- The simulator's own certificate authority (the one a client of the simulator trusts, in
  place of the public CAs that sign api.fiks.ks.no, io.fiks.ks.no and maskinporten.no).
- The TLS server certificate for the HTTPS API and the AMQPS gateway, valid for 127.0.0.1
  and localhost (subjectAltName, RFC 6125: clients check the name there, not in the CN).
- Stand-ins for enterprise certificates (virksomhetssertifikat): a Norwegian enterprise
  certificate carries the organization number in the subject's serialNumber attribute
  (Buypass and Commfides both do so); Maskinporten takes one in the grant's x5c header
  (docs.digdir.no, maskinporten_protocol_jwtgrant) and a Fiks IO account publishes one in
  the catalogue for its senders to encrypt to (fiks-io-send-client-dotnet, CatalogHandler).

Everything is handed out as PEM bytes; `write` puts a pair in a folder with the key at 0600.
"""

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key, both PEM."""

    certificate: bytes
    key: bytes


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def load_certificate(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


def _name(common_name: str, organization: str, serial_number: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if serial_number:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    return x509.Name(attributes)


def _build(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Name, rsa.RSAPrivateKey] | None,
    *,
    valid_from: datetime.datetime | None,
    valid_to: datetime.datetime | None,
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    issuer_name = issuer[0] if issuer else subject
    issuer_key = issuer[1] if issuer else key
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or now - DAY)
        .not_valid_after(valid_to or now + 3650 * DAY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
    )


def make_ca(name: str = "Fiks simulator CA") -> Issued:
    """A self-signed RSA certificate authority (basicConstraints CA:true, keyCertSign)."""
    key = new_key()
    subject = _name(name, "Fiks simulator")
    certificate = (
        _build(subject, key, None, valid_from=None, valid_to=None)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate.public_bytes(serialization.Encoding.PEM), key_pem(key))


def _usage(*, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _issuer(ca: Issued) -> tuple[x509.Name, rsa.RSAPrivateKey]:
    return load_certificate(ca.certificate).subject, load_key(ca.key)


def make_server_certificate(
    ca: Issued, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
) -> Issued:
    """A TLS server certificate signed by `ca`, each host an IP or DNS subjectAltName."""
    key = new_key()
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    certificate = (
        _build(_name(hosts[0], "Fiks simulator"), key, _issuer(ca), valid_from=None, valid_to=None)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(_usage(), critical=True)
        .sign(load_key(ca.key), hashes.SHA256())
    )
    return Issued(certificate.public_bytes(serialization.Encoding.PEM), key_pem(key))


def make_enterprise_certificate(
    org: str,
    name: str,
    *,
    ca: Issued | None = None,
    valid_from: datetime.datetime | None = None,
    valid_to: datetime.datetime | None = None,
) -> Issued:
    """A virksomhetssertifikat stand-in for organization number `org` (9 digits): subject
    C=NO, O=`name`, CN=`name`, serialNumber=`org`. Signed by `ca`, or self-signed."""
    if not (len(org) == 9 and org.isdigit()):
        raise ValueError(f"an organization number is 9 digits, not {org!r}")
    key = new_key()
    issuer = _issuer(ca) if ca else None
    certificate = (
        _build(_name(name, name, org), key, issuer, valid_from=valid_from, valid_to=valid_to)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(), critical=True)
        .sign(issuer[1] if issuer else key, hashes.SHA256())
    )
    return Issued(certificate.public_bytes(serialization.Encoding.PEM), key_pem(key))


def write_private(path: Path, data: bytes) -> None:
    """`data` to `path`, readable by its owner only (0600) from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT


def write(folder: Path, name: str, issued: Issued) -> tuple[Path, Path]:
    """`<name>.crt` and `<name>.key` (0600) in `folder`; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / f"{name}.crt", folder / f"{name}.key"
    certificate.write_bytes(issued.certificate)
    write_private(key, issued.key)
    return certificate, key


def read(folder: Path, name: str) -> Issued | None:
    """The pair `write` left in `folder`, or None when either file is missing."""
    certificate, key = folder / f"{name}.crt", folder / f"{name}.key"
    if not (certificate.exists() and key.exists()):
        return None
    return Issued(certificate.read_bytes(), key.read_bytes())
