"""The Noark 5 package for one signed revision of the follow-up form (oppfølgingsskjema).

A pure builder (arkivuttrekk.build_package; the XML of arkivstruktur.py and arkivuttrekk.py,
on what this module defines): it is given what was signed and the PDF/A, and returns the
package's files as bytes; the same input gives the same bytes (the package's time is passed
in, and every systemID is a UUID derived from what it identifies). The tests validate every file against
the official Noark 5 v5.0 and ADDML 8.3 schemas, which the package also carries. Only the
standard library is used, since lxml is a test dependency.

The files, named as Noark 5 chapter 6.4 names an extract's files:

- the PDF/A under the path the record gives (e.g. ``dokumenter/<uuid>.pdf``);
- ``arkivstruktur.xml``: arkiv → arkivdel → klassifikasjonssystem → klasse → mappe →
  registrering → dokumentbeskrivelse → dokumentobjekt;
- ``endringslogg.xml``: the changes of metadata that bear on the record's authenticity;
- ``arkivuttrekk.xml``: ADDML after Arkivverket's Noark 5 template (addml-standard,
  maler/noark5.xml), with the SHA-256 of every other file;
- the schemas it names (``arkivstruktur.xsd``, ``metadatakatalog.xsd``,
  ``endringslogg.xsd``) and ``addml.xsd``, as published: Noark 5 (6.4.15, 6.4.20) wants
  them in the package, and Arkade 5 reads each schema ADDML names from inside it.

Choices, and why:

- The personnel file is classified by person, as Noark 5 files a personnel file: a
  klassifikasjonssystem of the kind the archive uses (by employee number: «Objektbasert»;
  by national identity number: «Fødselsnummer»), a ``klasse`` per employee whose klasseID
  is that key, and in it the ``mappe`` with the employee number as ``mappeID`` and the
  employee as its ``part``. A ``saksmappe`` needs a case number (saksaar,
  sakssekvensnummer), a responsible unit and officer and a case status; the archive
  assigns those when it opens the personnel case, and Samtale, a specialist system
  (fagsystem), would have to invent them. A national identity number appears only as the
  klasseID: the class's systemID is derived from the employee number, since a uuid5 of
  an identity number is a hash that a search of the valid numbers reverses.
- Screened (``skjerming``) under the organization's access code and legal basis, by
  default offentleglova § 13 with forvaltningsloven § 13 first paragraph no. 1: the class's
  id and title, the personnel file's title and party (its ``offentligTittel`` is
  «Personalmappe», without the name), the record's description and authors, and the whole
  document; ADDML says the extract holds screened information.
- Each signed revision is a plain ``registrering``: an internal document between a leader
  and an employee, archived, not journaled. A ``journalpost`` needs the journal's year,
  sequence numbers and status, which only the archive's journal can give, and the standard
  ties an ``arkivnotat`` to a saksmappe.
- ``dokumentbeskrivelse``: dokumenttype «Oppfølgingsskjema» (the code list is open),
  dokumentstatus «Dokumentet er ferdigstilt», tilknyttetRegistreringSom «Hoveddokument».
  ``dokumentobjekt``: versjonsnummer 1 (each revision is its own frozen document),
  variantformat «Arkivformat», the format as a PRONOM id (fmt/476, PDF/A-2a) with
  formatDetaljer, sjekksum and sjekksumAlgoritme «SHA256», filstoerrelse in bytes.
- A correction (revision 2 or later) is a new registrering in the same mappe, with a
  ``kryssreferanse`` whose ``referanseTilRegistrering`` is the corrected revision's
  registrering, and a ``merknad`` that says so and why. The earlier registrering is not
  repeated: it went to the archive in its own package and is frozen there.
- ``endringslogg.xml`` must hold at least one ``endring``. Every package logs the moment
  the form was frozen: on the dokumentbeskrivelse, dokumentstatus went from «Dokumentet er
  under redigering» to «Dokumentet er ferdigstilt» when the second of the two signed, by
  that person. A correction also logs its cross-reference on the new registrering, from
  «Ingen» (the schema wants a value) to the corrected registrering's systemID. Every
  endring refers to a unit in this package, as the standard asks.
- Dates run in order: every unit from arkiv down to the mappe is dated when the personnel
  file got its first form from Samtale (``file_opened_at``), a record when both had signed
  it, its archiving and the extract's cut when the package was made (never before the
  signing). The v5.0 schema makes avsluttetDato and avsluttetAv mandatory on arkiv,
  arkivdel and mappe (it was written for deposits of closed periods), so a valid package
  cannot leave them out: they carry the package's time and the system, meaning "the
  extract was cut here", not "the personnel file is closed"; arkivdelstatus says «Aktiv
  periode», and arkivstatus is left out. The Fiks Arkiv message, which files into a
  living personnel file, has no closing date.
- One archive creator for the organization: ``organization_id`` is the organization
  number (package.archive_creator), whichever unit the employee is in.
- Arkade 5 reads the properties of every data object right below the extract and takes a
  ``file`` there for an XML file to validate: the ``dokumenter`` object gives its count of
  document files, and each document's file and checksum is one level below it.
- Not in the package: ``info.xml``: its schema imports xlink.xsd from loc.gov, so it
  cannot be validated offline, and it describes a transfer to a depot (agreements,
  submitters) that Samtale knows nothing of.
- Values are bokmål and not translated: the standard's code values are Norwegian, and the
  record must not depend on the language of whoever made the package.
- Text is cleaned once, in FormRecord: CRLF and CR become LF, other C0 control characters
  than tab and newline are removed (XML 1.0 forbids them), as are surrogates and U+FFFE/F,
  and the ends are trimmed. Times are written in Europe/Oslo with their offset, to the
  second.
"""

