"""The Fiks Arkiv V1 messages (archive.fiks.messages): each valid against the official
schema of its message type, and saying what the archive must know to file the signed form
into the employee's personnel file, screened."""

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from samtale.archive import noark
from samtale.archive.fiks import messages as m
from samtale.archive.tests.test_noark import record as noark_record

PDF = b"%PDF-1.7\n% the signed form\n%%EOF\n"
FILE = "6f6b9d0e-1a6f-4f7e-9f43-2d3b1c7e8a90"
RECORD_ID = "6f6b9d0e-1a6f-4f7e-9f43-2d3b1c7e8a91"
NS = {"o": m.NS["opprett"], "md": m.NS["md"], "s": m.NS["samtale"], "q": m.NS["sok"]}


def record(**changes) -> noark.FormRecord:
    """The package tests' form (Kari Nilsen's with Ola Berg), with this PDF."""
    fields: dict[str, Any] = {
        "organization_id": "315987652",
        "document_path": "DOKUMENT/oppfolgingsskjema-17-1.pdf",
        "title": "Oppfølgingsskjema etter medarbeidersamtale 2026",
    }
    return noark_record(PDF, **(fields | changes))


def filing(**changes) -> m.Filing:
    fields: dict[str, Any] = {
        "record": record(),
        "document_name": "oppfolgingsskjema-17-1.pdf",
        "external_key": "oppfolgingsskjema:315987652:17:1",
        "classification_system": "ANSATTNR",
        "round_name": "Medarbeidersamtaler 2026",
    }
    return m.Filing(**(fields | changes))


def parse(data: bytes):
    return etree.fromstring(data)


def one(root, path: str) -> str:
    [value] = root.xpath(path, namespaces=NS)
    return value if isinstance(value, str) else value.text


EVERY_MESSAGE = {
    "arkivmelding, into the personnel file found": (
        m.ARKIVMELDING,
        lambda: m.arkivmelding(filing(personnel_file=FILE)),
    ),
    "arkivmelding, creating the personnel file": (
        m.ARKIVMELDING,
        lambda: m.arkivmelding(filing()),
    ),
    "arkivmelding, a correction": (
        m.ARKIVMELDING,
        lambda: m.arkivmelding(
            filing(
                record=record(revision=2, replaces=1, correction_reason="Feil frist."),
                personnel_file=FILE,
            )
        ),
    ),
    "sok": (m.SOK, lambda: m.sok(classification_system="ANSATTNR", key="10042")),
    "kvittering": (
        m.KVITTERING,
        lambda: m.kvittering(
            registrering_system_id=RECORD_ID,
            journalaar=2026,
            journalsekvensnummer=42,
            mappe_system_id=FILE,
            external_key="k",
            created=True,
        ),
    ),
    "sok resultat, found": (m.SOK_RESULTAT, lambda: m.sokeresultat(mappe_system_id=FILE)),
    "sok resultat, none": (m.SOK_RESULTAT, lambda: m.sokeresultat(mappe_system_id=None)),
    "ugyldigforespoersel": (m.UGYLDIG, lambda: m.feilmelding(m.UGYLDIG, "Ugyldig")),
    "serverfeil": (m.SERVERFEIL, lambda: m.feilmelding(m.SERVERFEIL, "Nede")),
    "ikkefunnet": (m.IKKEFUNNET, lambda: m.feilmelding(m.IKKEFUNNET, "Finnes ikke")),
}


@pytest.mark.parametrize("name", list(EVERY_MESSAGE))
def test_every_message_is_valid_against_the_schema_of_its_type(name):
    message_type, build = EVERY_MESSAGE[name]
    m.validate(message_type, build())


def test_a_message_the_schema_refuses_is_refused_with_its_words():
    broken = m.arkivmelding(filing()).replace(b"<opprett:antallFiler>1", b"<opprett:antallFiler>en")
    with pytest.raises(m.InvalidMessage) as refused:
        m.validate(m.ARKIVMELDING, broken)
    assert "antallFiler" in str(refused.value)
    with pytest.raises(m.InvalidMessage):
        m.validate(m.ARKIVMELDING, b"<not xml")


