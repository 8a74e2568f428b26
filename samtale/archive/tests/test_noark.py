"""The Noark 5 package: every XML file valid against the official schemas (vendored in
schemas/, never edited, loaded without network), checksums that match the files, systemIDs
that are stable UUIDs, and the same bytes for the same input."""

import hashlib
import io
import uuid
import zipfile
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from samtale.archive import arkivuttrekk, noark

SCHEMAS = Path(noark.__file__).parent / "schemas"
XSD = {
    noark.ARKIVSTRUKTUR: "v5.0/arkivstruktur.xsd",
    noark.ENDRINGSLOGG: "v5.0/endringslogg.xsd",
    noark.ARKIVUTTREKK: "addml-v8.3/addml.xsd",
}
# As published by Arkivverket; schemas/README.md lists the same.
PUBLISHED = {
    "v5.0/arkivstruktur.xsd": "77acc0f549f4f3856f56429cb30e6b626ddb05d8b8a3d6cae00cb5911b60f58c",
    "v5.0/metadatakatalog.xsd": "c7c0a7e7996f60b4c28eacd0e34e6af0d6ca2cfb76f58080221e163fb972a305",
    "v5.0/endringslogg.xsd": "07cbc86e8b3c4b42ed831cdd5c09aa402a2c4049bbca2d287e184f3138edf1de",
    "addml-v8.3/addml.xsd": "ae2c4c9be0c1f4f291be36db3dfc069085f35eb515b072d3b1230ac89647d5dd",
}
SCHEMA_NAMES = ["addml.xsd", "arkivstruktur.xsd", "endringslogg.xsd", "metadatakatalog.xsd"]
N5 = {"n": noark.ARKIVSTRUKTUR_NS}
EL = {"e": noark.ENDRINGSLOGG_NS}
ADDML = {"a": noark.ADDML_NS}

PDF_1 = b"%PDF-1.7\n% revision 1: two goals and three actions agreed\n%%EOF\n"
PDF_2 = b"%PDF-1.7\n% revision 2: the deadline of goal 2 corrected\n%%EOF\n"
PATH_1 = "dokumenter/0b5f8f4e-5c2a-4d8e-9a51-3f1c2e7d9a10.pdf"
PATH_2 = "dokumenter/7c3e1a92-0d4b-4f6e-8b2a-9e5d1c6f4b21.pdf"
# The package is made after both revisions below were signed.
CREATED_AT = datetime(2026, 4, 3, 8, 0, tzinfo=UTC)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(pdf: bytes = PDF_1, **changes) -> noark.FormRecord:
    """Revision 1 of Kari Nilsen's conversation with her leader Ola Berg, goals agreed."""
    fields: dict[str, Any] = {
        "organization_name": "Fjordvik kommune",
        "organization_id": "974123456",
        "unit_name": "Økonomiavdelingen",
        "employee_name": "Kari Nilsen",
        "employee_number": "10042",
        "leader_name": "Ola Berg",
        "title": "Oppfølgingsskjema – medarbeidersamtale 2026",
        "held_on": date(2026, 3, 12),
        "employee_signed_at": datetime(2026, 3, 13, 9, 15, tzinfo=UTC),
        "leader_signed_at": datetime(2026, 3, 13, 10, 30, tzinfo=UTC),
        "created_by": "Ola Berg",
        "conversation_id": 17,
        "revision": 1,
        "document_path": PATH_1,
        "document_sha256": sha256(pdf),
        "document_size": len(pdf),
        "description": "To mål og tre tiltak avtalt.",
    }
    return noark.FormRecord(**(fields | changes))


def correction(**changes) -> noark.FormRecord:
    """Revision 2 of the same conversation, correcting revision 1; Kari signs last."""
    fields = {
        "revision": 2,
        "replaces": 1,
        "correction_reason": "Fristen for mål 2 var feil.",
        "created_by": "Kari Nilsen",
        "employee_signed_at": datetime(2026, 4, 2, 12, 0, tzinfo=UTC),
        "leader_signed_at": datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
        "document_path": PATH_2,
        "description": "",
    }
    return record(PDF_2, **(fields | changes))