import io
import json
import re
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

ARKIVSTRUKTUR_NS = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
ENDRINGSLOGG_NS = "http://www.arkivverket.no/standarder/noark5/endringslogg"
ADDML_NS = "http://www.arkivverket.no/standarder/addml"

ARKIVSTRUKTUR = "arkivstruktur.xml"
ENDRINGSLOGG = "endringslogg.xml"
ARKIVUTTREKK = "arkivuttrekk.xml"
# The schemas the package names, inside it beside the files they describe, as published
# (vendored unmodified in schemas/, see its README).
SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = {
    "arkivstruktur.xsd": "v5.0/arkivstruktur.xsd",
    "metadatakatalog.xsd": "v5.0/metadatakatalog.xsd",
    "endringslogg.xsd": "v5.0/endringslogg.xsd",
    "addml.xsd": "addml-v8.3/addml.xsd",
}
PACKAGE_FILES = (ARKIVSTRUKTUR, ENDRINGSLOGG, ARKIVUTTREKK, *SCHEMA_FILES)

# What the personnel files are classified by: the key the organization's archive uses.
EMPLOYEE_NUMBER, NATIONAL_ID = "employee_number", "national_id"
CLASSIFICATION = {
    # key: (klassifikasjonstype, the classification system's title)
    EMPLOYEE_NUMBER: ("Objektbasert", "Personalmapper etter ansattnummer"),
    NATIONAL_ID: ("Fødselsnummer", "Personalmapper etter fødselsnummer"),
}
# Screening by default: offentleglova § 13 with forvaltningsloven § 13 first paragraph no. 1
# (personal matters under the duty of confidentiality). tilgangsrestriksjon's code is the
# archive's; "13" is the usual one for offl. § 13.
ACCESS_CODE = "13"
SCREENING_BASIS = "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"

PDFA_2A = "fmt/476"
# PRONOM id → PDF/A part and conformance, for formatDetaljer and ADDML's format.
PDFA_VERSIONS = {"fmt/95": "1a", "fmt/354": "1b", "fmt/476": "2a", "fmt/477": "2b", "fmt/478": "2u"}

# Chosen once at random. Never change it: every systemID Samtale has delivered derives from it.
NAMESPACE = uuid.UUID("f9d7d709-1044-4a37-ac53-38f173b5cb8d")

OSLO = ZoneInfo("Europe/Oslo")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP can say: the package has no file times


