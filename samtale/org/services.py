"""Changes to the organization. Each service runs in one transaction, checks the
domain's rules, raises DomainError with a message for the user, and audits."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core.access import may_manage_org, require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org.models import Person, Unit

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "employee_number",
    "job_title",
    "profession_group",
    "employment_type",
    "start_date",
    "end_date",
    "unit",
    "manager",
    "is_hr",
    "is_org_admin",
    "is_active",
    "language",
)


def _check_person(*, actor: Person, person: Person) -> None:
    email_taken = Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk).exists()
    if email_taken:
        raise DomainError(_("Another person already has this e-mail address."), field="email")
    if (
        person.employee_number
        and Person.objects.filter(employee_number=person.employee_number)
        .exclude(pk=person.pk)
        .exists()
    ):
        raise DomainError(
            _("Another person already has this employee number."), field="employee_number"
        )
    if person.start_date and person.end_date and person.end_date < person.start_date:
        raise DomainError(_("The end date is before the start date."), field="end_date")
    if person.manager_id is not None:
        if person.pk is not None and person.manager_id == person.pk:
            raise DomainError(_("A person cannot be their own line manager."), field="manager")
        if person.pk is not None and _manager_chain_contains(person.manager_id, person.pk):
            raise DomainError(
                _("This line manager reports, directly or not, to this person."), field="manager"
            )
    if person.pk == actor.pk and not person.is_org_admin:
        raise DomainError(
            _("You cannot remove your own administrator role. Ask another administrator."),
            field="is_org_admin",
        )
    if person.pk == actor.pk and not person.is_active:
        raise DomainError(_("You cannot deactivate yourself."), field="is_active")


def _manager_chain_contains(start_id: int, target_id: int) -> bool:
    seen = set()
    current = start_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        current = Person.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return False


@transaction.atomic
def person_create(*, actor: Person, **fields) -> Person:
    """Create a person (who signs in through a password-reset link)."""
    require(may_manage_org(actor))
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    person.email = person.email.strip().lower()
    person.employee_number = person.employee_number or None
    person.set_unusable_password()
    _check_person(actor=actor, person=person)
    person.save()
    audit_log(actor=actor, action="person.create", obj=person)
    return person


@transaction.atomic
def person_update(*, actor: Person, person: Person, **fields) -> Person:
    """Change a person's data and roles; deactivating stamps the time, never deletes."""
    require(may_manage_org(actor))
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = []
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            continue
        if name == "email":
            value = value.strip().lower()
        if name == "employee_number":
            value = value or None
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if not changed:
        return person
    _check_person(actor=actor, person=person)
    if "is_active" in changed:
        person.deactivated_at = None if person.is_active else timezone.now()
    person.save()
    audit_log(actor=actor, action="person.update", obj=person, fields=sorted(changed))
    return person


@transaction.atomic
def person_language_set(*, actor: Person, person: Person, language: str) -> None:
    """Anyone may choose their own language; nobody chooses for someone else."""
    require(actor.pk == person.pk)
    if language not in Person.Language.values:
        raise DomainError(_("Choose one of the languages in the list."), field="language")
    Person.objects.filter(pk=person.pk).update(language=language)
    person.language = language


def _check_unit(*, unit: Unit) -> None:
    if Unit.objects.filter(code=unit.code).exclude(pk=unit.pk).exists():
        raise DomainError(_("Another unit already has this code."), field="code")
    parent = unit.parent
    if parent is not None:
        if unit.pk is not None and parent.pk == unit.pk:
            raise DomainError(_("A unit cannot be its own parent."), field="parent")
        ancestor = parent
        while ancestor is not None:
            if unit.pk is not None and ancestor.pk == unit.pk:
                raise DomainError(_("The parent unit lies below this unit."), field="parent")
            ancestor = ancestor.parent
        if Unit.LEVELS[unit.kind] <= Unit.LEVELS[parent.kind]:
            raise DomainError(
                _("A %(kind)s cannot lie under a %(parent_kind)s.")
                % {
                    "kind": unit.get_kind_display().lower(),
                    "parent_kind": parent.get_kind_display().lower(),
                },
                field="parent",
            )
    elif unit.kind != Unit.Kind.ENTERPRISE:
        raise DomainError(
            _("Only an enterprise can be at the top; choose a parent unit."), field="parent"
        )
    if not unit.is_active and unit.pk is not None:
        if unit.people.filter(is_active=True).exists():
            raise DomainError(
                _("The unit still has active people. Move them before you deactivate it."),
                field="is_active",
            )
        if unit.children.filter(is_active=True).exists():
            raise DomainError(
                _("The unit still has active units below it. Deactivate or move them first."),
                field="is_active",
            )


UNIT_FIELDS = ("code", "name", "kind", "parent", "is_active")


@transaction.atomic
def unit_create(*, actor: Person, **fields) -> Unit:
    require(may_manage_org(actor))
    unit = Unit(**{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    unit.code = unit.code.strip()
    _check_unit(unit=unit)
    unit.save()
    audit_log(actor=actor, action="unit.create", obj=unit)
    return unit


@transaction.atomic
def unit_update(*, actor: Person, unit: Unit, **fields) -> Unit:
    require(may_manage_org(actor))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    changed = []
    for name, value in fields.items():
        if name in UNIT_FIELDS and getattr(unit, name) != value:
            setattr(unit, name, value.strip() if name == "code" else value)
            changed.append(name)
    if not changed:
        return unit
    _check_unit(unit=unit)
    unit.save()
    audit_log(actor=actor, action="unit.update", obj=unit, fields=sorted(changed))
    return unit