def package(rec: noark.FormRecord, pdf: bytes = PDF_1, **kwargs) -> dict[str, bytes]:
    options: dict[str, Any] = {"created_at": CREATED_AT, "system_version": "0.1.0"} | kwargs
    return arkivuttrekk.build_package(rec, pdf, **options)


@cache
def schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / XSD[name]), parser))


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True))


def errors(name: str, root: etree._Element) -> list[str]:
    validator = schema(name)
    validator.validate(root)
    return [error.message for error in validator.error_log]


def assert_valid(files: dict[str, bytes]) -> None:
    found = {name: errors(name, parse(files[name])) for name in XSD}
    assert found == {name: [] for name in XSD}


def one(root: etree._Element, path: str, namespaces=N5) -> str:
    [value] = root.xpath(path, namespaces=namespaces)
    return value.text


def test_a_first_revision_is_valid_noark5():
    files = package(record())

    assert_valid(files)
    assert list(files) == sorted(
        [PATH_1, "arkivstruktur.xml", "arkivuttrekk.xml", "endringslogg.xml", *SCHEMA_NAMES]
    )
    assert files[PATH_1] == PDF_1
    roots = {name: parse(files[name]).tag for name in XSD}
    assert roots == {
        "arkivstruktur.xml": f"{{{noark.ARKIVSTRUKTUR_NS}}}arkiv",
        "endringslogg.xml": f"{{{noark.ENDRINGSLOGG_NS}}}endringslogg",
        "arkivuttrekk.xml": f"{{{noark.ADDML_NS}}}addml",
    }
    for name in XSD:
        assert files[name].startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<')
    root = parse(files[noark.ARKIVSTRUKTUR])
    assert one(root, "//n:mappe/n:mappeID") == "10042"
    assert one(root, "//n:mappe/n:tittel") == "Personalmappe – Kari Nilsen (10042)"
    assert one(root, "//n:registrering/n:tittel") == "Oppfølgingsskjema – medarbeidersamtale 2026"
    assert "To mål og tre tiltak avtalt." in one(root, "//n:registrering/n:beskrivelse")
    assert root.xpath("//n:kryssreferanse | //n:merknad", namespaces=N5) == []


def test_the_package_says_the_form_was_frozen_when_the_second_signed():
    root = parse(package(record())[noark.ENDRINGSLOGG])

    [endring] = root.xpath("/e:endringslogg/e:endring", namespaces=EL)
    ids = noark.system_ids(record())
    assert one(endring, "e:referanseArkivenhet", EL) == str(ids.dokumentbeskrivelse)
    assert one(endring, "e:referanseMetadata", EL) == "dokumentstatus"
    assert one(endring, "e:endretDato", EL) == "2026-03-13T11:30:00+01:00"  # Oslo, winter
    assert one(endring, "e:endretAv", EL) == "Ola Berg"  # he signed last
    assert one(endring, "e:tidligereVerdi", EL) == "Dokumentet er under redigering"
    assert one(endring, "e:nyVerdi", EL) == "Dokumentet er ferdigstilt"