_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_SHA256 = re.compile("[0-9a-f]{64}")
# Relative, forward slashes, ASCII; no empty, hidden or ".." segments: the same on every
# system that unpacks the package, and never outside it.
_MEMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")


def clean_text(value: str) -> str:
    """The text as XML 1.0 can carry it and a parser gives it back: see the module's notes."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub("", value).strip()


def require_aware(value: object, name: str) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{name} must be a datetime with a time zone")


# Each must hold something after cleaning: the schema wants at least one character.
_REQUIRED_TEXT = (
    "organization_name",
    "organization_id",
    "unit_name",
    "employee_name",
    "employee_number",
    "leader_name",
    "title",
    "created_by",
)


def _check_member_name(name: str) -> None:
    if not _MEMBER.fullmatch(name):
        raise ValueError(f"{name!r} is not a safe relative path in the package")


@dataclass(frozen=True, kw_only=True)
class FormRecord:
    """One signed revision of a conversation's follow-up form, as the archive gets it.

    organization_id is the arkivskaperID, the organization number (archive.package never
    makes a record without it); it is also part of every systemID, so that two
    organizations' conversation 17 never share one, and no rename changes one. conversation_id and revision are the stable key of the document.
    replaces is the revision number this one corrects, in the same conversation.
    description, if given, is added to the registrering's description.
    """

    organization_name: str
    organization_id: str
    unit_name: str
    employee_name: str
    employee_number: str
    leader_name: str
    title: str
    held_on: date
    employee_signed_at: datetime
    leader_signed_at: datetime
    created_by: str
    conversation_id: int | str
    revision: int
    document_path: str
    document_sha256: str
    document_size: int
    document_format: str = PDFA_2A
    replaces: int | None = None
    correction_reason: str = ""
    description: str = ""
    # The personnel file's classification: by the employee number (person_key empty) or
    # by what the archive uses instead (see CLASSIFICATION).
    person_key_kind: str = EMPLOYEE_NUMBER
    person_key: str = ""
    # When the personnel file was first given a form by Samtale (the first signed form of
    # this employee): its opening, no later than anything in it. None: this form's signing.
    file_opened_at: datetime | None = None
    access_code: str = ACCESS_CODE
    screening_basis: str = SCREENING_BASIS

    def __post_init__(self) -> None:
        # Cleaned here, once, so the systemIDs and the XML are made from the same values.
        for name in (*_REQUIRED_TEXT, "correction_reason", "description", "person_key"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))
            if name in _REQUIRED_TEXT and not getattr(self, name):
                raise ValueError(f"{name} is empty")
        if not str(self.conversation_id):
            raise ValueError("conversation_id is empty")
        if isinstance(self.held_on, datetime) or not isinstance(self.held_on, date):
            raise ValueError("held_on must be a date")
        require_aware(self.employee_signed_at, "employee_signed_at")
        require_aware(self.leader_signed_at, "leader_signed_at")
        if self.revision < 1:
            raise ValueError("revision must be 1 or more")
        if self.replaces is not None and not 1 <= self.replaces < self.revision:
            raise ValueError("replaces must be an earlier revision")
        if not _SHA256.fullmatch(self.document_sha256):
            raise ValueError("document_sha256 must be 64 lowercase hexadecimal digits")
        if self.document_size < 0:
            raise ValueError("document_size must not be negative")
        if self.document_format not in PDFA_VERSIONS:
            raise ValueError(f"{self.document_format!r} is not a PRONOM id of PDF/A")
        _check_member_name(self.document_path)
        if self.document_path in PACKAGE_FILES:
            raise ValueError(f"{self.document_path!r} is the name of a package file")
        if self.person_key_kind not in CLASSIFICATION:
            raise ValueError(f"{self.person_key_kind!r} is not a kind of person key")
        if self.person_key_kind != EMPLOYEE_NUMBER and not self.person_key:
            raise ValueError("person_key is empty")
        if self.file_opened_at is not None:
            require_aware(self.file_opened_at, "file_opened_at")
            if self.file_opened_at > self.signed_at:
                raise ValueError("file_opened_at must not be after the signing")
        for name in ("access_code", "screening_basis"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))
            if not getattr(self, name):
                raise ValueError(f"{name} is empty")

    @property
    def signed_at(self) -> datetime:
        """When the form was signed by both, and so frozen."""
        return max(self.employee_signed_at, self.leader_signed_at)

    @property
    def opened_at(self) -> datetime:
        """When the personnel file was opened, as far as Samtale knows."""
        return self.file_opened_at or self.signed_at

    @property
    def classified_by(self) -> str:
        """The personnel file's class: the employee number or the archive's own key."""
        return self.person_key or self.employee_number

    @property
    def last_signer(self) -> str:
        if self.employee_signed_at > self.leader_signed_at:
            return self.employee_name
        return self.leader_name


def system_id(*parts: object) -> uuid.UUID:
    """A UUID for what the parts name, the same every time: uuid5 under Samtale's namespace.

    The parts are joined as a JSON list of strings, so ("a/b", "c") and ("a", "b/c") differ.
    """
    if not parts:
        raise ValueError("system_id needs at least one part")
    return uuid.uuid5(NAMESPACE, json.dumps([str(part) for part in parts], ensure_ascii=False))


@dataclass(frozen=True)
class SystemIds:
    """The systemIDs of one package's units, for the package and for whoever keeps track."""

    arkiv: uuid.UUID
    arkivdel: uuid.UUID
    klassifikasjonssystem: uuid.UUID
    klasse: uuid.UUID
    mappe: uuid.UUID
    registrering: uuid.UUID
    dokumentbeskrivelse: uuid.UUID
    dokumentobjekt: uuid.UUID
    replaces: uuid.UUID | None  # the registrering of the revision this one corrects


