"""The archive: the organization, how a signed form reaches the personnel file, Fiks Arkiv."""

import os
import re

from config.settings.base import BASE_DIR, DEBUG
from config.settings.env import envchoice, envint, problem

# The archive (samtale.archive). The organization's name on every signed follow-up form
# and in the Noark 5 package; empty: the name of the employee's top unit on the form, and
# of the one top unit (or the form's) as the archive creator.
SAMTALE_ORGANIZATION = os.environ.get("SAMTALE_ORGANIZATION", "")
# The organization number (organisasjonsnummer, 9 digits with a modulus 11 check digit):
# the one archive creator's id in the package, part of every systemID and of the personnel
# file's external key. Without it no package is made and nothing is filed (the archive
# queue says why; check --deploy warns); under DEBUG, a fictional number (315 987 652, from
# the synthetic range real numbers never use) for the demo.
SAMTALE_ORGANIZATION_NUMBER = os.environ.get(
    "SAMTALE_ORGANIZATION_NUMBER", "315987652" if DEBUG else ""
).replace(" ", "")


def _organization_number_valid(number: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}", number):
        return False
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    check = 11 - sum(int(d) * w for d, w in zip(number[:8], weights, strict=True)) % 11
    return (0 if check == 11 else check) == int(number[8])


if SAMTALE_ORGANIZATION_NUMBER and not _organization_number_valid(SAMTALE_ORGANIZATION_NUMBER):
    problem(
        "samtale.E019",
        "SAMTALE_ORGANIZATION_NUMBER must be the 9 digits of the number, its last a valid "
        f"modulus 11 check digit, not {SAMTALE_ORGANIZATION_NUMBER!r}.",
    )
# What the organization's archive classifies personnel files by: "employee_number", or
# "national_id" (the national identity number: then, and only then, Samtale stores it,
# from the administrator's person form, the import and SCIM; see samtale/org/national_id.py).
SAMTALE_ARCHIVE_PERSON_KEY = envchoice(
    "SAMTALE_ARCHIVE_PERSON_KEY", "employee_number", ("employee_number", "national_id")
)
# The message broker Fiks Arkiv's messages travel through on a broker of one's own (the
# archive simulator's, or a municipality's own RabbitMQ): archive.fiks.transport.
AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
# The screening of the personnel file and the form in the archive: the access code
# (tilgangsrestriksjon, as the archive's list names it) and the legal basis (skjermingshjemmel).
SAMTALE_ARCHIVE_ACCESS_CODE = os.environ.get("SAMTALE_ARCHIVE_ACCESS_CODE", "13")
SAMTALE_ARCHIVE_SCREENING_BASIS = os.environ.get(
    "SAMTALE_ARCHIVE_SCREENING_BASIS", "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
)
# How a signed form reaches the personnel file: "download" (the archive staff download each
# package from their queue and confirm it registered), "folder" (the worker writes each
# package into SAMTALE_ARCHIVE_FOLDER, e.g. a mounted share the archive system imports from)
# or "fiks" (the worker files it into the personnel file over Fiks Arkiv: SAMTALE_FIKS_*).
SAMTALE_ARCHIVE_CHANNEL = envchoice(
    "SAMTALE_ARCHIVE_CHANNEL", "download", ("download", "folder", "fiks")
)
SAMTALE_ARCHIVE_FOLDER = os.environ.get("SAMTALE_ARCHIVE_FOLDER", "")
if SAMTALE_ARCHIVE_CHANNEL == "folder" and not SAMTALE_ARCHIVE_FOLDER:
    problem("samtale.E020", "SAMTALE_ARCHIVE_CHANNEL=folder needs SAMTALE_ARCHIVE_FOLDER.")
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
SAMTALE_FIKS_ACCOUNT = os.environ.get(
    "SAMTALE_FIKS_ACCOUNT", "5a3f7c21-6b1e-4e0f-9d53-3c2f1b8a7e01" if DEBUG else ""
)
SAMTALE_FIKS_CERTIFICATE = os.environ.get(
    "SAMTALE_FIKS_CERTIFICATE", str(FIKS_DIR / "samtale.crt") if DEBUG else ""
)
SAMTALE_FIKS_PRIVATE_KEY = os.environ.get(
    "SAMTALE_FIKS_PRIVATE_KEY", str(FIKS_DIR / "samtale.key") if DEBUG else ""
)
SAMTALE_FIKS_ARCHIVE_ACCOUNT = os.environ.get(
    "SAMTALE_FIKS_ARCHIVE_ACCOUNT", "9c4e2b17-3d8a-4f61-8a0e-7b5d2c9f4a02" if DEBUG else ""
)
SAMTALE_FIKS_ARCHIVE_CERTIFICATE = os.environ.get(
    "SAMTALE_FIKS_ARCHIVE_CERTIFICATE", str(FIKS_DIR / "arkiv.crt") if DEBUG else ""
)
if SAMTALE_ARCHIVE_CHANNEL == "fiks":
    _missing = [
        name
        for name in (
            "SAMTALE_FIKS_ACCOUNT",
            "SAMTALE_FIKS_CERTIFICATE",
            "SAMTALE_FIKS_PRIVATE_KEY",
            "SAMTALE_FIKS_ARCHIVE_ACCOUNT",
            "SAMTALE_FIKS_ARCHIVE_CERTIFICATE",
        )
        if not globals()[name]
    ]
    if _missing:
        problem("samtale.E020", f"SAMTALE_ARCHIVE_CHANNEL=fiks needs {', '.join(_missing)}.")
# The archive's classification system its personnel files are classified by (its own id,
# e.g. ANSATTNR or FNR), and the journalpost's type and status (the Fiks Arkiv code lists:
# X «Organinternt dokument uten oppfølging», J «Journalført»).
SAMTALE_FIKS_CLASSIFICATION = os.environ.get("SAMTALE_FIKS_CLASSIFICATION", "ANSATTNR")
SAMTALE_FIKS_JOURNALPOSTTYPE = os.environ.get("SAMTALE_FIKS_JOURNALPOSTTYPE", "X")
SAMTALE_FIKS_JOURNALSTATUS = os.environ.get("SAMTALE_FIKS_JOURNALSTATUS", "J")
# How long a message may wait for the archive: unanswered after this, it is sent again.
SAMTALE_FIKS_LIFETIME_MINUTES = envint("SAMTALE_FIKS_LIFETIME_MINUTES", 60)
# The largest answer taken from the Fiks account, in bytes as it arrives (encrypted): the
# archive's answers are a few small XML files; a larger one is set aside unopened.
SAMTALE_FIKS_MAX_ANSWER_BYTES = envint("SAMTALE_FIKS_MAX_ANSWER_BYTES", 10 * 1024 * 1024)
