"""KS's and Digdir's side for Samtale's Fiks IO tests and benchmark, played by fiks_simulator
(code that shares none of Samtale's, written from KS's clients and Digdir's documentation):
what a municipality and the installation's supplier register there, and the settings that
point Samtale at it.

- In Digdir's Samarbeidsportalen, the supplier (the installation's vendor) has one
  Maskinporten client with its enterprise certificate and the scope ks:fiks;
- in Altinn, each municipality delegates ks:fiks to that supplier;
- in KS's Fiks forvaltning, each municipality has an integration (id and password) and two
  accounts: Samtale's, and its archive system's, each with its public certificate.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from fiks_simulator import certs
from fiks_simulator.archive import Archive, Pem
from fiks_simulator.server import Simulator
from samtale.archive.fiks import configured, fiksio, keys, maskinporten, messages

SUPPLIER = "315987601"  # the installation's vendor (a fictional, well-formed number)
CLIENT_ID = "samtale-leverandor"
SCHEMAS = messages.SCHEMAS


def pem_pair(folder: Path, name: str) -> Pem:
    certificate, key = keys.generate(name)
    (folder / f"{name}.crt").write_bytes(certificate)
    (folder / f"{name}.key").write_bytes(key)
    return Pem(folder / f"{name}.crt", folder / f"{name}.key")


def supplier_registered(simulator: Simulator, folder: Path) -> Pem:
    """The installation's Maskinporten client, with its enterprise certificate (the
    organization number in its subject, as Buypass's and Commfides' carry it)."""
    issued = certs.make_enterprise_certificate(SUPPLIER, "Samtale AS")
    certificate, key = certs.write(folder, "leverandor", issued)
    simulator.maskinporten.register_client(
        CLIENT_ID, org=SUPPLIER, certificate_pem=issued.certificate
    )
    return Pem(certificate, key)


@dataclass
class Municipality:
    org: str
    integration: str
    password: str
    account: str  # Samtale's
    archive_account: str
    samtale: Pem
    archive_pem: Pem

    def settings(self, simulator: Simulator) -> dict[str, str]:
        """Its settings, as `tenants configure` or the environment gives them."""
        return {
            "SAMTALE_ARCHIVE_CHANNEL": "fiks",
            "SAMTALE_FIKS_TRANSPORT": "fiksio",
            "SAMTALE_ORGANIZATION_NUMBER": self.org,
            "SAMTALE_FIKS_API_URL": simulator.api_url,
            "SAMTALE_FIKS_AMQP_URL": f"amqps://{simulator.amqp_host}:{simulator.amqp_port}",
            "SAMTALE_FIKS_MASKINPORTEN_URL": simulator.maskinporten_issuer,
            "SAMTALE_FIKS_CA_BUNDLE": str(simulator.ca_bundle),
            "SAMTALE_FIKS_INTEGRATION_ID": self.integration,
            "SAMTALE_FIKS_INTEGRATION_PASSWORD": self.password,
            "SAMTALE_FIKS_ACCOUNT": self.account,
            "SAMTALE_FIKS_CERTIFICATE": str(self.samtale.certificate),
            "SAMTALE_FIKS_PRIVATE_KEY": str(self.samtale.key),
            "SAMTALE_FIKS_ARCHIVE_ACCOUNT": self.archive_account,
            "SAMTALE_FIKS_ARCHIVE_CERTIFICATE": str(self.archive_pem.certificate),
        }


def municipality_registered(
    simulator: Simulator, folder: Path, org: str, *, delegated: bool = True
) -> Municipality:
    """A municipality in Fiks forvaltning (integration, two accounts) and, where `delegated`,
    its delegation of ks:fiks to the supplier in Altinn."""
    folder.mkdir(parents=True, exist_ok=True)
    municipality = Municipality(
        org=org,
        integration=str(uuid.uuid4()),
        password=f"passord-{uuid.uuid4().hex}",
        account=str(uuid.uuid4()),
        archive_account=str(uuid.uuid4()),
        samtale=pem_pair(folder, "samtale"),
        archive_pem=pem_pair(folder, "arkiv"),
    )
    fiks = simulator.fiksio
    fiks.register_integration(municipality.integration, municipality.password, org=org)
    for account, pem, name in (
        (municipality.account, municipality.samtale, "Samtale"),
        (municipality.archive_account, municipality.archive_pem, "Arkiv"),
    ):
        fiks.register_account(
            account,
            org=org,
            name=f"{name} {org}",
            public_certificate_pem=pem.certificate.read_bytes(),
            integrations=[municipality.integration],
        )
    if delegated:
        simulator.maskinporten.delegate(org, SUPPLIER)
    return municipality


def municipality_removed(simulator: Simulator, municipality: Municipality) -> None:
    """Its accounts (and their queues) gone, its delegation revoked: the next test's
    municipality of the same number starts from nothing."""
    for account in (municipality.account, municipality.archive_account):
        simulator.fiksio.remove_account(account)
    simulator.maskinporten.revoke(municipality.org, SUPPLIER)


def installation_settings(client: Pem) -> dict[str, str]:
    return {
        "SAMTALE_MASKINPORTEN_CLIENT_ID": CLIENT_ID,
        "SAMTALE_MASKINPORTEN_CERTIFICATE": str(client.certificate),
        "SAMTALE_MASKINPORTEN_PRIVATE_KEY": str(client.key),
        "SAMTALE_MASKINPORTEN_KID": "",
        "SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER": SUPPLIER,
    }


def forget_kept() -> None:
    """What this process keeps between exchanges: tokens, catalogue certificates, status."""
    maskinporten.TOKENS.clear()
    maskinporten.TOKENS.fetched = 0
    fiksio.KEYS.clear()
    configured.status_forget()


class Answering:
    """The archive answering beside Samtale, as its own process would: a thread serving its
    queue until stopped (`paused` holds it back)."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self.paused = threading.Event()
        self._stop = threading.Event()
        self.errors: list[Exception] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.paused.is_set():
                time.sleep(0.05)
                continue
            try:
                self.archive.serve(wait=0.2)
            except Exception as error:  # noqa: BLE001 - kept for the test to see
                self.errors.append(error)
                time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.archive.close()
        assert self.errors == []