def test_a_correction_is_a_new_registrering_that_refers_to_the_one_it_corrects():
    files = package(correction(), PDF_2)

    assert_valid(files)
    first, second = noark.system_ids(record()), noark.system_ids(correction())
    assert second.replaces == first.registrering != second.registrering
    root = parse(files[noark.ARKIVSTRUKTUR])
    assert one(root, "//n:registrering/n:systemID") == str(second.registrering)
    assert one(root, "//n:kryssreferanse/n:referanseTilRegistrering") == str(first.registrering)
    assert one(root, "//n:merknad/n:merknadstekst") == (
        f"Retter revisjon 1 av oppfølgingsskjemaet (registrering {first.registrering})."
        " Årsak: Fristen for mål 2 var feil."
    )
    assert one(root, "//n:merknad/n:merknadRegistrertAv") == "Kari Nilsen"

    log = parse(files[noark.ENDRINGSLOGG])
    reference, frozen = log.xpath("/e:endringslogg/e:endring", namespaces=EL)
    assert one(reference, "e:referanseArkivenhet", EL) == str(second.registrering)
    assert one(reference, "e:referanseMetadata", EL) == "referanseTilRegistrering"
    assert one(reference, "e:endretDato", EL) == "2026-04-02T14:00:00+02:00"  # Oslo, summer
    assert one(reference, "e:endretAv", EL) == "Kari Nilsen"
    assert one(reference, "e:tidligereVerdi", EL) == "Ingen"
    assert one(reference, "e:nyVerdi", EL) == str(first.registrering)
    assert one(frozen, "e:referanseArkivenhet", EL) == str(second.dokumentbeskrivelse)
    assert one(frozen, "e:endretAv", EL) == "Kari Nilsen"  # she signed last this time


def test_every_endring_refers_to_a_unit_in_the_same_package():
    for rec, pdf in ((record(), PDF_1), (correction(), PDF_2)):
        files = package(rec, pdf)
        units = set(parse(files[noark.ARKIVSTRUKTUR]).xpath("//n:systemID/text()", namespaces=N5))
        referred = parse(files[noark.ENDRINGSLOGG]).xpath(
            "//e:referanseArkivenhet/text()", namespaces=EL
        )
        assert referred and set(referred) <= units


def test_names_with_norwegian_letters_and_markup_characters_come_back_as_written():
    name = "Åse Øvrebø-Ærø <b>&amp;</b> \"Kari\" 'K'"
    rec = record(
        employee_name=name,
        leader_name="Bjørn & Co <leder>",
        unit_name="FoU <&> «Nord»",
        organization_name="Fjordvik & Omegn IKS",
        title='Oppfølgingsskjema – "årets" <samtale> & sånt',
    )
    files = package(rec)

    assert_valid(files)
    root = parse(files[noark.ARKIVSTRUKTUR])
    assert one(root, "//n:part/n:partNavn") == name
    assert root.xpath("//n:registrering/n:forfatter/text()", namespaces=N5) == [
        name,
        "Bjørn & Co <leder>",
    ]
    assert one(root, "//n:registrering/n:tittel") == rec.title
    assert "Enhet: FoU <&> «Nord»." in one(root, "//n:registrering/n:beskrivelse")
    addml = parse(files[noark.ARKIVUTTREKK])
    assert one(addml, "//a:additionalElement[@name='recordCreator']/a:value", ADDML) == (
        "Fjordvik & Omegn IKS"
    )


def test_control_characters_are_removed_and_tab_and_newline_kept():
    rec = correction(
        employee_name="\x00Kari\x01 Nil\x1bsen\x0c ",
        correction_reason="Linje 1\r\nLinje 2\tmed tab\x07\rLinje 3\x1f",
        title="Oppfølgingsskjema\x08 – 2026\ufffe",
    )
    files = package(rec, PDF_2)

    assert_valid(files)
    assert rec.employee_name == "Kari Nilsen"
    assert rec.correction_reason == "Linje 1\nLinje 2\tmed tab\nLinje 3"
    root = parse(files[noark.ARKIVSTRUKTUR])
    assert one(root, "//n:part/n:partNavn") == "Kari Nilsen"
    assert one(root, "//n:registrering/n:tittel") == "Oppfølgingsskjema – 2026"
    assert one(root, "//n:merknad/n:merknadstekst").endswith(
        "Årsak: Linje 1\nLinje 2\tmed tab\nLinje 3"
    )


def test_a_name_of_nothing_but_control_characters_is_refused():
    with pytest.raises(ValueError, match="employee_name is empty"):
        record(employee_name="\x00\x01 \x1f")


