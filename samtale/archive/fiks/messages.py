"""The Fiks Arkiv V1 messages of filing a signed form into the employee's personnel file
(KS's protocol between a line-of-business system and the municipality's archive system:
Elements, Public 360, Acos WebSak). Pure builders and readers of the XML payloads; how they
travel is archive.fiks.transport's.

Samtale sends:

- ``no.ks.fiks.arkiv.v1.innsyn.sok`` (``sok.xml``): is there a personnel file classified by
  this employee's key? A ``mappe`` search on its classification (system and class id).
- ``no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett`` (``arkivmelding.xml``): a
  ``journalpost`` whose main document is the PDF/A, filed into the personnel file found
  (``referanseForelderMappe`` by its systemID) or, when there is none, into a personnel
  ``mappe`` classified the same way and created in the same message (referred to by its
  external key).

The archive answers ``…mottatt`` (no payload), then ``…kvittering`` with its own ids, or a
``feilmelding`` (``ugyldigforespoersel``: not to be sent again as it is; ``serverfeil``: try
again later). The same builders make the archive simulator's answers
(``manage.py archive_simulator``), so both sides are checked against the same schemas.

Every message is validated against the vendored Fiks Arkiv V1 schemas (schemas/
fiks-arkiv-v1/, unmodified from ks-no/fiks-arkiv-specification) before it is sent:
`validate` raises InvalidMessage with the schema's words.

Screening: Fiks Arkiv V1 has no per-field screening of metadata; the title the public may
see is ``offentligTittel`` (the title without the employee's name), the parties and the
classification are marked ``erSkjermet``, and ``skjerming`` (access code and legal basis)
is set on the personnel file, the record and the document.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

from samtale.archive.noark import OSLO, FormRecord, clean_text

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "fiks-arkiv-v1"

_BASE = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv"
NS = {
    "opprett": f"{_BASE}/arkivmelding/opprett/v1",
    "kvittering": f"{_BASE}/arkivmelding/opprett/kvittering/v1",
    "sok": f"{_BASE}/sok/v1",
    "resultat": f"{_BASE}/sokeresultat/minimum/v1",
    "minimum": f"{_BASE}/arkivstruktur/minimum/v1",
    "md": f"{_BASE}/metadatakatalog/v1",
    "feil": f"{_BASE}/feil/feilmelding/v1",
    "ugyldig": f"{_BASE}/feil/ugyldigforespoersel/v1",
    "serverfeil": f"{_BASE}/feil/serverfeil/v1",
    "ikkefunnet": f"{_BASE}/feil/ikkefunnet/v1",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    # Samtale's own metadata of the signed form, in virksomhetsspesifikkeMetadata.
    "samtale": "https://samtale.no/standarder/oppfolgingsskjema/v1",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

_PREFIX = "no.ks.fiks.arkiv.v1."
# The Fiks Arkiv versions Samtale speaks, by the name a municipality configures
# (SAMTALE_FIKS_ARKIV_VERSION): the prefix of their message types and their schemas. KS
# started V2 beside V1 in its specification repository (2025, still changing); V2 joins here,
# with its schemas vendored beside V1's, once KS releases it and archives answer it.
VERSIONS = {"v1": (_PREFIX, SCHEMAS)}
ARKIVMELDING = _PREFIX + "arkivering.arkivmelding.opprett"
MOTTATT = ARKIVMELDING + ".mottatt"
KVITTERING = ARKIVMELDING + ".kvittering"
SOK = _PREFIX + "innsyn.sok"
SOK_RESULTAT = SOK + ".resultat.minimum"
UGYLDIG = _PREFIX + "feilmelding.ugyldigforespoersel"
SERVERFEIL = _PREFIX + "feilmelding.serverfeil"
IKKEFUNNET = _PREFIX + "feilmelding.ikkefunnet"
# meldingstyper.json names the first as a possible answer with a typo ("fik"): both count.
UGYLDIG_TYPO = "no.ks.fik.arkiv.v1.feilmelding.ugyldigforespoersel"
ERRORS = {UGYLDIG, UGYLDIG_TYPO, SERVERFEIL, IKKEFUNNET}

# Each message type's payload file and schema (meldingstyper/meldingstyper.json).
PAYLOADS = {
    ARKIVMELDING: ("arkivmelding.xml", ARKIVMELDING + ".xsd"),
    KVITTERING: ("arkivmelding-kvittering.xml", KVITTERING + ".xsd"),
    SOK: ("sok.xml", SOK + ".xsd"),
    SOK_RESULTAT: ("resultat.xml", SOK_RESULTAT + ".xsd"),
    UGYLDIG: ("feilmelding.xml", UGYLDIG + ".xsd"),
    UGYLDIG_TYPO: ("feilmelding.xml", UGYLDIG + ".xsd"),
    SERVERFEIL: ("feilmelding.xml", SERVERFEIL + ".xsd"),
    IKKEFUNNET: ("feilmelding.xml", IKKEFUNNET + ".xsd"),
}

SYSTEM = "Samtale"
# The code lists' values (kodelister/): a signed form is an internal document the archive
# journals (X: «Organinternt dokument uten oppfølging», J: «Journalført»); the organization
# chooses others by the settings.
JOURNALPOSTTYPE = "X"
JOURNALSTATUS = "J"
DOCUMENT_TYPE = "Oppfølgingsskjema"
FINISHED = "F"  # dokumentstatus «Dokumentet er ferdigstilt»
MAIN_DOCUMENT = "H"  # tilknyttetRegistreringSom «Hoveddokument»
ARCHIVE_FORMAT = "A"  # variantformat «Arkivformat»
PDF_MIME = "application/pdf"


class InvalidMessage(ValueError):
    """A message its schema refuses: never sent, never taken for an answer."""

    def __init__(self, message_type: str, errors: list[str]):
        super().__init__(f"{message_type}: " + "; ".join(errors[:5]))
        self.message_type = message_type
        self.errors = errors


@dataclass(frozen=True, kw_only=True)
class Filing:
    """One signed form to file, with what the archive needs to place it.

    classification_system is the archive's id of the classification its personnel files
    are classified by (e.g. "ANSATTNR" or "FNR"); the class id is the record's person key.
    personnel_file is the systemID of the employee's personnel file found by `sok`, or
    None to create one in the same message. external_key is Samtale's own key of the form,
    the same every time it is sent, so the archive recognises a message sent twice.
    """

    record: FormRecord
    document_name: str
    external_key: str
    classification_system: str
    personnel_file: str | None = None
    journalposttype: str = JOURNALPOSTTYPE
    journalstatus: str = JOURNALSTATUS
    round_name: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def file_key(self) -> str:
        """The external key of a personnel file Samtale creates: the organization number and
        the employee number, ids that no rename changes (never a name, which would make the
        archive create a second file for the same person; never the person key, which may
        be a national identity number)."""
        return f"personalmappe:{self.record.organization_id}:{self.record.employee_number}"


@dataclass(frozen=True)
class Receipt:
    """What the archive's kvittering says it filed."""

    registrering_system_id: str
    journalpost: str  # journalår/journalsekvensnummer, or the registreringsID, or ""
    mappe_system_id: str  # the personnel file's systemID, or ""
    created: bool  # created now, or found existing (a message sent twice)
    external_key: str = ""  # the record's external key as the archive echoes it, or ""


