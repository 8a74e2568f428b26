"""The archive: the organization, how a signed form reaches the personnel file, Fiks Arkiv."""

import os
import re

from config.settings.base import BASE_DIR, DEBUG
from config.settings.env import envint, envtenant, problem
from samtale.tenancy import configurable as c

# The archive (samtale.archive). The organization's name on every signed follow-up form
# and in the Noark 5 package; empty: the name of the employee's top unit on the form, and
# of the one top unit (or the form's) as the archive creator.
SAMTALE_ORGANIZATION = os.environ.get("SAMTALE_ORGANIZATION", "")
# The organization number (organisasjonsnummer, 9 digits with a modulus 11 check digit):
# the one archive creator's id in the package, part of every systemID and of the personnel
# file's external key. Without it no package is made and nothing is filed (the archive
# queue says why; check --deploy warns); under DEBUG, a fictional number (315 987 652, from
# the synthetic range real numbers never use) for the demo.
SAMTALE_ORGANIZATION_NUMBER = envtenant(
    "SAMTALE_ORGANIZATION_NUMBER",
    "315987652" if DEBUG else "",
    kind=c.ORGANIZATION_NUMBER,
    own=True,
    account=True,
    code="samtale.E019",
)
# What the organization's archive classifies personnel files by: "employee_number", or
# "national_id" (the national identity number: then, and only then, Samtale stores it,
# from the administrator's person form, the import and SCIM; see samtale/org/national_id.py).
SAMTALE_ARCHIVE_PERSON_KEY = envtenant(
    "SAMTALE_ARCHIVE_PERSON_KEY",
    "employee_number",
    kind=c.CHOICE,
    choices=("employee_number", "national_id"),
)
# The message broker Fiks Arkiv's messages travel through on a broker of one's own (the
# archive simulator's, or a municipality's own RabbitMQ): archive.fiks.transport.
AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
# The screening of the personnel file and the form in the archive: the access code
# (tilgangsrestriksjon, as the archive's list names it) and the legal basis (skjermingshjemmel).
SAMTALE_ARCHIVE_ACCESS_CODE = envtenant("SAMTALE_ARCHIVE_ACCESS_CODE", "13")
SAMTALE_ARCHIVE_SCREENING_BASIS = envtenant(
    "SAMTALE_ARCHIVE_SCREENING_BASIS", "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
)
# How a signed form reaches the personnel file: "download" (the archive staff download each
# package from their queue and confirm it registered), "folder" (the worker writes each
# package into SAMTALE_ARCHIVE_FOLDER, e.g. a mounted share the archive system imports from)
# or "fiks" (the worker files it into the personnel file over Fiks Arkiv: SAMTALE_FIKS_*).
SAMTALE_ARCHIVE_CHANNEL = envtenant(
    "SAMTALE_ARCHIVE_CHANNEL",
    "download",
    kind=c.CHOICE,
    choices=("download", "folder", "fiks"),
    own=True,
    unset="download",
)
SAMTALE_ARCHIVE_FOLDER = envtenant(
    "SAMTALE_ARCHIVE_FOLDER", "", kind=c.FOLDER, own=True, account=True
)
# The folder every municipality's SAMTALE_ARCHIVE_FOLDER lies in (e.g. /mnt/arkiv, with
# /mnt/arkiv/nordvik for one): `tenants configure` refuses a folder outside it, or any folder
# while it is unset, and the worker writes no package outside it (a link out included).
# Empty: the environment's folder is written wherever it is, and no tenant configures one.
SAMTALE_ARCHIVE_ROOT = os.environ.get("SAMTALE_ARCHIVE_ROOT", "").strip()
# The permissions of each package written into the drop folder, in octal: 0640 lets an
# importer that runs as another user of the folder's group read it (a new file would get
# 0600, readable by Samtale alone).
_file_mode = os.environ.get("SAMTALE_ARCHIVE_FILE_MODE", "0640")
if not re.fullmatch(r"(0o?)?[0-7]{3}", _file_mode):
    problem(
        "samtale.E021",
        f"SAMTALE_ARCHIVE_FILE_MODE must be an octal mode such as 0640, not {_file_mode!r}.",
    )
    _file_mode = "0640"