def test_a_reply_with_an_entity_is_not_expanded():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<ugyldigforespoersel xmlns="' + m.NS["ugyldig"].encode() + b'"><feilId '
        b'xmlns="'
        + m.NS["feil"].encode()
        + b'">1</feilId><feilmelding xmlns="'
        + m.NS["feil"].encode()
        + b'">&e;</feilmelding></ugyldigforespoersel>'
    )
    assert "root:" not in m.error_text(evil)


def test_the_journalpost_files_the_pdf_a_into_the_personnel_file_found():
    root = parse(m.arkivmelding(filing(personnel_file=FILE)))
    assert not root.xpath("o:mappe", namespaces=NS)
    journalpost = root.xpath("o:registrering", namespaces=NS)[0]
    assert journalpost.get(f"{{{m.NS['xsi']}}}type") == "opprett:journalpost"
    assert one(journalpost, "o:referanseForelderMappe/md:systemID") == FILE
    assert one(journalpost, "o:journalposttype/md:kode") == "X"
    assert one(journalpost, "o:journalstatus/md:kode") == "J"
    document = "o:dokumentbeskrivelse"
    assert one(journalpost, f"{document}/o:tilknyttetRegistreringSom/md:kode") == "H"
    objekt = f"{document}/o:dokumentobjekt"
    assert one(journalpost, f"{objekt}/o:variantformat/md:kode") == "A"
    assert one(journalpost, f"{objekt}/o:format/md:kode") == "fmt/476"
    assert one(journalpost, f"{objekt}/o:sjekksum") == hashlib.sha256(PDF).hexdigest()
    assert one(journalpost, f"{objekt}/o:sjekksumAlgoritme") == "SHA256"
    assert one(journalpost, f"{objekt}/o:referanseDokumentfil") == "oppfolgingsskjema-17-1.pdf"
    assert one(root, "o:antallFiler") == "1"


def test_the_type_and_status_are_the_organizations_choice():
    root = parse(m.arkivmelding(filing(journalposttype="N", journalstatus="F")))
    assert one(root, "o:registrering/o:journalposttype/md:kode") == "N"
    assert one(root, "o:registrering/o:journalstatus/md:kode") == "F"


def test_the_signed_forms_facts_go_with_it():
    root = parse(m.arkivmelding(filing(personnel_file=FILE)))
    form = "o:registrering/o:virksomhetsspesifikkeMetadata/s:oppfolgingsskjema"
    assert one(root, f"{form}/s:ansatt/s:navn") == "Kari Nilsen"
    assert one(root, f"{form}/s:ansatt/s:signert") == "2026-03-13T09:15:00+00:00"
    assert one(root, f"{form}/s:leder/s:navn") == "Ola Berg"
    assert one(root, f"{form}/s:leder/s:signert") == "2026-03-13T10:30:00+00:00"
    assert one(root, f"{form}/s:samtalerunde") == "Medarbeidersamtaler 2026"
    assert one(root, f"{form}/s:revisjon") == "1"


def test_a_message_sent_twice_carries_the_same_external_key():
    first = parse(m.arkivmelding(filing(personnel_file=FILE)))
    again = parse(m.arkivmelding(filing(personnel_file=FILE)))
    key = "o:registrering/o:referanseEksternNoekkel"
    assert one(first, f"{key}/md:noekkel") == one(again, f"{key}/md:noekkel")
    assert one(first, f"{key}/md:fagsystem") == "Samtale"
    assert m.arkivmelding(filing(personnel_file=FILE)) == m.arkivmelding(
        filing(personnel_file=FILE)
    )


def test_without_a_personnel_file_one_is_created_classified_and_filed_into():
    root = parse(m.arkivmelding(filing()))
    mappe = root.xpath("o:mappe", namespaces=NS)[0]
    assert one(mappe, "o:klassifikasjon/o:klassifikasjonssystemID") == "ANSATTNR"
    assert one(mappe, "o:klassifikasjon/o:klasseID") == "10042"
    assert one(mappe, "o:klassifikasjon/o:erSkjermet") == "true"
    file_key = one(mappe, "o:referanseEksternNoekkel/md:noekkel")
    parent = "o:registrering/o:referanseForelderMappe/md:referanseEksternNoekkel/md:noekkel"
    assert one(root, parent) == file_key
    assert not mappe.xpath("o:avsluttetDato", namespaces=NS)


