"""The Noark 5 package of a signed form as the archive gets it: one archive creator for the
whole organization, the personnel file opened with its first form, the screening the
settings choose (archive.package)."""

from datetime import timedelta

import pytest
from lxml import etree

from samtale.archive import arkivuttrekk, noark
from samtale.archive.models import SignedForm
from samtale.archive.package import NotReady, archive_creator, record_of
from samtale.org.models import Unit

N5 = {"n": noark.ARKIVSTRUKTUR_NS}


def _arkivstruktur(form):
    files = arkivuttrekk.build_package(
        record_of(form),
        bytes(form.pdf),
        created_at=max(form.created_at, form.signed_at),
        system_version="1",
    )
    return etree.fromstring(files[noark.ARKIVSTRUKTUR])


def test_the_organization_number_is_the_one_archive_creator(sign, settings):
    settings.SAMTALE_ORGANIZATION_NUMBER = "315987652"
    form = SignedForm.objects.get(conversation=sign())
    root = _arkivstruktur(form)
    assert root.xpath("//n:arkivskaperID/text()", namespaces=N5) == ["315987652"]


def test_two_top_units_make_one_archive_creator(sign, people, settings):
    """Forms of employees in two enterprises (two top units) name the same creator."""
    settings.SAMTALE_ORGANIZATION = "Fjordvik kommune"
    form = SignedForm.objects.get(conversation=sign())
    other = Unit.objects.create(name="Fjordvik havn KF")
    assert Unit.objects.filter(parent=None).count() >= 2
    content = form.content | {"organization": other.name, "enterprise": other.name}
    elsewhere = SignedForm(content=content, conversation=form.conversation)
    assert archive_creator(form) == archive_creator(elsewhere) == ("315987652", "Fjordvik kommune")


def test_the_personnel_file_opens_with_the_employees_first_form(sign):
    first = SignedForm.objects.get(conversation=sign())
    earlier = first.signed_at - timedelta(days=400)
    SignedForm.objects.filter(pk=first.pk).update(signed_at=earlier)
    second = SignedForm.objects.get(conversation=sign())
    assert record_of(second).file_opened_at == earlier
    root = _arkivstruktur(second)
    [opened] = root.xpath("//n:mappe/n:opprettetDato/text()", namespaces=N5)
    assert opened.startswith(earlier.astimezone(noark.OSLO).date().isoformat())
    [created] = root.xpath("//n:registrering/n:opprettetDato/text()", namespaces=N5)
    assert opened < created


@pytest.mark.parametrize(("code", "basis"), [("13", "Offl. § 13"), ("26", "Offl. § 26 femte ledd")])
def test_the_screening_is_the_settings(sign, settings, code, basis):
    settings.SAMTALE_ARCHIVE_ACCESS_CODE = code
    settings.SAMTALE_ARCHIVE_SCREENING_BASIS = basis
    root = _arkivstruktur(SignedForm.objects.get(conversation=sign()))
    assert set(root.xpath("//n:tilgangsrestriksjon/text()", namespaces=N5)) == {code}
    assert set(root.xpath("//n:skjermingshjemmel/text()", namespaces=N5)) == {basis}


def test_where_the_archive_uses_national_identity_numbers_the_file_is_classified_by_it(
    sign, settings
):
    from samtale.org.models import Person

    settings.SAMTALE_ARCHIVE_PERSON_KEY = "national_id"
    form = SignedForm.objects.get(conversation=sign())
    # Without one, the package cannot be made, and the delivery will say why.
    with pytest.raises(ValueError, match="fødselsnummer"):
        record_of(form)
    Person.objects.filter(pk=form.content["employee"]["id"]).update(national_id="15058543206")
    root = _arkivstruktur(form)
    assert root.xpath("//n:klasse/n:klasseID/text()", namespaces=N5) == ["15058543206"]
    kind = root.xpath("//n:klassifikasjonssystem/n:klassifikasjonstype/text()", namespaces=N5)
    assert kind == ["Fødselsnummer"]
    # It is read at delivery, never frozen into the form's content.
    assert "15058543206" not in str(form.content)


def test_without_an_organization_number_no_package_is_made_and_it_says_who_sets_it(sign, settings):
    settings.SAMTALE_ORGANIZATION_NUMBER = ""
    form = SignedForm.objects.get(conversation=sign())
    with pytest.raises(NotReady, match="SAMTALE_ORGANIZATION_NUMBER"):
        record_of(form)


def test_the_personnel_files_external_key_is_the_organization_and_employee_numbers(
    sign, people, settings
):
    """Not a name: the top unit renamed between two forms, the archive gets the same key
    for the same person's file (it made a second personnel file when the key held the
    unit's name)."""
    from samtale.archive.fiks.channel import filing_of

    settings.SAMTALE_ORGANIZATION = ""
    first = SignedForm.objects.get(conversation=sign())
    top = people.employee.unit
    while top.parent_id:
        top = top.parent
    Unit.objects.filter(pk=top.pk).update(name="Helse, omsorg og velferd")
    second = SignedForm.objects.get(conversation=sign())
    keys = {filing_of(form.deliveries.get(), None).file_key for form in (first, second)}
    number = first.content["employee"]["number"]
    assert keys == {f"personalmappe:315987652:{number}"}