SAMTALE_ARCHIVE_FILE_MODE = int(_file_mode[-3:], 8)
# After this many failed attempts at a delivery to the archive the archive staff and the
# administrators are told by e-mail, once while deliveries keep failing (it is tried again
# every 6 hours all the same, and shown at /arkiv/).
SAMTALE_ARCHIVE_ALERT_AFTER = envint("SAMTALE_ARCHIVE_ALERT_AFTER", 5, low=1)
# Fiks Arkiv (SAMTALE_ARCHIVE_CHANNEL=fiks): Samtale's Fiks IO account id, its certificate
# and private key (PEM files), the archive's account id and certificate. On a laptop they
# default to the archive simulator's (`manage.py archive_simulator --setup` makes them in
# var/fiks/); in production each must be set.
FIKS_DIR = BASE_DIR / "var" / "fiks"
SAMTALE_FIKS_ACCOUNT = envtenant(
    "SAMTALE_FIKS_ACCOUNT",
    "5a3f7c21-6b1e-4e0f-9d53-3c2f1b8a7e01" if DEBUG else "",
    kind=c.IDENTIFIER,
    own=True,
    account=True,
)
SAMTALE_FIKS_CERTIFICATE = envtenant(
    "SAMTALE_FIKS_CERTIFICATE", str(FIKS_DIR / "samtale.crt") if DEBUG else "", own=True
)
SAMTALE_FIKS_PRIVATE_KEY = envtenant(
    "SAMTALE_FIKS_PRIVATE_KEY",
    str(FIKS_DIR / "samtale.key") if DEBUG else "",
    own=True,
    secret=True,
)
SAMTALE_FIKS_ARCHIVE_ACCOUNT = envtenant(
    "SAMTALE_FIKS_ARCHIVE_ACCOUNT",
    "9c4e2b17-3d8a-4f61-8a0e-7b5d2c9f4a02" if DEBUG else "",
    kind=c.IDENTIFIER,
    own=True,
)
SAMTALE_FIKS_ARCHIVE_CERTIFICATE = envtenant(
    "SAMTALE_FIKS_ARCHIVE_CERTIFICATE", str(FIKS_DIR / "arkiv.crt") if DEBUG else "", own=True
)
# How the messages travel (archive.fiks.transport): "fiksio", KS's Fiks IO (HTTPS with a
# Maskinporten token to send, AMQP over TLS to receive; archive.fiks.fiksio), or "amqp", the
# same queues on a broker of one's own at AMQP_URL (a laptop's archive simulator, the tests).
SAMTALE_FIKS_TRANSPORT = envtenant(
    "SAMTALE_FIKS_TRANSPORT",
    "fiksio",
    kind=c.CHOICE,
    choices=("fiksio", "amqp"),
    own=True,
    unset="fiksio",
)
# Which of KS's environments the municipality's account is in: "production" or "test". It
# names the defaults of the three addresses below (KS's and Digdir's published ones).
FIKS_ENVIRONMENTS = {
    "production": {
        "SAMTALE_FIKS_API_URL": "https://api.fiks.ks.no",
        "SAMTALE_FIKS_AMQP_URL": "amqps://io.fiks.ks.no:5671",
        "SAMTALE_FIKS_MASKINPORTEN_URL": "https://maskinporten.no/",
    },
    "test": {
        "SAMTALE_FIKS_API_URL": "https://api.fiks.test.ks.no",
        "SAMTALE_FIKS_AMQP_URL": "amqps://io.fiks.test.ks.no:5671",
        "SAMTALE_FIKS_MASKINPORTEN_URL": "https://test.maskinporten.no/",
    },
}
SAMTALE_FIKS_ENVIRONMENT = envtenant(
    "SAMTALE_FIKS_ENVIRONMENT",
    "production",
    kind=c.CHOICE,
    choices=("production", "test"),
    own=True,
    unset="production",
)