def _e(parent: ET.Element | None, ns: str, tag: str, text: object = None, **attrib) -> ET.Element:
    name = f"{{{NS[ns]}}}{tag}"
    element = ET.Element(name, attrib) if parent is None else ET.SubElement(parent, name, attrib)
    if text is not None:
        element.text = str(text)
    return element


def _code(parent: ET.Element, ns: str, tag: str, code: str, description: str = "") -> None:
    element = _e(parent, ns, tag)
    _e(element, "md", "kode", code)
    if description:
        _e(element, "md", "beskrivelse", description)


def _xsi_type(element: ET.Element, ns: str, type_name: str) -> None:
    # xsi:type names a type of the element's schema: the prefix must be declared on it.
    element.set(f"{{{NS['xsi']}}}type", f"{ns}:{type_name}")
    element.set(f"xmlns:{ns}", NS[ns])


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _time(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _external_key(parent: ET.Element, ns: str, key: str) -> None:
    element = _e(parent, ns, "referanseEksternNoekkel")
    _e(element, "md", "fagsystem", SYSTEM)
    _e(element, "md", "noekkel", key)


def _screening(parent: ET.Element, ns: str, record: FormRecord) -> None:
    skjerming = _e(parent, ns, "skjerming")
    _code(skjerming, ns, "tilgangsrestriksjon", record.access_code)
    _e(skjerming, ns, "skjermingshjemmel", record.screening_basis)


def _party(parent: ET.Element, record: FormRecord) -> None:
    part = _e(parent, "opprett", "part")
    _e(part, "opprett", "partID", record.employee_number)
    _e(part, "opprett", "partNavn", record.employee_name)
    _code(part, "opprett", "partRolle", "Ansatt")
    _e(part, "opprett", "erSkjermet", "true")


def _classification(parent: ET.Element, filing: Filing) -> None:
    klassifikasjon = _e(parent, "opprett", "klassifikasjon")
    _e(klassifikasjon, "opprett", "klassifikasjonssystemID", filing.classification_system)
    _e(klassifikasjon, "opprett", "klasseID", filing.record.classified_by)
    _e(klassifikasjon, "opprett", "erSkjermet", "true")


def _personnel_file(root: ET.Element, filing: Filing) -> None:
    """The personnel file, created in the message when the search did not find it:
    classified by the person, screened, and keyed so that a message sent again finds it."""
    record = filing.record
    mappe = _e(root, "opprett", "mappe")
    _e(mappe, "opprett", "tittel", f"Personalmappe – {record.employee_name}")
    _e(mappe, "opprett", "offentligTittel", "Personalmappe")
    _e(mappe, "opprett", "opprettetDato", _time(record.opened_at))
    _e(mappe, "opprett", "opprettetAv", SYSTEM)
    _party(mappe, record)
    _screening(mappe, "opprett", record)
    _classification(mappe, filing)
    _external_key(mappe, "opprett", filing.file_key)


def _dokumentbeskrivelse(journalpost: ET.Element, filing: Filing) -> None:
    """The form as the journalpost's main document, screened, and its one object: the
    PDF/A sent with the message."""
    record = filing.record
    beskrivelse = _e(journalpost, "opprett", "dokumentbeskrivelse")
    _code(beskrivelse, "opprett", "dokumenttype", DOCUMENT_TYPE, DOCUMENT_TYPE)
    _code(beskrivelse, "opprett", "dokumentstatus", FINISHED, "Dokumentet er ferdigstilt")
    _e(beskrivelse, "opprett", "tittel", record.title)
    _e(beskrivelse, "opprett", "opprettetDato", _time(record.signed_at))
    _e(beskrivelse, "opprett", "opprettetAv", record.created_by)
    _code(beskrivelse, "opprett", "tilknyttetRegistreringSom", MAIN_DOCUMENT, "Hoveddokument")
    _e(beskrivelse, "opprett", "dokumentnummer", 1)
    _screening(beskrivelse, "opprett", record)
    objekt = _e(beskrivelse, "opprett", "dokumentobjekt")
    _e(objekt, "opprett", "versjonsnummer", 1)
    _code(objekt, "opprett", "variantformat", ARCHIVE_FORMAT, "Arkivformat")
    _code(objekt, "opprett", "format", record.document_format, "PDF/A")
    _e(objekt, "opprett", "mimeType", PDF_MIME)
    _e(objekt, "opprett", "filnavn", filing.document_name)
    _e(objekt, "opprett", "referanseDokumentfil", filing.document_name)
    _e(objekt, "opprett", "sjekksum", record.document_sha256)
    _e(objekt, "opprett", "sjekksumAlgoritme", "SHA256")
    _e(objekt, "opprett", "filstoerrelse", record.document_size)


def arkivmelding(filing: Filing) -> bytes:
    """``arkivmelding.xml`` of ``…arkivmelding.opprett``: the form as a journalpost in the
    personnel file, which is created first in the same message when it was not found."""
    record = filing.record
    root = _e(None, "opprett", "arkivmelding")
    _e(root, "opprett", "system", SYSTEM)
    _e(root, "opprett", "antallFiler", 1)
    if filing.personnel_file is None:
        _personnel_file(root, filing)

    journalpost = _e(root, "opprett", "registrering")
    _xsi_type(journalpost, "opprett", "journalpost")
    _e(journalpost, "opprett", "opprettetDato", _time(record.signed_at))
    _e(journalpost, "opprett", "opprettetAv", record.created_by)
    parent = _e(journalpost, "opprett", "referanseForelderMappe")
    if filing.personnel_file is not None:
        _e(parent, "md", "systemID", filing.personnel_file)
    else:
        _external_key(parent, "md", filing.file_key)
    _party(journalpost, record)
    _screening(journalpost, "opprett", record)

    _dokumentbeskrivelse(journalpost, filing)

    _e(journalpost, "opprett", "tittel", f"{record.title} – {record.employee_name}")
    _e(journalpost, "opprett", "offentligTittel", record.title)
    _e(journalpost, "opprett", "beskrivelse", _description(filing))
    _e(journalpost, "opprett", "forfatter", record.employee_name)
    _e(journalpost, "opprett", "forfatter", record.leader_name)
    _form_metadata(_e(journalpost, "opprett", "virksomhetsspesifikkeMetadata"), filing)
    _external_key(journalpost, "opprett", filing.external_key)
    _code(journalpost, "opprett", "journalposttype", filing.journalposttype)
    _code(journalpost, "opprett", "journalstatus", filing.journalstatus)
    _e(
        journalpost,
        "opprett",
        "dokumentetsDato",
        record.signed_at.astimezone(OSLO).date().isoformat(),
    )
    return _serialize(root)


def _description(filing: Filing) -> str:
    record = filing.record
    words = [
        f"Medarbeidersamtale holdt {record.held_on:%d.%m.%Y}.",
        f"Ansatt: {record.employee_name}. Leder: {record.leader_name}. Enhet: {record.unit_name}.",
        f"Revisjon {record.revision}, signert av ansatt {_time(record.employee_signed_at)}"
        f" og av leder {_time(record.leader_signed_at)}.",
    ]
    if filing.round_name:
        words.append(f"Samtalerunde: {filing.round_name}.")
    if record.replaces is not None:
        words.append(f"Retter revisjon {record.replaces}. {record.correction_reason}".strip())
    return " ".join(words)


def _form_metadata(parent: ET.Element, filing: Filing) -> None:
    """The signed form's facts for the archive's own use: both parties, when each signed,
    the round, the revision."""
    record = filing.record
    form = _e(parent, "samtale", "oppfolgingsskjema")
    _e(form, "samtale", "samtale", record.conversation_id)
    _e(form, "samtale", "revisjon", record.revision)
    if record.replaces is not None:
        _e(form, "samtale", "retterRevisjon", record.replaces)
    _e(form, "samtale", "holdt", record.held_on.isoformat())
    ansatt = _e(form, "samtale", "ansatt")
    _e(ansatt, "samtale", "navn", record.employee_name)
    _e(ansatt, "samtale", "ansattnummer", record.employee_number)
    _e(ansatt, "samtale", "signert", _time(record.employee_signed_at))
    leder = _e(form, "samtale", "leder")
    _e(leder, "samtale", "navn", record.leader_name)
    _e(leder, "samtale", "signert", _time(record.leader_signed_at))
    if filing.round_name:
        _e(form, "samtale", "samtalerunde", filing.round_name)
    _e(form, "samtale", "sjekksum", record.document_sha256)


def sok(*, classification_system: str, key: str, take: int = 2) -> bytes:
    """``sok.xml`` of ``…innsyn.sok``: the personnel files classified by this key."""
    root = _e(None, "sok", "sok")
    _e(root, "sok", "system", SYSTEM)
    _e(root, "sok", "take", take)
    _e(root, "sok", "skip", 0)
    definition = _e(root, "sok", "sokdefinisjon")
    _xsi_type(definition, "sok", "mappeSokdefinisjon")
    _e(definition, "sok", "responstype", "minimum")
    parameter = _e(definition, "sok", "parametere")
    _e(parameter, "sok", "operator", "equal")
    values = _e(_e(parameter, "sok", "sokVerdier"), "sok", "mappeKlassifikasjon")
    _e(values, "sok", "klassifikasjonssystemID", classification_system)
    _e(values, "sok", "klasseID", clean_text(key))
    _e(parameter, "sok", "felt", "mappeKlassifikasjon")
    return _serialize(root)


# Readers -----------------------------------------------------------------------------------


def _parser():
    from lxml import etree

    # Replies come from outside: no entities, no DTD, no network, no huge trees.
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)