def test_the_personnel_file_and_the_form_are_screened():
    root = parse(m.arkivmelding(filing()))
    for unit in ("o:mappe", "o:registrering", "o:registrering/o:dokumentbeskrivelse"):
        assert one(root, f"{unit}/o:skjerming/o:tilgangsrestriksjon/md:kode") == "13"
        assert (
            one(root, f"{unit}/o:skjerming/o:skjermingshjemmel")
            == "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
        )
    # The titles the public may see name nobody; the parties are screened.
    assert "Kari" not in one(root, "o:mappe/o:offentligTittel")
    assert "Kari" not in one(root, "o:registrering/o:offentligTittel")
    assert "Kari" in one(root, "o:registrering/o:tittel")
    assert set(root.xpath("//o:part/o:erSkjermet/text()", namespaces=NS)) == {"true"}


def test_a_national_identity_number_is_only_the_class_it_is_filed_under():
    key = "01017012345"
    data = m.arkivmelding(
        filing(
            record=record(person_key_kind=noark.NATIONAL_ID, person_key=key),
            classification_system="FNR",
        )
    )
    root = parse(data)
    assert one(root, "o:mappe/o:klassifikasjon/o:klasseID") == key
    assert data.count(key.encode()) == 1
    search = parse(m.sok(classification_system="FNR", key=key))
    assert one(search, "//q:mappeKlassifikasjon/q:klasseID") == key


def test_the_search_asks_for_the_personnel_file_by_its_classification():
    root = parse(m.sok(classification_system="ANSATTNR", key="10042"))
    assert one(root, "q:sokdefinisjon/q:parametere/q:felt") == "mappeKlassifikasjon"
    assert one(root, "q:sokdefinisjon/q:parametere/q:operator") == "equal"
    values = "q:sokdefinisjon/q:parametere/q:sokVerdier/q:mappeKlassifikasjon"
    assert one(root, f"{values}/q:klassifikasjonssystemID") == "ANSATTNR"
    assert one(root, f"{values}/q:klasseID") == "10042"


def test_the_replies_are_read():
    assert m.personnel_file_of(m.sokeresultat(mappe_system_id=FILE)) == FILE
    assert m.personnel_file_of(m.sokeresultat(mappe_system_id=None)) is None
    receipt = m.receipt_of(
        m.kvittering(
            registrering_system_id=RECORD_ID,
            journalaar=2026,
            journalsekvensnummer=42,
            mappe_system_id=None,
            external_key="k",
            created=False,
        )
    )
    assert receipt == m.Receipt(RECORD_ID, "2026/42", "", created=False, external_key="k")
    refusal = m.feilmelding(m.UGYLDIG, "Mangler klasse", feil_id="ARK-4711")
    # feilId is text (KS made it a string, not a UUID, in V1 and V2): kept for the archive's support.
    assert m.error_text(refusal) == "Mangler klasse (feilId ARK-4711)"


def test_two_personnel_files_for_one_person_are_for_the_archive_staff_to_resolve():
    one_file = m.sokeresultat(mappe_system_id=FILE)
    root = parse(one_file)
    listing = root.xpath("//*[local-name()='resultatListe']")[0]
    listing.append(etree.fromstring(etree.tostring(listing[0])))
    with pytest.raises(ValueError, match="more than one"):
        m.personnel_file_of(etree.tostring(root))


def test_the_codes_sent_are_in_the_code_lists():
    lists = m.SCHEMAS / "kodelister"

    def codes(name: str) -> set[str]:
        [path] = Path(lists, f"no.ks.fiks.arkiv.v1.kodelister.{name}").glob("*.json")
        return {code["kodeverdi"] for code in json.loads(path.read_text())["kodeliste"]}

    assert {m.JOURNALPOSTTYPE, "N"} <= codes("journalposttype")
    assert {m.JOURNALSTATUS, "F"} <= codes("journalstatus")
    assert m.ARCHIVE_FORMAT in codes("variantformat")
    assert m.MAIN_DOCUMENT in codes("tilknyttetregistreringsom")
    assert m.FINISHED in codes("dokumentstatus")


def test_the_vendored_schemas_are_the_published_ones():
    readme = (m.SCHEMAS / "README.md").read_text()
    rows = [line.split("`") for line in readme.splitlines() if line.startswith("| `")]
    listed = {row[1]: row[3] for row in rows}
    assert len(listed) == 11
    for name, digest in listed.items():
        assert hashlib.sha256((m.SCHEMAS / name).read_bytes()).hexdigest() == digest, name
