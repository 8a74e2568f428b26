"""arkivstruktur.xml and endringslogg.xml of the Noark 5 package (noark.py, whose notes
say what each holds and why): the signed revision in the archive's structure, and the
changes of metadata that bear on its authenticity."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from samtale.archive.noark import (
    ARKIVSTRUKTUR_NS,
    CLASSIFICATION,
    ENDRINGSLOGG_NS,
    OSLO,
    PDFA_VERSIONS,
    FormRecord,
    SystemIds,
    archive_title,
    child,
    xml_bytes,
    xml_root,
    xml_time,
)

ARKIVDEL_TITLE = "Oppfølgingsskjema fra medarbeidersamtaler"
DOCUMENT_TYPE = "Oppfølgingsskjema"
PART_ROLE = "Ansatt"
UNDER_EDITING = "Dokumentet er under redigering"
FINISHED = "Dokumentet er ferdigstilt"
NO_VALUE = "Ingen"
WHOLE_DOCUMENT = "Skjerming av hele dokumentet"


def _local(value: datetime) -> str:
    return f"{value.astimezone(OSLO):%d.%m.%Y kl. %H.%M}"


def _description(record: FormRecord) -> str:
    sentences = [
        f"Medarbeidersamtale holdt {record.held_on:%d.%m.%Y}.",
        f"Ansatt: {record.employee_name}, ansattnummer {record.employee_number}.",
        f"Leder: {record.leader_name}.",
        f"Enhet: {record.unit_name}.",
        f"Revisjon {record.revision}, signert av ansatt {_local(record.employee_signed_at)}"
        f" og av leder {_local(record.leader_signed_at)}.",
    ]
    if record.description:
        sentences.append(record.description)
    return " ".join(sentences)


def _skjerming(parent: ET.Element, record: FormRecord, *metadata: str, document=False) -> None:
    """Screened under the record's legal basis: the named metadata, or the whole document."""
    skjerming = child(parent, "skjerming")
    child(skjerming, "tilgangsrestriksjon", record.access_code)
    child(skjerming, "skjermingshjemmel", record.screening_basis)
    for name in metadata:
        child(skjerming, "skjermingMetadata", name)
    if document:
        child(skjerming, "skjermingDokument", WHOLE_DOCUMENT)


def arkivstruktur_xml(
    record: FormRecord, ids: SystemIds, *, created_at: datetime, system: str
) -> bytes:
    """arkivstruktur.xml: arkiv → arkivdel → klassifikasjonssystem → klasse → mappe →
    registrering → dokumentbeskrivelse → dokumentobjekt, each unit in its parent and each
    element where the schema orders it."""
    now, signed = xml_time(created_at), xml_time(record.signed_at)
    # Every unit was opened no later than what it holds: the personnel file when its first
    # form came, the form when both had signed it.
    opened = xml_time(record.opened_at)
    arkiv, arkivdel = _arkiv(record, ids, opened=opened, now=now, system=system)
    klasse = _klasse(arkivdel, record, ids, opened=opened, system=system)
    mappe = _mappe(klasse, record, ids, opened=opened, now=now, system=system)
    _registrering(mappe, record, ids, signed=signed, now=now, system=system)
    return xml_bytes(arkiv)


def _arkiv(
    record: FormRecord, ids: SystemIds, *, opened: str, now: str, system: str
) -> tuple[ET.Element, ET.Element]:
    """The organization's archive and its one arkivdel, for the follow-up forms."""
    arkiv = xml_root("arkiv", ARKIVSTRUKTUR_NS)
    child(arkiv, "systemID", ids.arkiv)
    child(arkiv, "tittel", archive_title(record))
    child(arkiv, "dokumentmedium", "Elektronisk arkiv")
    _opened_and_cut(arkiv, opened, now, system)
    arkivskaper = child(arkiv, "arkivskaper")
    child(arkivskaper, "arkivskaperID", record.organization_id)
    child(arkivskaper, "arkivskaperNavn", record.organization_name)

    arkivdel = child(arkiv, "arkivdel")
    child(arkivdel, "systemID", ids.arkivdel)
    child(arkivdel, "tittel", ARKIVDEL_TITLE)
    child(arkivdel, "arkivdelstatus", "Aktiv periode")
    _opened_and_cut(arkivdel, opened, now, system)
    return arkiv, arkivdel


def _klasse(
    arkivdel: ET.Element, record: FormRecord, ids: SystemIds, *, opened: str, system: str
) -> ET.Element:
    """The personnel files are classified by person: one class per employee, by the key
    the archive finds them by, its title (the name) screened."""
    kind, system_title = CLASSIFICATION[record.person_key_kind]
    klassifikasjonssystem = child(arkivdel, "klassifikasjonssystem")
    child(klassifikasjonssystem, "systemID", ids.klassifikasjonssystem)
    child(klassifikasjonssystem, "klassifikasjonstype", kind)
    child(klassifikasjonssystem, "tittel", system_title)
    child(klassifikasjonssystem, "opprettetDato", opened)
    child(klassifikasjonssystem, "opprettetAv", system)
    klasse = child(klassifikasjonssystem, "klasse")
    child(klasse, "systemID", ids.klasse)
    child(klasse, "klasseID", record.classified_by)
    child(klasse, "tittel", record.employee_name)
    child(klasse, "opprettetDato", opened)
    child(klasse, "opprettetAv", system)
    _skjerming(klasse, record, "klasseID", "tittel")
    return klasse


