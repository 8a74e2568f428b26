"""The archive: the organization, how a signed form reaches the personnel file, Fiks Arkiv."""

import os
import re

from config.settings.base import BASE_DIR, DEBUG
from config.settings.env import envint, envtenant, problem
from samtale.core import configurable as c

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
SAMTALE_ARCHIVE_FOLDER = envtenant("SAMTALE_ARCHIVE_FOLDER", "", own=True)
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
# What does not hold together (a channel without what it needs): the same words as
# `tenants configure` says them (samtale.core.configurable.problems).
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
