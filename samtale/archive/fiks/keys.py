"""Certificates and keys of a Fiks IO account, as PEM files.

In production each side's certificate is its enterprise certificate (virksomhetssertifikat)
and Fiks IO publishes the receiver's public key; on a laptop and in the tests,
`generate` makes a self-signed pair for Samtale and for the archive simulator.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from samtale.archive.fiks.asic import Identity


def generate(name: str, *, days: int = 365, organization_number: str = "") -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM): RSA 3072, self-signed, for `name`; with an
    organization number, in the subject's serialNumber as an enterprise certificate
    (virksomhetssertifikat) carries it, for Maskinporten on a laptop."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if organization_number:
        attributes += [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, organization_number),
        ]
    subject = x509.Name(attributes)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def load(certificate: str | Path, private_key: str | Path | None = None) -> Identity:
    """An identity from PEM files (the private key only for one's own side)."""
    key = Path(private_key).read_bytes() if private_key else None
    return Identity.from_pem(Path(certificate).read_bytes(), key)
