"""The Noark 5 package of a signed form: its frozen content and PDF/A, given to
archive.noark, zipped, named by its registrering's systemID."""

from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from django.utils import timezone
from django.utils.translation import gettext as _

from samtale import tenancy
from samtale.archive import arkivuttrekk, noark
from samtale.archive.models import SignedForm
from samtale.org import national_id
from samtale.org.models import Person, Unit
from samtale.tenancy import tenant_settings


def _version() -> str:
    try:
        return version("samtale")
    except PackageNotFoundError:
        return "0"


class NotReady(ValueError):
    """The package cannot be made yet: what is missing, and who can add it (a sentence for
    the archive staff, in the reader's language)."""


def _no_organization_number() -> NotReady:
    return NotReady(
        _(
            "Samtale has no organization number, which the archive registers every form under. "
            "The operator of Samtale sets it (SAMTALE_ORGANIZATION_NUMBER)."
        )
    )


def archive_creator(form: SignedForm) -> tuple[str, str]:
    """(arkivskaperID, arkivskaperNavn): one archive creator for the whole organization,
    whichever unit the employee is in: the organization number, and the organization's
    name (SAMTALE_ORGANIZATION, or the one top unit's, or with several top units and
    neither setting the form's). Without the number no package is made: the archive
    registers every form under it, and it is part of every id Samtale gives the archive,
    which must never change with a name."""
    number = tenant_settings.SAMTALE_ORGANIZATION_NUMBER
    if not number:
        raise _no_organization_number()
    name = tenancy.organization_name()
    if not name:
        tops = list(Unit.objects.filter(parent=None).values_list("name", flat=True)[:2])
        name = tops[0] if len(tops) == 1 else ""
    content = form.content
    name = name or content["organization"] or content["enterprise"] or _("The organization")
    return number, name


def not_ready(forms) -> dict[int, str]:
    """Why each of these forms' packages cannot be made now (by form id; the ones that can
    are left out): what record_of would refuse, in at most one query for all of them."""
    forms = list(forms)
    if forms and not tenant_settings.SAMTALE_ORGANIZATION_NUMBER:
        return {form.pk: str(_no_organization_number()) for form in forms}
    missing = set()
    if national_id.wanted() and forms:
        ids = {form.content["employee"]["id"] for form in forms}
        with_number = Person.objects.filter(pk__in=ids, national_id__gt="")
        missing = ids - set(with_number.values_list("pk", flat=True))
    problems = {}
    for form in forms:
        employee = form.content["employee"]
        if not employee["number"]:
            problems[form.pk] = str(_no_employee_number(employee["name"]))
        elif employee["id"] in missing:
            problems[form.pk] = str(_no_national_id(employee["name"]))
    return problems


def file_opened_at(form: SignedForm) -> datetime:
    """When the employee's personnel file got its first form from Samtale: its opening as
    far as Samtale knows, the same in every package of that employee."""
    employee = form.content["employee"]["id"]
    first = (
        SignedForm.objects.filter(content__employee__id=employee, signed_at__lte=form.signed_at)
        .order_by("signed_at")
        .values_list("signed_at", flat=True)
        .first()
    )
    return min(first or form.signed_at, form.signed_at)


def person_key(form: SignedForm) -> tuple[str, str]:
    """(kind, key) the personnel file is classified by: the employee number (the key then
    empty: noark uses the number), or the national identity number where the archive uses
    it — read from the person at delivery, never frozen into the form's content."""
    if not national_id.wanted():
        return noark.EMPLOYEE_NUMBER, ""
    employee = form.content["employee"]
    number = Person.objects.filter(pk=employee["id"]).values_list("national_id", flat=True).first()
    if not number:
        raise _no_national_id(employee["name"])
    return noark.NATIONAL_ID, number


def _no_national_id(name: str) -> NotReady:
    return NotReady(
        _(
            "%(name)s has no national identity number in Samtale, and the archive finds the "
            "personnel file by it. An administrator adds it on the person's page."
        )
        % {"name": name}
    )


def _no_employee_number(name: str) -> NotReady:
    return NotReady(
        _(
            "%(name)s had no employee number when the form was signed, and the archive finds "
            "the personnel file by it."
        )
        % {"name": name}
    )


def pdf_of(form: SignedForm) -> bytes:
    """The form's PDF, rendered before any delivery of it is tried."""
    if form.pdf is None:
        raise ValueError(f"signed form {form.pk} has no PDF yet")
    return bytes(form.pdf)


def record_of(form: SignedForm) -> noark.FormRecord:
    """What noark needs of a signed form; NotReady (the delivery and the archive queue say
    why) without the organization number or the person key the archive files by."""
    content = form.content
    employee, leader = content["employee"], content["leader"]
    if not employee["number"]:
        raise _no_employee_number(employee["name"])
    creator_id, organization = archive_creator(form)
    kind, key = person_key(form)
    held = datetime.fromisoformat(content["held_at"] or content["signed"]["leader"])
    return noark.FormRecord(
        organization_name=organization,
        organization_id=creator_id,
        unit_name=content["unit"] or organization,
        employee_name=employee["name"],
        employee_number=employee["number"],
        leader_name=leader["name"],
        # The standard's values and titles are bokmål whatever the form's language.
        title=f"Oppfølgingsskjema etter medarbeidersamtale {timezone.localtime(held):%Y}",
        held_on=timezone.localtime(held).date(),
        employee_signed_at=datetime.fromisoformat(content["signed"]["employee"]),
        leader_signed_at=datetime.fromisoformat(content["signed"]["leader"]),
        created_by=leader["name"],
        conversation_id=form.conversation_id,
        revision=form.number,
        document_path=f"DOKUMENT/{form.filename}",
        document_sha256=form.pdf_sha256,
        document_size=len(pdf_of(form)),
        replaces=content["replaces"],
        file_opened_at=file_opened_at(form),
        person_key_kind=kind,
        person_key=key,
        access_code=tenant_settings.SAMTALE_ARCHIVE_ACCESS_CODE,
        screening_basis=tenant_settings.SAMTALE_ARCHIVE_SCREENING_BASIS,
    )


def package(form: SignedForm) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of the form's package; the same form always gives the same
    bytes, so a delivery tried again is recognised in the drop folder."""
    record = record_of(form)
    files = arkivuttrekk.build_package(
        record,
        pdf_of(form),
        # The form is made when the second signs: never before the signing it records.
        created_at=max(form.created_at, form.signed_at),
        system_version=_version(),
    )
    return f"{noark.system_ids(record).registrering}.zip", noark.write_zip(files)
