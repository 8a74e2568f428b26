"""The Noark 5 package of one signed revision (noark.py, whose notes say what it holds and
why): its files by path, and arkivuttrekk.xml, the ADDML that describes the extract and
gives every other file's checksum."""

import hashlib
from datetime import datetime
from xml.etree import ElementTree as ET

from samtale.archive.arkivstruktur import arkivstruktur_xml, endringslogg_xml, logged_changes
from samtale.archive.noark import (
    ADDML_NS,
    ARKIVSTRUKTUR,
    ARKIVUTTREKK,
    ENDRINGSLOGG,
    OSLO,
    PDFA_VERSIONS,
    FormRecord,
    archive_title,
    child,
    clean_text,
    require_aware,
    schema_files,
    system_ids,
    xml_bytes,
    xml_root,
)


def build_package(
    record: FormRecord,
    pdf: bytes,
    *,
    created_at: datetime,
    system_name: str = "Samtale",
    system_version: str,
) -> dict[str, bytes]:
    """The package's files by path, in name order: the PDF, arkivstruktur.xml,
    endringslogg.xml and arkivuttrekk.xml.

    Refuses a PDF whose checksum or size is not the record's: the package must hold the
    document that was signed.
    """
    if hashlib.sha256(pdf).hexdigest() != record.document_sha256:
        raise ValueError("The PDF's SHA-256 is not the record's")
    if len(pdf) != record.document_size:
        raise ValueError("The PDF's size is not the record's")
    require_aware(created_at, "created_at")
    if created_at < record.signed_at:
        raise ValueError("created_at must not be before the form was signed")
    system_name, system_version = clean_text(system_name), clean_text(system_version)
    if not system_name or not system_version:
        raise ValueError("system_name and system_version must not be empty")

    ids = system_ids(record)
    changes = logged_changes(record, ids)
    files = {
        record.document_path: pdf,
        ARKIVSTRUKTUR: arkivstruktur_xml(record, ids, created_at=created_at, system=system_name),
        ENDRINGSLOGG: endringslogg_xml(changes),
        **schema_files(),
    }
    files[ARKIVUTTREKK] = _addml(
        record,
        files,
        endringer=len(changes),
        system_name=system_name,
        system_version=system_version,
    )
    return dict(sorted(files.items()))


# ADDML: everything past the fixed elements is properties and additional elements, named
# as Arkivverket's Noark 5 template and its "Bruk av komponenter i ADDML" name them.


def _properties(element: ET.Element) -> ET.Element:
    found = element.find("properties")
    return found if found is not None else child(element, "properties")


def _property(
    parent: ET.Element, name: str, value: object = None, data_type: str = ""
) -> ET.Element:
    attrib = {"name": name, **({"dataType": data_type} if data_type else {})}
    element = child(_properties(parent), "property", **attrib)
    if value is not None:
        child(element, "value", value)
    return element


def _additional(parent: ET.Element, name: str, value: object = None) -> ET.Element:
    found = parent.find("additionalElements")
    elements = found if found is not None else child(parent, "additionalElements")
    element = child(elements, "additionalElement", name=name)
    if value is not None:
        child(element, "value", value)
    return element


def _file(parent: ET.Element, path: str, data: bytes, fmt: str, version: str) -> None:
    file = _property(parent, "file")
    _property(file, "name", path)
    _property(_property(file, "format", fmt), "version", version)
    checksum = _property(file, "checksum")
    _property(checksum, "algorithm", "SHA-256")
    _property(checksum, "value", hashlib.sha256(data).hexdigest())


def _schema(parent: ET.Element, name: str, files: dict[str, bytes], *, main: bool) -> None:
    # In the package beside the file it describes, with its checksum, as Arkade reads it.
    schema = _property(parent, "schema", "main" if main else None)
    _file(schema, name, files[name], "XML", "1.0")
    _property(_property(schema, "type", "XML Schema"), "version", "1.0")


def _occurrences(parent: ET.Element, counts: dict[str, int]) -> None:
    info = _property(parent, "info")
    for element, count in counts.items():
        occurrences = _property(info, "numberOfOccurrences", element)
        _property(occurrences, "elementPath", f"//{element}")
        _property(occurrences, "value", count, "integer")


def _xml_file(
    parent: ET.Element, name: str, files: dict[str, bytes], counts: dict[str, int]
) -> None:
    data_object = child(parent, "dataObject", name=name.removesuffix(".xml"))
    _file(data_object, name, files[name], "XML", "1.0")
    _schema(data_object, name.replace(".xml", ".xsd"), files, main=True)
    _schema(data_object, "metadatakatalog.xsd", files, main=False)
    _occurrences(data_object, counts)


def _addml(
    record: FormRecord,
    files: dict[str, bytes],
    *,
    endringer: int,
    system_name: str,
    system_version: str,
) -> bytes:
    addml = xml_root("addml", ADDML_NS, name="Noark 5-arkivuttrekk")
    dataset = child(addml, "dataset")
    child(
        dataset, "description", f"Noark 5-arkivuttrekk fra {system_name}: signert oppfølgingsskjema"
    )

    reference = child(dataset, "reference")
    context = child(reference, "context")
    creators = _additional(context, "recordCreators")
    _additional(creators, "recordCreator", record.organization_name)
    _additional(context, "systemType", "Fagsystem")
    _property(_additional(context, "systemName", system_name), "version", system_version)
    _additional(context, "archive", archive_title(record))
    content = child(reference, "content")
    period = _additional(content, "archivalPeriod")
    signed_on = record.signed_at.astimezone(OSLO).date()
    _property(period, "startDate", min(record.held_on, signed_on).isoformat())
    _property(period, "endDate", max(record.held_on, signed_on).isoformat())

    extract = child(child(dataset, "dataObjects"), "dataObject", name="Noark 5-arkivuttrekk")
    info = _property(extract, "info")
    _property(_property(info, "type", "Noark 5"), "version", "5.0")
    extra = _property(info, "additionalInfo")
    # One revision per package: nothing overlaps the packages before or after it.
    periode = _property(extra, "periode")
    _property(periode, "inngaaendeSkille", "skarpt")
    _property(periode, "utgaaendeSkille", "skarpt")
    # Screened: the personnel file's titles and names, and the whole document (offl. § 13).
    _property(extra, "inneholderSkjermetInformasjon", "true", "boolean")
    for flag in (
        "omfatterDokumenterSomErKassert",
        "inneholderDokumenterSomSkalKasseres",
        "inneholderVirksomhetsspesifikkeMetadata",
    ):
        _property(extra, flag, "false", "boolean")
    _property(extra, "antallDokumentfiler", 1, "integer")

    parts = child(extract, "dataObjects")
    _xml_file(parts, ARKIVSTRUKTUR, files, {"mappe": 1, "registrering": 1})
    _xml_file(parts, ENDRINGSLOGG, files, {"endring": endringer})
    # Arkade reads the properties of every data object right below the extract (and takes a
    # "file" there for an XML file to validate): the documents' own count is given, their
    # files and checksums one level down.
    folder = child(parts, "dataObject", name="dokumenter")
    _property(_property(folder, "info"), "antallDokumentfiler", 1, "integer")
    documents = child(folder, "dataObjects")
    document = child(documents, "dataObject", name="dokument")
    version = PDFA_VERSIONS[record.document_format]
    _file(document, record.document_path, files[record.document_path], "PDF/A", version)

    return xml_bytes(addml)