def _parse(data: bytes):
    from lxml import etree

    return etree.fromstring(data, _parser())


def _text(element, path: str) -> str:
    found = None if element is None else element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def personnel_file_of(resultat: bytes) -> str | None:
    """The systemID of the personnel file a ``sok`` found, or None. More than one is an
    error the archive staff must resolve: ValueError."""
    root = _parse(resultat)
    files = root.findall("resultat:resultatListe/resultat:resultatMinimum/resultat:mappe", NS)
    if len(files) > 1:
        raise ValueError("The archive has more than one personnel file with this classification.")
    return _text(files[0], "minimum:systemID") or None if files else None


def receipt_of(kvittering: bytes) -> Receipt:
    """What a ``…kvittering`` says was filed; ValueError if it says the filing failed."""
    root = _parse(kvittering)
    for failed in ("kvittering:mappeFeilet", "kvittering:registreringFeilet"):
        element = root.find(failed, NS)
        if element is not None:
            raise ValueError(_text(element, "feil:feilmelding") or failed)
    registrering = root.find("kvittering:registreringKvittering", NS)
    if registrering is None:
        raise ValueError("The receipt names no record.")
    year = _text(registrering, "kvittering:journalaar")
    number = _text(registrering, "kvittering:journalsekvensnummer")
    journalpost = f"{year}/{number}" if year and number else ""
    return Receipt(
        registrering_system_id=_text(registrering, "kvittering:systemID"),
        journalpost=journalpost or _text(registrering, "kvittering:registreringsID"),
        mappe_system_id=_text(root, "kvittering:mappeKvittering/kvittering:systemID"),
        created=_text(registrering, "kvittering:opprettetEllerEksisterende") != "Eksisterende",
        external_key=_text(registrering, "kvittering:referanseEksternNoekkel/md:noekkel"),
    )


