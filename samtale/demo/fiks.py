"""make run's Fiks IO (`SAMTALE_ARCHIVE_CHANNEL=fiks make run`): KS's Fiks IO, Maskinporten
and each municipality's archive system, played on this machine by fiks_simulator (`python
-m fiks_simulator`, which make run starts beside the app; it shares none of Samtale's code).

`manage.py archive_simulator --setup` (`setup` here) makes, once, in var/fiks/:

- the simulator's certificate authority (ks/ca.crt: what Samtale trusts, SAMTALE_FIKS_CA_BUNDLE);
- the installation's Maskinporten client's enterprise certificate and key (leverandor.*);
- for each municipality, its Samtale account's and its archive's certificates and keys
  (Fjordvik's in var/fiks/, Nordvik's in var/fiks/nordvik/);

and writes what the simulator registers (simulator.json), from each municipality's own
settings as Samtale reads them: its integration (id, password, organization), its two
accounts, its delegation of ks:fiks to the supplier, and its archive answering on its
account. Fjordvik's settings come from the environment (the Makefile's), Nordvik's from the
register (`NORDVIK`, which demo_tenants configures).
"""

import json
from pathlib import Path

from django.conf import settings

from samtale import tenancy
from samtale.archive.fiks import keys
from samtale.tenancy import tenant_settings

# The installation's vendor, the supplier every municipality delegates ks:fiks to.
SUPPLIER = "315987601"
SCHEMAS = Path(settings.BASE_DIR) / "samtale" / "archive" / "schemas" / "fiks-arkiv-v1"


def nordvik(folder: Path) -> dict[str, str]:
    """Nordvik's own Fiks settings on make run: its accounts, integration and keys, and the
    simulator's addresses (those the home municipality is given)."""
    own = folder / "nordvik"
    return {
        "SAMTALE_ARCHIVE_CHANNEL": "fiks",
        "SAMTALE_FIKS_TRANSPORT": "fiksio",
        "SAMTALE_FIKS_API_URL": settings.SAMTALE_FIKS_API_URL,
        "SAMTALE_FIKS_AMQP_URL": settings.SAMTALE_FIKS_AMQP_URL,
        "SAMTALE_FIKS_MASKINPORTEN_URL": settings.SAMTALE_FIKS_MASKINPORTEN_URL,
        "SAMTALE_FIKS_INTEGRATION_ID": "2b8f6c1d-7e4a-4d39-b5c2-8a1f0e9d3c06",
        "SAMTALE_FIKS_INTEGRATION_PASSWORD": "nordvik-demo-integrasjon",
        "SAMTALE_FIKS_ACCOUNT": "6c2d9e84-1f3b-4a7c-8e5d-2b9a0c7f1e11",
        "SAMTALE_FIKS_CERTIFICATE": str(own / "samtale.crt"),
        "SAMTALE_FIKS_PRIVATE_KEY": str(own / "samtale.key"),
        "SAMTALE_FIKS_ARCHIVE_ACCOUNT": "d47a0b39-5c8e-4f12-9b6d-3e1c8a2f5b12",
        "SAMTALE_FIKS_ARCHIVE_CERTIFICATE": str(own / "arkiv.crt"),
    }


def _pair(folder: Path, name: str, subject: str, organization_number: str = "") -> None:
    """A certificate and key made once; existing ones are kept (the simulator and the
    archive's records know them)."""
    if (folder / f"{name}.key").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = keys.generate(subject, organization_number=organization_number)
    (folder / f"{name}.crt").write_bytes(certificate)
    (folder / f"{name}.key").write_bytes(key)
    (folder / f"{name}.key").chmod(0o600)


def _authority(folder: Path) -> None:
    """The simulator's certificate authority, made before the app starts so that Samtale's
    trust (SAMTALE_FIKS_CA_BUNDLE) is in place from its first request."""
    from fiks_simulator import certs

    if certs.read(folder, "ca") is None:
        certs.write(folder, "ca", certs.make_ca("Fiks-simulator (make run)"))


def _municipality(tenant, folder: Path) -> dict:
    """What the simulator registers for one municipality, from its settings."""
    with tenancy.activated(tenant):
        own = tenancy.TenantSettings(tenant)
        org, integration = own.SAMTALE_ORGANIZATION_NUMBER, own.SAMTALE_FIKS_INTEGRATION_ID
        name = tenancy.organization_name() or tenant.slug
        archive = Path(own.SAMTALE_FIKS_ARCHIVE_CERTIFICATE)
        return {
            "delegations": [{"consumer_org": org, "supplier_org": SUPPLIER}],
            "integrations": [
                {
                    "id": integration,
                    "password": own.SAMTALE_FIKS_INTEGRATION_PASSWORD,
                    "org": org,
                }
            ],
            "accounts": [
                {
                    "id": account,
                    "org": org,
                    "name": f"{title} {name}",
                    "certificate": certificate,
                    "integrations": [integration],
                }
                for account, certificate, title in (
                    (own.SAMTALE_FIKS_ACCOUNT, own.SAMTALE_FIKS_CERTIFICATE, "Samtale"),
                    (
                        own.SAMTALE_FIKS_ARCHIVE_ACCOUNT,
                        own.SAMTALE_FIKS_ARCHIVE_CERTIFICATE,
                        "Arkiv",
                    ),
                )
            ],
            "archives": [
                {
                    "account": own.SAMTALE_FIKS_ARCHIVE_ACCOUNT,
                    "certificate": str(archive),
                    "key": str(archive.with_suffix(".key")),
                    "store": str(archive.parent / "arkiv.json"),
                }
            ],
        }


def setup(folder: Path) -> Path:
    """Make what is missing of the keys and certificates, and (again) the simulator's
    configuration from the municipalities on Fiks IO; returns its path."""
    _authority(folder / "ks")
    _pair(folder, "leverandor", "Samtale AS (demo)", SUPPLIER)
    for place, organization in ((folder, "Fjordvik"), (folder / "nordvik", "Nordvik")):
        _pair(place, "samtale", f"Samtale – {organization} kommune")
        _pair(place, "arkiv", f"Arkivsimulator – {organization} kommune")
    config: dict = {
        "schemas": str(SCHEMAS),
        "clients": [
            {
                "client_id": settings.SAMTALE_MASKINPORTEN_CLIENT_ID,
                "org": SUPPLIER,
                "certificate": settings.SAMTALE_MASKINPORTEN_CERTIFICATE,
            }
        ],
    }
    for tenant in tenancy.every_tenant():
        with tenancy.activated(tenant):
            on_fiks_io = tenant_settings.SAMTALE_ARCHIVE_CHANNEL == "fiks"
            on_fiks_io = on_fiks_io and tenant_settings.SAMTALE_FIKS_TRANSPORT == "fiksio"
        if on_fiks_io:
            for key, entries in _municipality(tenant, folder).items():
                config.setdefault(key, []).extend(entries)
    path = folder / "simulator.json"
    path.write_text(json.dumps(config, indent=1, ensure_ascii=False))
    return path
