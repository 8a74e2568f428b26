"""arkivuttrekk.xml, the ADDML of the Noark 5 package (archive.arkivuttrekk): every other
file with its checksum, what the files hold counted, and the data objects as Arkade 5 reads
them. The package's helpers and its validity against the schemas: test_noark."""

import pytest

from samtale.archive import noark
from samtale.archive.tests.test_noark import (
    ADDML,
    EL,
    N5,
    PDF_1,
    PDF_2,
    correction,
    one,
    package,
    parse,
    record,
    sha256,
)


@pytest.mark.parametrize(("rec", "pdf"), [(record(), PDF_1), (correction(), PDF_2)])
def test_arkivuttrekk_gives_every_other_file_with_its_sha256(rec, pdf):
    files = package(rec, pdf)
    addml = parse(files[noark.ARKIVUTTREKK])

    described = {}
    # Each data object's own file, and the schemas it names, all inside the package.
    for file in addml.xpath("//a:property[@name='file']", namespaces=ADDML):
        checksum = "a:properties/a:property[@name='checksum']/a:properties/a:property"
        name = one(file, "a:properties/a:property[@name='name']/a:value", ADDML)
        assert one(file, f"{checksum}[@name='algorithm']/a:value", ADDML) == "SHA-256"
        described[name] = one(file, f"{checksum}[@name='value']/a:value", ADDML)
    # Everything but the description itself and its own schema.
    assert described == {
        name: sha256(data)
        for name, data in files.items()
        if name not in (noark.ARKIVUTTREKK, "addml.xsd")
    }


def test_arkivuttrekk_counts_what_the_files_hold():
    files = package(correction(), PDF_2)
    addml = parse(files[noark.ARKIVUTTREKK])
    counted = {
        one(occurrence, "a:value", ADDML): int(
            one(occurrence, "a:properties/a:property[@name='value']/a:value", ADDML)
        )
        for occurrence in addml.xpath("//a:property[@name='numberOfOccurrences']", namespaces=ADDML)
    }
    root = parse(files[noark.ARKIVSTRUKTUR])
    log = parse(files[noark.ENDRINGSLOGG])
    assert counted == {
        "mappe": len(root.xpath("//n:mappe", namespaces=N5)),
        "registrering": len(root.xpath("//n:registrering", namespaces=N5)),
        "endring": len(log.xpath("//e:endring", namespaces=EL)),
    }
    assert counted["endring"] == 2
    files_counted = addml.xpath(
        "//a:property[@name='antallDokumentfiler']/a:value/text()", namespaces=ADDML
    )
    assert files_counted == ["1", "1"]  # the extract's, and the documents' own


# What archive tools read beyond the schemas ----------------------------------------------


def test_arkade_finds_properties_on_every_data_object_below_the_extract():
    """Arkade 5 reads each data object right below the extract as an XML file with its
    schemas (ArchiveDetails.GetDocumentedXmlUnits, N5_02): each must have properties, a
    "file" there must be an XML file of the package, and each schema it names must be in
    the package with its checksum."""
    files = package(record())
    addml = parse(files[noark.ARKIVUTTREKK])
    [extract] = addml.xpath("/a:addml/a:dataset/a:dataObjects/a:dataObject", namespaces=ADDML)
    below = extract.xpath("a:dataObjects/a:dataObject", namespaces=ADDML)
    assert [d.get("name") for d in below] == ["arkivstruktur", "endringslogg", "dokumenter"]
    for data_object in below:
        assert data_object.xpath("a:properties/a:property", namespaces=ADDML), data_object.get(
            "name"
        )
        for file in data_object.xpath("a:properties/a:property[@name='file']", namespaces=ADDML):
            name = one(file, "a:properties/a:property[@name='name']/a:value", ADDML)
            assert name.endswith(".xml") and name in files
        for schema_file in data_object.xpath(
            "a:properties/a:property[@name='schema']/a:properties/a:property[@name='file']",
            namespaces=ADDML,
        ):
            name = one(schema_file, "a:properties/a:property[@name='name']/a:value", ADDML)
            checksum = ".//a:property[@name='checksum']//a:property[@name='value']/a:value"
            assert one(schema_file, checksum, ADDML) == sha256(files[name])
    [dokumenter] = [d for d in below if d.get("name") == "dokumenter"]
    counted = "a:properties/a:property[@name='info']/a:properties/a:property/a:value"
    assert one(dokumenter, counted, ADDML) == "1"