def error_text(feilmelding: bytes) -> str:
    """The archive's own words in a ``feilmelding``, with its id of the error where it gave
    one (``feilId``: text, not a UUID — KS made it a string in V1 and V2 in December 2025),
    so that the archive's support can find it."""
    root = _parse(feilmelding)
    text, error_id = _text(root, "feil:feilmelding"), _text(root, "feil:feilId")[:100]
    return f"{text} (feilId {error_id})" if text and error_id else text


# The archive's side, for the simulator and the tests --------------------------------------


def kvittering(
    *,
    registrering_system_id: str,
    journalaar: int,
    journalsekvensnummer: int,
    mappe_system_id: str | None,
    external_key: str,
    created: bool,
) -> bytes:
    """An archive's ``…kvittering`` of a journalpost, and of the personnel file it created."""
    root = _e(None, "kvittering", "arkivmeldingKvittering")
    state = "Opprettet" if created else "Eksisterende"
    if mappe_system_id is not None:
        mappe = _e(root, "kvittering", "mappeKvittering")
        _e(mappe, "kvittering", "systemID", mappe_system_id)
        _e(mappe, "kvittering", "opprettetEllerEksisterende", state)
    journalpost = _e(root, "kvittering", "registreringKvittering")
    _xsi_type(journalpost, "kvittering", "journalpostKvittering")
    _e(journalpost, "kvittering", "systemID", registrering_system_id)
    _external_key(journalpost, "kvittering", external_key)
    _e(journalpost, "kvittering", "opprettetEllerEksisterende", state)
    _e(journalpost, "kvittering", "journalaar", journalaar)
    _e(journalpost, "kvittering", "journalsekvensnummer", journalsekvensnummer)
    return _serialize(root)