def test_a_very_long_title_is_kept_whole():
    title = "Oppfølgingsskjema – " + "en svært lang tittel på en samtale, " * 300
    files = package(record(title=title))

    assert_valid(files)
    root = parse(files[noark.ARKIVSTRUKTUR])
    assert one(root, "//n:registrering/n:tittel") == title.strip()
    assert one(root, "//n:dokumentbeskrivelse/n:tittel") == title.strip()


def test_the_document_object_gives_the_pdfs_path_checksum_and_size():
    files = package(record())
    [objekt] = parse(files[noark.ARKIVSTRUKTUR]).xpath("//n:dokumentobjekt", namespaces=N5)

    path = one(objekt, "n:referanseDokumentfil")
    assert files[path] == PDF_1
    assert one(objekt, "n:sjekksum") == sha256(PDF_1)
    assert one(objekt, "n:sjekksumAlgoritme") == "SHA256"
    assert one(objekt, "n:filstoerrelse") == str(len(PDF_1))
    assert one(objekt, "n:format") == "fmt/476"
    assert one(objekt, "n:formatDetaljer") == "PDF/A-2a"
    assert one(objekt, "n:variantformat") == "Arkivformat"


def test_system_ids_are_uuids_stable_and_distinct():
    def ids_in(files):
        root = parse(files[noark.ARKIVSTRUKTUR])
        return [uuid.UUID(value) for value in root.xpath("//n:systemID/text()", namespaces=N5)]

    first = ids_in(package(record()))
    assert len(first) == len(set(first)) == 8  # arkiv … dokumentobjekt, one each
    assert ids_in(package(record(), created_at=datetime(2027, 1, 1, tzinfo=UTC))) == first

    a, b = noark.system_ids(record()), noark.system_ids(correction())
    assert (a.arkiv, a.arkivdel, a.mappe) == (b.arkiv, b.arkivdel, b.mappe)
    for kind in ("registrering", "dokumentbeskrivelse", "dokumentobjekt"):
        assert getattr(a, kind) != getattr(b, kind)

    other_employee = noark.system_ids(record(employee_number="10043", conversation_id=18))
    assert other_employee.mappe != a.mappe
    assert other_employee.registrering != a.registrering
    other_organization = noark.system_ids(record(organization_id="912345678"))
    assert not {a.arkiv, a.mappe, a.registrering} & {
        other_organization.arkiv,
        other_organization.mappe,
        other_organization.registrering,
    }


def test_system_id_is_a_uuid5_that_tells_its_parts_apart():
    assert noark.system_id("mappe", 1).version == 5
    assert noark.system_id("mappe", 1) == noark.system_id("mappe", "1")
    assert noark.system_id("a/b", "c") != noark.system_id("a", "b/c")
    assert noark.system_id("ab", "c") != noark.system_id("a", "bc")


def test_the_same_input_gives_the_same_bytes():
    assert package(record()) == package(record())
    assert package(correction(), PDF_2) == package(correction(), PDF_2)
    later = package(record(), created_at=datetime(2026, 3, 17, 8, 0, tzinfo=UTC))
    assert later[noark.ARKIVSTRUKTUR] != package(record())[noark.ARKIVSTRUKTUR]


def test_the_zip_is_the_same_bytes_for_the_same_files():
    files = package(record())
    data = noark.write_zip(files)

    assert noark.write_zip(dict(reversed(files.items()))) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == sorted(files)
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_STORED
            assert archive.read(info) == files[info.filename]
        assert archive.testzip() is None


@pytest.mark.parametrize("name", ["../x.pdf", "/etc/passwd", "a\\b.pdf", "a//b.pdf", ".skjult", ""])
def test_the_zip_refuses_a_path_outside_the_package(name):
    with pytest.raises(ValueError, match="not a safe relative path"):
        noark.write_zip({name: b"x"})


def remove(root, path, namespaces):
    for element in root.xpath(path, namespaces=namespaces):
        element.getparent().remove(element)


def set_text(root, path, namespaces, text):
    for element in root.xpath(path, namespaces=namespaces):
        element.text = text


