"""The certificates the stack's own services serve TLS with (compose.yaml): a certificate
authority of the stack's own and one server certificate for PostgreSQL, PgBouncer and
RabbitMQ, by every name the processes reach them at (the service names on the stack's
network, and 127.0.0.1 where podman runs them in the host's network). Made once per stack
in var/stack/<project>-tls/ and kept; `make stack` and `make stack-test` hand the folder to
compose as SAMTALE_TLS_DIR. A site brings its own (docs/running/containers.md): the same
three files, `ca.crt`, `server.crt` and `server.key`.

The folder is readable by the services' own users inside their containers (the key is
copied by each to a file of its own, mode 0600, at start: PostgreSQL refuses a key others
can read); var/stack/ itself is the host user's alone."""

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NAMES = ("localhost", "db", "db2", "pgbouncer", "pgbouncer2", "rabbitmq")
ADDRESSES = ("127.0.0.1",)
FILES = ("ca.crt", "server.crt", "server.key")


def tls_folder(var: Path, project: str) -> Path:
    """The stack's certificates, made where they are not."""
    folder = var / f"{project}-tls"
    if all((folder / name).exists() for name in FILES):
        return folder
    var.mkdir(parents=True, exist_ok=True)
    var.chmod(0o700)
    folder.mkdir(exist_ok=True)
    folder.chmod(0o755)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Samtale stack CA ({project})")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName(name) for name in NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in ADDRESSES]
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "samtale-stack")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=398))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(x509.SubjectAlternativeName(names), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.crt").write_bytes(ca.public_bytes(pem))
    (folder / "server.crt").write_bytes(server.public_bytes(pem))
    (folder / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    for name in FILES:
        (folder / name).chmod(0o644)
    return folder


def _usage(*, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=not cert_sign,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