def system_ids(record: FormRecord) -> SystemIds:
    """The package's systemIDs: per organization (arkiv, arkivdel), per employee (mappe),
    per conversation and revision (the rest)."""
    org = record.organization_id

    def of_revision(kind: str, revision: int) -> uuid.UUID:
        return system_id(org, kind, record.conversation_id, revision)

    return SystemIds(
        arkiv=system_id(org, "arkiv"),
        arkivdel=system_id(org, "arkivdel"),
        klassifikasjonssystem=system_id(org, "klassifikasjonssystem", record.person_key_kind),
        # By the employee number even where the class is a national identity number: a
        # uuid5 of one would be a hash that a search of the few valid numbers reverses.
        klasse=system_id(org, "klasse", record.person_key_kind, record.employee_number),
        mappe=system_id(org, "mappe", record.employee_number),
        registrering=of_revision("registrering", record.revision),
        dokumentbeskrivelse=of_revision("dokumentbeskrivelse", record.revision),
        dokumentobjekt=of_revision("dokumentobjekt", record.revision),
        replaces=(
            None if record.replaces is None else of_revision("registrering", record.replaces)
        ),
    )


@cache
def schema_files() -> dict[str, bytes]:
    """The schemas the package names, by their name in it, byte for byte as published."""
    return {name: (SCHEMAS / path).read_bytes() for name, path in SCHEMA_FILES.items()}


def write_zip(files: Mapping[str, bytes]) -> bytes:
    """The files as a ZIP that is the same bytes for the same files, on any machine.

    Names sorted, one fixed time, fixed permissions, and stored rather than deflated: the
    compressed bytes depend on the zlib build, and the PDF/A is compressed already.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            _check_member_name(name)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, so the permissions below mean what they say
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, files[name])
    return buffer.getvalue()


# XML, written by the package's files (arkivstruktur.py, arkivuttrekk.py) with these


def child(parent: ET.Element, tag: str, text: object = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = str(text)
    return element


def xml_root(tag: str, namespace: str, **attrib: str) -> ET.Element:
    # The namespace as a plain xmlns attribute and unqualified names below it: ElementTree
    # writes that as it is, where its default_namespace option would refuse ADDML's
    # unqualified attributes.
    return ET.Element(tag, {"xmlns": namespace, **attrib})


def xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def xml_time(value: datetime) -> str:
    return value.astimezone(OSLO).isoformat(timespec="seconds")


def archive_title(record: FormRecord) -> str:
    return f"Personalarkiv – {record.organization_name}"