def _named(name: str):
    """A Fiks address's default: the one its environment names."""
    return lambda get: FIKS_ENVIRONMENTS[str(get("SAMTALE_FIKS_ENVIRONMENT"))][name]


# Fiks IO's API (sending, the catalogue of accounts' certificates), its AMQP server
# (receiving) and Maskinporten's issuer (its token endpoint is the issuer's /token); the
# defaults are production's, and with SAMTALE_FIKS_ENVIRONMENT=test KS's test environment's
# (https://api.fiks.test.ks.no, amqps://io.fiks.test.ks.no:5671, https://test.maskinporten.no/).
SAMTALE_FIKS_API_URL = envtenant(
    "SAMTALE_FIKS_API_URL",
    "https://api.fiks.ks.no",
    kind=c.URL,
    own=True,
    derived=_named("SAMTALE_FIKS_API_URL"),
)
SAMTALE_FIKS_AMQP_URL = envtenant(
    "SAMTALE_FIKS_AMQP_URL",
    "amqps://io.fiks.ks.no:5671",
    kind=c.AMQP_URL,
    own=True,
    derived=_named("SAMTALE_FIKS_AMQP_URL"),
)
SAMTALE_FIKS_MASKINPORTEN_URL = envtenant(
    "SAMTALE_FIKS_MASKINPORTEN_URL",
    "https://maskinporten.no/",
    kind=c.URL,
    own=True,
    derived=_named("SAMTALE_FIKS_MASKINPORTEN_URL"),
)
# Unset, the home municipality's addresses are its environment's too (as a registered
# one's are, `derived`).
for _named_address in FIKS_ENVIRONMENTS["production"]:
    if not os.environ.get(_named_address, "").strip():
        globals()[_named_address] = FIKS_ENVIRONMENTS[SAMTALE_FIKS_ENVIRONMENT][_named_address]