@pytest.mark.parametrize(
    ("name", "break_it", "expected"),
    [
        (
            noark.ARKIVSTRUKTUR,
            lambda root: remove(root, "//n:dokumentobjekt/n:sjekksum", N5),
            "sjekksumAlgoritme': This element is not expected",
        ),
        (
            noark.ARKIVSTRUKTUR,
            lambda root: set_text(root, "//n:mappe/n:systemID", N5, "personalmappe-10042"),
            "is not accepted by the pattern",
        ),
        (
            noark.ARKIVSTRUKTUR,
            lambda root: set_text(root, "//n:filstoerrelse", N5, "stor"),
            "is not a valid value of the atomic type",
        ),
        (
            noark.ENDRINGSLOGG,
            lambda root: remove(root, "//e:endring", EL),
            "Missing child element(s)",
        ),
        (
            noark.ARKIVUTTREKK,
            lambda root: remove(root, "/a:addml/a:dataset", ADDML),
            "Missing child element(s)",
        ),
    ],
)
def test_validation_refuses_a_broken_package(name, break_it, expected):
    """The schemas really are checked: the same files, broken in one place, fail."""
    root = parse(package(record())[name])
    assert errors(name, root) == []

    break_it(root)
    found = errors(name, root)
    assert found and any(expected in message for message in found), found


def test_it_refuses_a_pdf_other_than_the_signed_one():
    with pytest.raises(ValueError, match="SHA-256"):
        package(record(), PDF_2)
    same_checksum_other_size = record(document_size=len(PDF_1) + 1)
    with pytest.raises(ValueError, match="size"):
        package(same_checksum_other_size)


def test_it_refuses_times_without_a_zone():
    with pytest.raises(ValueError, match="created_at"):
        package(record(), created_at=datetime(2026, 3, 16, 8, 0))
    with pytest.raises(ValueError, match="leader_signed_at"):
        record(leader_signed_at=datetime(2026, 3, 13, 10, 30))


@pytest.mark.parametrize(
    "changes",
    [
        {"employee_number": ""},
        {"title": "  \n "},
        {"held_on": datetime(2026, 3, 12, 10, 0, tzinfo=UTC)},
        {"revision": 0},
        {"revision": 2, "replaces": 2},
        {"document_path": "../dokumenter/x.pdf"},
        {"document_path": "arkivstruktur.xml"},
        {"document_sha256": "ABC"},
        {"document_format": "fmt/18"},
    ],
)
def test_it_refuses_a_record_it_could_not_write_as_valid_noark5(changes):
    with pytest.raises(ValueError):
        record(**changes)


def test_the_vendored_schemas_are_the_published_ones():
    assert {name: sha256((SCHEMAS / name).read_bytes()) for name in PUBLISHED} == PUBLISHED


def test_the_schemas_import_only_files_beside_them():
    """So lxml never reaches for the network: every import is a file in schemas/."""
    for name in PUBLISHED:
        path = SCHEMAS / name
        locations = etree.parse(str(path)).xpath(
            "//xs:import/@schemaLocation | //xs:include/@schemaLocation",
            namespaces={"xs": "http://www.w3.org/2001/XMLSchema"},
        )
        for location in locations:
            assert "://" not in location
            assert (path.parent / location).is_file()


def test_the_schemas_in_the_package_are_the_published_ones():
    files = package(record())
    for name, path in noark.SCHEMA_FILES.items():
        assert sha256(files[name]) == PUBLISHED[path]


def test_a_file_opened_after_the_form_was_signed_is_refused():
    with pytest.raises(ValueError, match="file_opened_at"):
        record(file_opened_at=datetime(2026, 3, 14, tzinfo=UTC))


def test_a_package_made_before_the_form_was_signed_is_refused():
    with pytest.raises(ValueError, match="created_at"):
        package(record(), created_at=datetime(2026, 3, 13, 10, 0, tzinfo=UTC))