def _mappe(
    klasse: ET.Element, record: FormRecord, ids: SystemIds, *, opened: str, now: str, system: str
) -> ET.Element:
    """The employee's personnel file, the employee its party; its title and party screened."""
    mappe = child(klasse, "mappe")
    child(mappe, "systemID", ids.mappe)
    child(mappe, "mappeID", record.employee_number)
    child(mappe, "tittel", f"Personalmappe – {record.employee_name} ({record.employee_number})")
    child(mappe, "offentligTittel", "Personalmappe")
    # The v5.0 schema makes avsluttetDato mandatory on every mappe: here it is the moment
    # the extract was cut, not the file's closing (see noark's notes).
    _opened_and_cut(mappe, opened, now, system)
    part = child(mappe, "part")
    child(part, "partID", record.employee_number)
    child(part, "partNavn", record.employee_name)
    child(part, "partRolle", PART_ROLE)
    _skjerming(mappe, record, "tittel", "partNavn")
    return mappe


def _registrering(
    mappe: ET.Element, record: FormRecord, ids: SystemIds, *, signed: str, now: str, system: str
) -> None:
    """The signed revision: its document, then (as the schema orders it) its title,
    description and authors, and for a correction what it corrects."""
    registrering = child(mappe, "registrering")
    child(registrering, "systemID", ids.registrering)
    child(registrering, "opprettetDato", signed)
    child(registrering, "opprettetAv", record.created_by)
    child(registrering, "arkivertDato", now)
    child(registrering, "arkivertAv", system)
    _skjerming(registrering, record, "beskrivelse", "forfatter")
    _dokumentbeskrivelse(registrering, record, ids, signed=signed, system=system)

    # The schema puts the registrering's title and description after its documents.
    child(registrering, "tittel", record.title)
    child(registrering, "offentligTittel", record.title)
    child(registrering, "beskrivelse", _description(record))
    child(registrering, "forfatter", record.employee_name)
    child(registrering, "forfatter", record.leader_name)
    if ids.replaces is not None:
        _correction(registrering, record, ids, signed=signed)


def _dokumentbeskrivelse(
    registrering: ET.Element, record: FormRecord, ids: SystemIds, *, signed: str, system: str
) -> None:
    """The form as the main document, screened whole, and its one object: the PDF/A."""
    beskrivelse = child(registrering, "dokumentbeskrivelse")
    child(beskrivelse, "systemID", ids.dokumentbeskrivelse)
    child(beskrivelse, "dokumenttype", DOCUMENT_TYPE)
    child(beskrivelse, "dokumentstatus", FINISHED)
    child(beskrivelse, "tittel", record.title)
    child(beskrivelse, "opprettetDato", signed)
    child(beskrivelse, "opprettetAv", record.created_by)
    child(beskrivelse, "tilknyttetRegistreringSom", "Hoveddokument")
    child(beskrivelse, "dokumentnummer", 1)
    child(beskrivelse, "tilknyttetDato", signed)
    child(beskrivelse, "tilknyttetAv", system)
    _skjerming(beskrivelse, record, "tittel", document=True)

    objekt = child(beskrivelse, "dokumentobjekt")
    child(objekt, "systemID", ids.dokumentobjekt)
    child(objekt, "versjonsnummer", 1)
    child(objekt, "variantformat", "Arkivformat")
    child(objekt, "format", record.document_format)
    child(objekt, "formatDetaljer", f"PDF/A-{PDFA_VERSIONS[record.document_format]}")
    child(objekt, "opprettetDato", signed)
    child(objekt, "opprettetAv", system)
    child(objekt, "referanseDokumentfil", record.document_path)
    child(objekt, "sjekksum", record.document_sha256)
    child(objekt, "sjekksumAlgoritme", "SHA256")
    child(objekt, "filstoerrelse", record.document_size)


def _correction(registrering: ET.Element, record: FormRecord, ids: SystemIds, *, signed: str):
    """A correction says which revision it corrects and why, and refers to its registrering."""
    merknad = child(registrering, "merknad")
    text = (
        f"Retter revisjon {record.replaces} av oppfølgingsskjemaet (registrering {ids.replaces})."
    )
    if record.correction_reason:
        text += f" Årsak: {record.correction_reason}"
    child(merknad, "merknadstekst", text)
    child(merknad, "merknadsdato", signed)
    child(merknad, "merknadRegistrertAv", record.created_by)
    kryssreferanse = child(registrering, "kryssreferanse")
    child(kryssreferanse, "referanseTilRegistrering", ids.replaces)


def _opened_and_cut(unit: ET.Element, opened: str, now: str, system: str) -> None:
    child(unit, "opprettetDato", opened)
    child(unit, "opprettetAv", system)
    child(unit, "avsluttetDato", now)
    child(unit, "avsluttetAv", system)


@dataclass(frozen=True)
class Endring:
    unit: uuid.UUID
    metadata: str
    at: datetime
    by: str
    before: str
    after: str


def logged_changes(record: FormRecord, ids: SystemIds) -> list[Endring]:
    changes = []
    if ids.replaces is not None:
        changes.append(
            Endring(
                ids.registrering,
                "referanseTilRegistrering",
                record.signed_at,
                record.created_by,
                NO_VALUE,
                str(ids.replaces),
            )
        )
    changes.append(
        Endring(
            ids.dokumentbeskrivelse,
            "dokumentstatus",
            record.signed_at,
            record.last_signer,
            UNDER_EDITING,
            FINISHED,
        )
    )
    return changes


def endringslogg_xml(changes: list[Endring]) -> bytes:
    root = xml_root("endringslogg", ENDRINGSLOGG_NS)
    for change in changes:
        endring = child(root, "endring")
        child(endring, "referanseArkivenhet", change.unit)
        child(endring, "referanseMetadata", change.metadata)
        child(endring, "endretDato", xml_time(change.at))
        child(endring, "endretAv", change.by)
        child(endring, "tidligereVerdi", change.before)
        child(endring, "nyVerdi", change.after)
    return xml_bytes(root)