def sokeresultat(*, mappe_system_id: str | None, mappe_id: str = "", tittel: str = "") -> bytes:
    """An archive's ``…sok.resultat.minimum``: the personnel file found, or none."""
    root = _e(None, "resultat", "sokeresultatMinimum")
    _e(root, "resultat", "system", "Arkiv")
    _e(root, "resultat", "take", 2)
    _e(root, "resultat", "skip", 0)
    _e(root, "resultat", "count", 0 if mappe_system_id is None else 1)
    _e(root, "resultat", "resultattype", "mappe")
    results = _e(root, "resultat", "resultatListe")
    if mappe_system_id is not None:
        mappe = _e(_e(results, "resultat", "resultatMinimum"), "resultat", "mappe")
        _e(mappe, "minimum", "systemID", mappe_system_id)
        _e(mappe, "minimum", "mappeID", mappe_id or mappe_system_id)
        _e(mappe, "minimum", "tittel", tittel or "Personalmappe")
    return _serialize(root)


def feilmelding(message_type: str, text: str, feil_id: str | None = None) -> bytes:
    """An archive's error reply: ugyldigforespoersel, serverfeil or ikkefunnet."""
    ns = {UGYLDIG: "ugyldig", SERVERFEIL: "serverfeil", IKKEFUNNET: "ikkefunnet"}[message_type]
    root = _e(None, ns, message_type.rsplit(".", 1)[1])
    _e(root, "feil", "feilId", feil_id or str(uuid.uuid4()))
    _e(root, "feil", "feilmelding", text)
    return _serialize(root)


# Validation ---------------------------------------------------------------------------------


@cache
def _schema(message_type: str):
    from lxml import etree

    path = SCHEMAS / PAYLOADS[message_type][1]
    return etree.XMLSchema(etree.parse(str(path), _parser()))


def validate(message_type: str, payload: bytes) -> None:
    """Raise InvalidMessage unless the payload is what the message type's schema allows.
    No Fiks Arkiv message has a DOCTYPE: one that does is refused before anything else (its
    entities would stay unexpanded, and the schema's validation would fail on them)."""
    from lxml import etree

    try:
        document = etree.fromstring(payload, _parser())
        if document.getroottree().docinfo.doctype:
            raise InvalidMessage(message_type, ["a DOCTYPE, which no Fiks Arkiv message has"])
        schema = _schema(message_type)
        if not schema.validate(document):
            raise InvalidMessage(message_type, [error.message for error in schema.error_log])
    except etree.LxmlError as error:  # XMLSyntaxError, XMLSchemaValidateError, …
        raise InvalidMessage(message_type, [f"{type(error).__name__}: {error}"]) from None