# The municipality's integration in KS's Fiks forvaltning (its id and password), which has
# access to its account.
SAMTALE_FIKS_INTEGRATION_ID = envtenant(
    "SAMTALE_FIKS_INTEGRATION_ID", "", kind=c.IDENTIFIER, own=True
)
SAMTALE_FIKS_INTEGRATION_PASSWORD = envtenant(
    "SAMTALE_FIKS_INTEGRATION_PASSWORD", "", own=True, secret=True
)
# The CA certificates (a PEM file) Fiks IO's and Maskinporten's TLS certificates are verified
# against; empty: the system's. A certificate that does not verify is refused, never skipped.
SAMTALE_FIKS_CA_BUNDLE = envtenant("SAMTALE_FIKS_CA_BUNDLE", "")
# A municipality that runs its own Maskinporten client signs in with it, as itself: its id,
# its enterprise certificate (PEM, in the grant's x5c) or the id of a key registered for the
# client (kid), and the private key (PEM).
SAMTALE_FIKS_MASKINPORTEN_CLIENT_ID = envtenant("SAMTALE_FIKS_MASKINPORTEN_CLIENT_ID", "", own=True)
SAMTALE_FIKS_MASKINPORTEN_CERTIFICATE = envtenant(
    "SAMTALE_FIKS_MASKINPORTEN_CERTIFICATE", "", own=True
)
SAMTALE_FIKS_MASKINPORTEN_KID = envtenant("SAMTALE_FIKS_MASKINPORTEN_KID", "", own=True)
SAMTALE_FIKS_MASKINPORTEN_PRIVATE_KEY = envtenant(
    "SAMTALE_FIKS_MASKINPORTEN_PRIVATE_KEY", "", own=True, secret=True
)
# The Fiks Arkiv version its archive speaks: the message types and schemas Samtale sends
# (archive.fiks.messages.VERSIONS).
SAMTALE_FIKS_ARKIV_VERSION = envtenant(
    "SAMTALE_FIKS_ARKIV_VERSION", "v1", kind=c.CHOICE, choices=("v1",)
)
# The installation's Maskinporten client, as the supplier (leverandør) every municipality
# without a client of its own delegates ks:fiks to in Altinn: its id, its enterprise
# certificate (x5c) or registered key's id (kid), its private key, and the supplier's
# organization number (a municipality with that number signs in as itself, without
# consumer_org). Not a municipality's setting: the environment's alone.
SAMTALE_MASKINPORTEN_CLIENT_ID = os.environ.get("SAMTALE_MASKINPORTEN_CLIENT_ID", "")
SAMTALE_MASKINPORTEN_CERTIFICATE = os.environ.get("SAMTALE_MASKINPORTEN_CERTIFICATE", "")
SAMTALE_MASKINPORTEN_KID = os.environ.get("SAMTALE_MASKINPORTEN_KID", "")
SAMTALE_MASKINPORTEN_PRIVATE_KEY = os.environ.get("SAMTALE_MASKINPORTEN_PRIVATE_KEY", "")
SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER = os.environ.get(
    "SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER", ""
).replace(" ", "")
if SAMTALE_MASKINPORTEN_CLIENT_ID and not (
    SAMTALE_MASKINPORTEN_PRIVATE_KEY
    and (SAMTALE_MASKINPORTEN_CERTIFICATE or SAMTALE_MASKINPORTEN_KID)
):
    problem(
        "samtale.E020",
        "SAMTALE_MASKINPORTEN_CLIENT_ID needs SAMTALE_MASKINPORTEN_PRIVATE_KEY and "
        "SAMTALE_MASKINPORTEN_CERTIFICATE (or SAMTALE_MASKINPORTEN_KID).",
    )
if SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER and not c.organization_number_valid(
    SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER
):
    problem(
        "samtale.E020",
        "SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER must be the 9 digits of an organization "
        f"number, not {SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER!r}.",
    )
# How long Samtale waits for Fiks IO's answer to a request (a sent message whose answer does
# not come within it may have arrived: Samtale waits for the archive's answer to it).
SAMTALE_FIKS_TIMEOUT_SECONDS = envint("SAMTALE_FIKS_TIMEOUT_SECONDS", 30, low=1, high=300)
# What does not hold together (a channel without what it needs): the same words as
# `tenants configure` says them (samtale.tenancy.configurable.problems).
for _problem in c.problems(globals().get):
    problem("samtale.E020", _problem)
# The archive's classification system its personnel files are classified by (its own id,
# e.g. ANSATTNR or FNR), and the journalpost's type and status (the Fiks Arkiv code lists:
# X «Organinternt dokument uten oppfølging», J «Journalført»).
SAMTALE_FIKS_CLASSIFICATION = envtenant("SAMTALE_FIKS_CLASSIFICATION", "ANSATTNR")
SAMTALE_FIKS_JOURNALPOSTTYPE = os.environ.get("SAMTALE_FIKS_JOURNALPOSTTYPE", "X")
SAMTALE_FIKS_JOURNALSTATUS = os.environ.get("SAMTALE_FIKS_JOURNALSTATUS", "J")
# How long a message may wait for the archive: unanswered after this, it is sent again.
SAMTALE_FIKS_LIFETIME_MINUTES = envint("SAMTALE_FIKS_LIFETIME_MINUTES", 60)
# The largest answer taken from the Fiks account, in bytes as it arrives (encrypted): the
# archive's answers are a few small XML files; a larger one is set aside unopened.
SAMTALE_FIKS_MAX_ANSWER_BYTES = envint("SAMTALE_FIKS_MAX_ANSWER_BYTES", 10 * 1024 * 1024)
