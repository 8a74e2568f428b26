"""The XML of Fiks Arkiv V1 as an archive reads and writes it (ks-no/fiks-arkiv-specification,
Schema/V1): checked against the official schemas with lxml, read with namespaced paths,
written with lxml so every text is escaped.

- arkivmelding.xml (no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett): a mappe, a
  registrering (xsi:type journalpost or arkivnotat), or both, the registrering then in the
  mappe; dokumentobjekt/referanseDokumentfil names a file in the message.
- arkivmelding-kvittering.xml: mappeKvittering and registreringKvittering (journalpostKvittering
  with journalaar and journalsekvensnummer), each Opprettet or Eksisterende.
- sok.xml and resultat.xml (innsyn.sok, sok.resultat.minimum): a search for mapper on their
  klassifikasjon ("mappeKlassifikasjon", or klasse's system id and class id, which must match
  the same klassifikasjon, as the sok schema's annotation says) or external key.
- feilmelding.xml: ugyldigforespoersel, ikkefunnet, serverfeil (feilId, feilmelding).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

FIKS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv"
AM = FIKS + "/arkivmelding/opprett/v1"
KV = FIKS + "/arkivmelding/opprett/kvittering/v1"
MD = FIKS + "/metadatakatalog/v1"
SOK_NS = FIKS + "/sok/v1"
RES = FIKS + "/sokeresultat/minimum/v1"
ASM = FIKS + "/arkivstruktur/minimum/v1"
FEIL = FIKS + "/feil/feilmelding/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"am": AM, "md": MD, "s": SOK_NS}


class Refused(Exception):
    """The message is not one this archive takes; the text is the reason it answers."""


def parse(data: bytes, what: str) -> Any:
    """XML without DTDs, entities or network (a DOCTYPE is refused outright)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise Refused(f"{what} is not well-formed XML: {error}") from None
    if root.getroottree().docinfo.doctype:
        raise Refused(f"{what} has a DOCTYPE")
    return root


