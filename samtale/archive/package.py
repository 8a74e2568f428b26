"""The Noark 5 package of a signed form: its frozen content and PDF/A, given to
archive.noark, zipped, named by its registrering's systemID."""

from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.archive import noark
from samtale.archive.models import SignedForm


def _version() -> str:
    try:
        return version("samtale")
    except PackageNotFoundError:
        return "0"


def record_of(form: SignedForm) -> noark.FormRecord:
    """What noark needs of a signed form. A personnel file is found by the employee number:
    without one the package cannot be made, and the delivery says why."""
    content = form.content
    employee, leader = content["employee"], content["leader"]
    if not employee["number"]:
        raise ValueError(
            _("%(name)s has no employee number; the archive finds the personnel file by it.")
            % {"name": employee["name"]}
        )
    organization = content["organization"] or content["enterprise"] or _("The organization")
    held = datetime.fromisoformat(content["held_at"] or content["signed"]["leader"])
    return noark.FormRecord(
        organization_name=organization,
        organization_id=settings.SAMTALE_ORGANIZATION_NUMBER or organization,
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
        document_size=len(form.pdf),
        replaces=content["replaces"],
    )


def package(form: SignedForm) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of the form's package; the same form always gives the same
    bytes, so a delivery tried again is recognised in the drop folder."""
    record = record_of(form)
    files = noark.build_package(
        record, bytes(form.pdf), created_at=form.created_at, system_version=_version()
    )
    return f"{noark.system_ids(record).registrering}.zip", noark.write_zip(files)
