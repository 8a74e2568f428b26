"""arkivstruktur.xml of the Noark 5 package (archive.arkivstruktur): the personnel file
classified by person, screened under the organization's choice, and every unit opened no
later than what it holds. The package's helpers and its validity: test_noark."""

from datetime import UTC, datetime

import pytest

from samtale.archive import noark
from samtale.archive.tests.test_noark import (
    ADDML,
    CREATED_AT,
    N5,
    PDF_2,
    assert_valid,
    correction,
    one,
    package,
    parse,
    record,
)


def _units(root):
    """(tag, element) of every archive unit from arkiv down to dokumentobjekt, in order."""
    tags = (
        "arkiv",
        "arkivdel",
        "klassifikasjonssystem",
        "klasse",
        "mappe",
        "registrering",
        "dokumentbeskrivelse",
        "dokumentobjekt",
    )
    return [(tag, root.xpath(f"//n:{tag}", namespaces=N5)[0]) for tag in tags]


def test_the_personnel_file_is_classified_by_the_employee_number_by_default():
    root = parse(package(record())[noark.ARKIVSTRUKTUR])
    assert one(root, "//n:klassifikasjonssystem/n:klassifikasjonstype") == "Objektbasert"
    assert one(root, "//n:klasse/n:klasseID") == "10042"
    # The personnel file is the mappe inside the employee's class.
    assert one(root, "//n:klasse/n:mappe/n:mappeID") == "10042"
    assert [tag for tag, _ in _units(root)][2:5] == ["klassifikasjonssystem", "klasse", "mappe"]


def test_a_personnel_file_classified_by_national_identity_number_has_it_only_as_its_class():
    key = "01017012345"
    files = package(record(person_key_kind=noark.NATIONAL_ID, person_key=key))
    assert_valid(files)
    root = parse(files[noark.ARKIVSTRUKTUR])
    assert one(root, "//n:klassifikasjonssystem/n:klassifikasjonstype") == "Fødselsnummer"
    assert one(root, "//n:klasse/n:klasseID") == key
    assert one(root, "//n:mappe/n:mappeID") == "10042"
    text = files[noark.ARKIVSTRUKTUR].decode()
    assert text.count(key) == 1
    for name, data in files.items():
        if name != noark.ARKIVSTRUKTUR:
            assert key.encode() not in data, name
    # The class's systemID does not derive from the number (a hash of one is reversible).
    same = noark.system_ids(record(person_key_kind=noark.NATIONAL_ID, person_key="31129912345"))
    assert (
        same.klasse
        == noark.system_ids(record(person_key_kind=noark.NATIONAL_ID, person_key=key)).klasse
    )


def test_a_national_identity_number_kind_needs_the_number():
    with pytest.raises(ValueError, match="person_key"):
        record(person_key_kind=noark.NATIONAL_ID)


def test_the_personnel_file_is_screened_under_offentleglova_13():
    files = package(record())
    root = parse(files[noark.ARKIVSTRUKTUR])
    for tag in ("klasse", "mappe", "registrering", "dokumentbeskrivelse"):
        assert one(root, f"//n:{tag}/n:skjerming/n:tilgangsrestriksjon") == "13", tag
        assert (
            one(root, f"//n:{tag}/n:skjerming/n:skjermingshjemmel")
            == "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
        )
    screened = root.xpath("//n:mappe/n:skjerming/n:skjermingMetadata/text()", namespaces=N5)
    assert "tittel" in screened
    assert one(root, "//n:mappe/n:offentligTittel") == "Personalmappe"
    assert "Kari" not in one(root, "//n:mappe/n:offentligTittel")
    assert (
        one(root, "//n:dokumentbeskrivelse/n:skjerming/n:skjermingDokument")
        == "Skjerming av hele dokumentet"
    )
    addml = parse(files[noark.ARKIVUTTREKK])
    flag = "//a:property[@name='inneholderSkjermetInformasjon']/a:value"
    assert one(addml, flag, ADDML) == "true"


def test_the_screening_follows_the_organizations_choice():
    files = package(record(access_code="14", screening_basis="Offl. § 14"))
    assert_valid(files)
    root = parse(files[noark.ARKIVSTRUKTUR])
    assert set(root.xpath("//n:tilgangsrestriksjon/text()", namespaces=N5)) == {"14"}
    assert set(root.xpath("//n:skjermingshjemmel/text()", namespaces=N5)) == {"Offl. § 14"}


@pytest.mark.parametrize("opened", [None, datetime(2024, 5, 2, 8, 0, tzinfo=UTC)])
def test_every_unit_was_opened_no_later_than_what_it_holds(opened):
    files = package(correction(file_opened_at=opened), PDF_2)
    root = parse(files[noark.ARKIVSTRUKTUR])
    created = [
        (tag, datetime.fromisoformat(one(element, "n:opprettetDato")))
        for tag, element in _units(root)
    ]
    for (outer, outer_at), (inner, inner_at) in zip(created, created[1:], strict=False):
        assert outer_at <= inner_at, f"{outer} opened after {inner}"
    mappe = dict(created)["mappe"]
    signed = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
    assert mappe == (opened or signed)
    # Archived, and the extract cut, after it was signed.
    assert datetime.fromisoformat(one(root, "//n:registrering/n:arkivertDato")) >= signed
    for tag in ("arkiv", "arkivdel", "mappe"):
        cut = datetime.fromisoformat(one(root, f"//n:{tag}/n:avsluttetDato"))
        assert cut == CREATED_AT  # the package's time