class Schemas:
    """The V1 schemas by file name, compiled once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._compiled: dict[str, Any] = {}

    def validate(self, message_type: str, data: bytes, what: str) -> Any:
        root = parse(data, what)
        name = f"{message_type}.xsd"
        if name not in self._compiled:
            self._compiled[name] = etree.XMLSchema(etree.parse(str(self.folder / name)))
        schema = self._compiled[name]
        if not schema.validate(root):
            raise Refused(f"{what} is not valid by {name}: {schema.error_log.last_error}")
        return root


def _local(element: Any) -> str:
    return (element.get(f"{{{XSI}}}type") or "").rpartition(":")[2]


def _key(element: Any, path: str) -> tuple[str, str] | None:
    found = element.find(path, NS)
    if found is None:
        return None
    return found.findtext("md:fagsystem", "", NS), found.findtext("md:noekkel", "", NS)


@dataclass
class Mappe:
    """What an arkivmelding says of a mappe (a personnel file is one)."""

    tittel: str
    saksmappe: bool
    klassifikasjon: list[tuple[str, str, str]]  # (system id, class id, title)
    key: tuple[str, str] | None


@dataclass
class Registrering:
    tittel: str
    journalpost: bool
    key: tuple[str, str] | None
    parent_system_id: str | None
    parent_key: tuple[str, str] | None
    files: list[str] = field(default_factory=list)


def read_arkivmelding(root: Any) -> tuple[Mappe | None, Registrering | None]:
    mappe = root.find("am:mappe", NS)
    registrering = root.find("am:registrering", NS)
    if mappe is None and registrering is None:
        raise Refused("the arkivmelding has neither mappe nor registrering")
    found = None
    if mappe is not None:
        classes = [
            (
                element.findtext("am:klassifikasjonssystemID", "", NS),
                element.findtext("am:klasseID", "", NS),
                element.findtext("am:tittel", "", NS),
            )
            for element in mappe.findall("am:klassifikasjon", NS)
        ]
        found = Mappe(
            mappe.findtext("am:tittel", "", NS),
            _local(mappe) == "saksmappe",
            classes,
            _key(mappe, "am:referanseEksternNoekkel"),
        )
    record = None
    if registrering is not None:
        parent = registrering.find("am:referanseForelderMappe", NS)
        record = Registrering(
            registrering.findtext("am:tittel", "", NS),
            _local(registrering) == "journalpost",
            _key(registrering, "am:referanseEksternNoekkel"),
            parent.findtext("md:systemID", None, NS) if parent is not None else None,
            _key(parent, "md:referanseEksternNoekkel") if parent is not None else None,
            [
                name.strip()
                for name in registrering.xpath(
                    ".//am:dokumentobjekt/am:referanseDokumentfil/text()", namespaces=NS
                )
            ],
        )
    return found, record


@dataclass
class Sok:
    """A search for mapper: `klasse` criteria must hold for one and the same klassifikasjon."""

    system: str
    take: int
    skip: int
    saksmappe: bool
    klasse: list[list[tuple[str | None, str | None]]] = field(default_factory=list)
    systems: list[set[str]] = field(default_factory=list)
    classes: list[set[str]] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)

    def matches(self, mappe: dict[str, Any]) -> bool:
        if self.saksmappe and not mappe.get("saksmappe"):
            return False
        if any(tuple(mappe.get("key") or ()) != key for key in self.keys):
            return False
        if not (self.klasse or self.systems or self.classes):
            return True  # a search on the external key alone
        return any(self._klasse(system, klasse) for system, klasse, _ in mappe["klassifikasjon"])

    def _klasse(self, system: str, klasse: str) -> bool:
        return (
            all(
                any((s in (None, system)) and (k in (None, klasse)) for s, k in pairs)
                for pairs in self.klasse
            )
            and all(system in values for values in self.systems)
            and all(klasse in values for values in self.classes)
        )


def read_sok(root: Any) -> Sok:
    definition = root.find("s:sokdefinisjon", NS)
    kind = _local(definition)
    if kind not in ("mappeSokdefinisjon", "saksmappeSokdefinisjon"):
        raise Refused(f"this archive searches mapper only, not {kind or 'that'}")
    if definition.findtext("s:responstype", "minimum", NS) != "minimum":
        raise Refused("this archive answers with responstype minimum only")
    sok = Sok(
        root.findtext("s:system", "", NS),
        int(root.findtext("s:take", "0", NS)),
        int(root.findtext("s:skip", "0", NS)),
        kind == "saksmappeSokdefinisjon",
    )
    for parameter in definition.findall("s:parametere", NS):
        _criterion(sok, parameter)
    if not (sok.klasse or sok.systems or sok.classes or sok.keys):
        raise Refused("this archive finds mapper by their klassifikasjon or external key")
    return sok


def _criterion(sok: Sok, parameter: Any) -> None:
    felt = parameter.findtext("s:felt", "", NS)
    operator = parameter.findtext("s:operator", "", NS)
    values = parameter.find("s:sokVerdier", NS)
    strings = {
        value.strip() for value in values.xpath("s:stringvalues/s:value/text()", namespaces=NS)
    }
    if operator not in ("equal", "inlist") or (operator == "inlist" and not strings):
        raise Refused(f"this archive searches with the operator equal (or inlist), not {operator}")
    if felt == "mappeKlassifikasjon" and operator == "equal":
        sok.klasse.append(_pairs(values.find("s:mappeKlassifikasjon", NS)))
    elif felt == "mappeKlasseKlassifikasjonssystemID" and strings:
        sok.systems.append(strings)
    elif felt == "mappeKlasseKlasseID" and strings:
        sok.classes.append(strings)
    elif felt == "mappeEksternNoekkel" and values.find("s:eksternNoekkel", NS) is not None:
        key = values.find("s:eksternNoekkel", NS)  # the sok schema's own type: its namespace
        sok.keys.append((key.findtext("s:fagsystem", "", NS), key.findtext("s:noekkel", "", NS)))
    else:
        raise Refused(f"this archive does not search on {felt} so")


def _pairs(element: Any) -> list[tuple[str | None, str | None]]:
    """The (system id, class id) pairs of a mappeKlassifikasjon, either part left out."""
    pairs: list[tuple[str | None, str | None]] = []
    pair: list[str | None] = [None, None]
    for child in [] if element is None else list(element):
        index = 0 if etree.QName(child).localname == "klassifikasjonssystemID" else 1
        if pair[index] is not None:
            pairs.append((pair[0], pair[1]))
            pair = [None, None]
        pair[index] = (child.text or "").strip()
    if pair != [None, None]:
        pairs.append((pair[0], pair[1]))
    if not pairs:
        raise Refused("mappeKlassifikasjon names no klassifikasjon")
    return pairs


def _add(parent: Any, namespace: str, name: str, text: object = None) -> Any:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def _serialize(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _external(parent: Any, namespace: str, key: tuple[str, str] | list[str] | None) -> None:
    if key:
        element = _add(parent, namespace, "referanseEksternNoekkel")
        _add(element, MD, "fagsystem", key[0])
        _add(element, MD, "noekkel", key[1])


def kvittering_xml(mappe: dict[str, Any] | None, registrering: dict[str, Any] | None) -> bytes:
    """arkivmelding-kvittering.xml; each dict as the archive stores it, plus "existing"."""
    root = etree.Element(f"{{{KV}}}arkivmeldingKvittering", nsmap={None: KV, "md": MD, "xsi": XSI})
    if mappe is not None:
        element = _add(root, KV, "mappeKvittering")
        _add(element, KV, "systemID", mappe["systemID"])
        _add(element, KV, "mappeID", mappe["mappeID"])
        _external(element, KV, mappe.get("key"))
        _add(element, KV, "opprettetEllerEksisterende", _state(mappe))
        if mappe.get("saksmappe"):
            element.set(f"{{{XSI}}}type", "saksmappeKvittering")
            _add(element, KV, "saksaar", mappe["saksaar"])
            _add(element, KV, "sakssekvensnummer", mappe["sakssekvensnummer"])
            _add(element, KV, "saksdato", mappe["saksdato"])
    if registrering is not None:
        element = _add(root, KV, "registreringKvittering")
        _add(element, KV, "systemID", registrering["systemID"])
        if registrering.get("journalpost"):
            _add(element, KV, "registreringsID", _number(registrering))
        _external(element, KV, registrering.get("key"))
        _add(element, KV, "opprettetEllerEksisterende", _state(registrering))
        if registrering.get("journalpost"):
            element.set(f"{{{XSI}}}type", "journalpostKvittering")
            _add(element, KV, "journalaar", registrering["journalaar"])
            _add(element, KV, "journalsekvensnummer", registrering["journalsekvensnummer"])
    return _serialize(root)


def _state(stored: dict[str, Any]) -> str:
    return "Eksisterende" if stored.get("existing") else "Opprettet"


def _number(registrering: dict[str, Any]) -> str:
    return f"{registrering['journalaar']}/{registrering['journalsekvensnummer']}"


def resultat_xml(sok: Sok, mapper: list[dict[str, Any]], count: int) -> bytes:
    """resultat.xml of type sok.resultat.minimum, with `mapper` in it."""
    root = etree.Element(f"{{{RES}}}sokeresultatMinimum", nsmap={None: RES, "a": ASM, "md": MD})
    for name, value in (("system", sok.system), ("take", sok.take), ("skip", sok.skip)):
        _add(root, RES, name, value)
    _add(root, RES, "count", count)
    kind = "saksmappe" if sok.saksmappe else "mappe"
    _add(root, RES, "resultattype", kind)
    listing = _add(root, RES, "resultatListe")
    for mappe in mapper:
        element = _add(_add(listing, RES, "resultatMinimum"), RES, kind)
        _add(element, ASM, "systemID", mappe["systemID"])
        _add(element, ASM, "mappeID", mappe["mappeID"])
        _add(element, ASM, "tittel", mappe["tittel"])
        for system, klasse, title in mappe["klassifikasjon"]:
            klassifikasjon = _add(element, ASM, "klassifikasjon")
            system_element = _add(klassifikasjon, ASM, "klassifikasjonssystem")
            _add(system_element, ASM, "klassifikasjonssystemID", system)
            _add(system_element, ASM, "tittel", system)
            _add(klassifikasjon, ASM, "klasseID", klasse)
            if title:
                _add(klassifikasjon, ASM, "tittel", title)
        _external(element, ASM, mappe.get("key"))
        if kind == "saksmappe":
            for name in ("saksaar", "sakssekvensnummer", "saksdato"):
                _add(element, ASM, name, mappe[name])
            _add(element, ASM, "administrativEnhet")
            _add(element, ASM, "saksansvarlig")
            status = _add(element, ASM, "saksstatus")
            _add(status, MD, "kode", "B")
            _add(status, MD, "beskrivelse", "Under behandling")
    return _serialize(root)


def feil_xml(kind: str, feil_id: str, text: str) -> bytes:
    """feilmelding.xml: `kind` ugyldigforespoersel, ikkefunnet or serverfeil."""
    namespace = f"{FIKS}/feil/{kind}/v1"
    root = etree.Element(f"{{{namespace}}}{kind}", nsmap={"e": namespace, "feil": FEIL})
    _add(root, FEIL, "feilId", feil_id)
    _add(root, FEIL, "feilmelding", text)
    return _serialize(root)
