"""Changes to the organization. Each service runs in one transaction, checks the
domain's rules, raises DomainError with a message for the user, and audits."""

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core.access import may_manage_org, require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.notifications.outbox import email_queue
from samtale.org import national_id, policy
from samtale.org.fields import PERSON_FIELDS
from samtale.org.models import (
    EmailChange,
    LeaderChange,
    Person,
    ProviderDeactivation,
    RoleChange,
    Unit,
)
from samtale.org.signals import line_manager_changed

# The roles that read more than a person's own conversations.
ROLE_FIELDS = {
    "is_hr": RoleChange.Role.HR,
    "is_org_admin": RoleChange.Role.ADMIN,
    "is_archivist": RoleChange.Role.ARCHIVE,
    "is_union_rep": RoleChange.Role.UNION,
}


def _check_person(*, actor: Person, person: Person, changed: set[str]) -> None:
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
    if (
        person.scim_external_id
        and Person.objects.filter(scim_external_id=person.scim_external_id)
        .exclude(pk=person.pk)
        .exists()
    ):
        raise DomainError(
            _("Another person already has this external id."), field="scim_external_id"
        )
    if "national_id" in changed:
        # Stored only when the archive classifies personnel files by it (org.national_id).
        if person.national_id and not national_id.wanted():
            raise DomainError(
                _("Samtale does not store national identity numbers here."), field="national_id"
            )
        if person.national_id and not national_id.is_valid(person.national_id):
            raise DomainError(
                _("This is not a valid national identity number: check the 11 digits."),
                field="national_id",
            )
        if (
            person.national_id
            and Person.objects.filter(national_id=person.national_id).exclude(pk=person.pk).exists()
        ):
            raise DomainError(
                _("Another person already has this national identity number."),
                field="national_id",
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
    _check_own_power(actor=actor, person=person, changed=changed)
    if person.pk == actor.pk and not person.is_active:
        raise DomainError(_("You cannot deactivate yourself."), field="is_active")


def _check_own_power(*, actor: Person, person: Person, changed: set[str]) -> None:
    """Nobody widens what they may read themselves: not their own roles, and not by making
    themselves someone's line manager (who holds that person's conversations)."""
    own_roles = [name for name in ROLE_FIELDS if name in changed]
    if person.pk is not None and person.pk == actor.pk and own_roles:
        raise DomainError(
            _("You cannot change your own roles. Ask another administrator."), field=own_roles[0]
        )
    if "manager" in changed and person.manager_id == actor.pk and person.pk != actor.pk:
        raise DomainError(
            _("You cannot make yourself someone's line manager. Ask another administrator."),
            field="manager",
        )


def _roles_in_force(person: Person) -> dict[str, bool]:
    """The roles a person can use: an inactive person cannot sign in, so has none."""
    return {name: bool(getattr(person, name) and person.is_active) for name in ROLE_FIELDS}


def _role_changes_record(*, actor: Person | None, person: Person, before: dict[str, bool]) -> None:
    """Each role given or taken, reactivating a role holder included: recorded, audited, and
    told at once to the person, every HR user and every administrator."""
    after = _roles_in_force(person)
    roles = [(name, role) for name, role in ROLE_FIELDS.items() if before[name] != after[name]]
    if not roles:
        return
    told = list(Person.objects.filter(Q(is_hr=True) | Q(is_org_admin=True), is_active=True))
    if person.is_active and all(p.pk != person.pk for p in told):
        told.append(person)
    for name, role in roles:
        change = RoleChange.objects.create(
            person=person, role=role, granted=after[name], changed_by=actor
        )
        audit_log(actor=actor, action="person.role", obj=person, role=role, granted=change.granted)
        for recipient in told:
            email_queue(to=recipient, kind="role_changed", ref={"change": change.pk})


NO_ROLES = dict.fromkeys(ROLE_FIELDS, False)


def role_holders_activity_record(*, actor: Person, person_ids: Iterable[int]) -> None:
    """An import activated or deactivated these people: for those holding a role, that is a
    role given or taken, and told as one."""
    holders = Person.objects.filter(
        Q(is_hr=True) | Q(is_org_admin=True) | Q(is_archivist=True) | Q(is_union_rep=True),
        pk__in=list(person_ids),
    )
    for person in holders:
        was_active = not person.is_active
        before = {name: bool(getattr(person, name) and was_active) for name in ROLE_FIELDS}
        _role_changes_record(actor=actor, person=person, before=before)


@transaction.atomic
def email_hold_start() -> datetime:
    """Changes of address made after this still hold password resets back
    (accounts.services.email_change_hold)."""
    return timezone.now() - timedelta(hours=settings.SAMTALE_EMAIL_CHANGE_HOLD_HOURS)


def email_change_release(*, actor: Person, change: EmailChange) -> EmailChange:
    """HR lets password resets go to the new address without the old one's confirmation:
    when the old address is gone (a typo, a closed mailbox, a move of the whole domain)."""
    require(policy.may_release_email_hold(actor, change))
    released = EmailChange.objects.filter(pk=change.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), released_by=actor
    )
    if not released:
        raise DomainError(_("This change is already confirmed or released."))
    audit_log(actor=actor, action="person.email.release", obj=change.person, change=change.pk)
    change.refresh_from_db()
    return change


def email_changes_record(*, actor: Person, changes: dict[int, tuple[str, str]]) -> None:
    """An import changed these people's addresses (pk -> (old, new)): as for one change by
    hand, their stamps rise, and the old and new addresses are told."""
    if not changes:
        return
    Person.objects.filter(pk__in=changes).update(auth_stamp=F("auth_stamp") + 1)
    for person in Person.objects.filter(pk__in=changes):
        _email_change_record(actor=actor, person=person, old_email=changes[person.pk][0])


def _email_change_record(*, actor: Person, person: Person, old_email: str) -> None:
    """Someone else changed the person's address: both addresses are told (the old one could
    otherwise lose the account without knowing), and the person's sessions, reset links and
    trusted devices end with the stamp the caller raised."""
    change = EmailChange.objects.create(
        person=person, old_email=old_email, new_email=person.email, changed_by=actor
    )
    audit_log(actor=actor, action="person.email", obj=person, change=change.pk)
    for address in (old_email, person.email):
        email_queue(to=person, kind="email_changed", ref={"change": change.pk}, address=address)


def leader_changes_record(
    *, actor: Person | None, changes: dict[int, tuple[int | None, int | None]], via: str
) -> list[LeaderChange]:
    """These people's line managers changed (pk -> (old manager pk, new manager pk)), by
    `via` (LeaderChange.Via): one rule for the form, imports and the identity provider.
    Each change is recorded and audited, the domains above follow it (line_manager_changed),
    and the person, the earlier and the new leader are told. The caller holds the
    transaction."""
    made = []
    for person in Person.objects.filter(pk__in=list(changes)).order_by("pk"):
        old_id, new_id = changes[person.pk]
        if old_id == new_id:
            continue
        change = LeaderChange.objects.create(
            person=person,
            old_manager_id=old_id,
            new_manager_id=new_id,
            changed_by=actor,
            via=via,
        )
        audit_log(
            actor=actor,
            action="person.leader_changed",
            obj=person,
            old_manager=old_id,
            new_manager=new_id,
            via=via,
        )
        line_manager_changed.send(sender=LeaderChange, change=change)
        told = Person.objects.filter(
            pk__in={pk for pk in (person.pk, old_id, new_id) if pk is not None}, is_active=True
        )
        for recipient in told:
            email_queue(to=recipient, kind="leader_changed", ref={"change": change.pk})
        made.append(change)
    return made


def _manager_chain_contains(start_id: int, target_id: int) -> bool:
    seen = set()
    current: int | None = start_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        current = Person.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return False


@transaction.atomic
def person_create(*, actor: Person, **fields: Any) -> Person:
    """Create a person (who signs in through a password-reset link)."""
    require(may_manage_org(actor))
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    person.email = person.email.strip().lower()
    person.employee_number = person.employee_number or None
    person.scim_external_id = person.scim_external_id or None
    person.national_id = person.national_id or None
    if not person.is_active:
        # Made inactive (a leaver an identity provider sends): when they left is now.
        person.deactivated_at = timezone.now()
    person.set_unusable_password()
    given = {name for name in PERSON_FIELDS if fields.get(name)}
    _check_person(actor=actor, person=person, changed=given)
    person.save()
    audit_log(actor=actor, action="person.create", obj=person)
    _role_changes_record(actor=actor, person=person, before=NO_ROLES)
    return person


def person_update_check(*, actor: Person, person: Person, **fields: Any) -> list[str]:
    """Set `fields` on `person` as person_update would (unsaved) and raise its DomainError if
    any (the form refuses before it asks about a new line manager). The names that changed."""
    changed = []
    for name, value in ((n, v) for n, v in fields.items() if n in PERSON_FIELDS):
        value = value.strip().lower() if name == "email" else value
        nullable = name in ("employee_number", "scim_external_id", "national_id")
        if getattr(person, name) != (value := value or None if nullable else value):
            setattr(person, name, value)
            changed.append(name)
    if changed:
        _check_person(actor=actor, person=person, changed=set(changed))
    return changed


@transaction.atomic
def person_update(
    *, actor: Person, person: Person, via: str = LeaderChange.Via.FORM, **fields: Any
) -> Person:
    """Change a person's data and roles; deactivating stamps the time, never deletes. A new
    line manager is a leader change (leader_changes_record), made `via` the form or the
    identity provider."""
    require(may_manage_org(actor))
    person = Person.objects.select_for_update().get(pk=person.pk)
    old_email = person.email
    old_manager_id = person.manager_id
    before = _roles_in_force(person)
    changed = person_update_check(actor=actor, person=person, **fields)
    if not changed:
        return person
    if "is_active" in changed:
        person.deactivated_at = None if person.is_active else timezone.now()
        if person.is_active:
            # Back at work: the identity provider may find and manage them again.
            person.scim_deleted_at = None
    if "email" in changed:
        person.auth_stamp += 1
    person.save()
    audit_log(actor=actor, action="person.update", obj=person, fields=sorted(changed))
    _role_changes_record(actor=actor, person=person, before=before)
    if "email" in changed:
        _email_change_record(actor=actor, person=person, old_email=old_email)
    if "manager" in changed:
        leader_changes_record(
            actor=actor, changes={person.pk: (old_manager_id, person.manager_id)}, via=via
        )
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
        ancestor: Unit | None = parent
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
def unit_create(*, actor: Person, **fields: Any) -> Unit:
    require(may_manage_org(actor))
    unit = Unit(**{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    unit.code = unit.code.strip()
    _check_unit(unit=unit)
    unit.save()
    audit_log(actor=actor, action="unit.create", obj=unit)
    return unit


@transaction.atomic
def unit_update(*, actor: Person, unit: Unit, **fields: Any) -> Unit:
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


# Deactivations at once ---------------------------------------------------------------

# The window in which the identity provider's deactivations count against the limit.
PROVIDER_WINDOW = timedelta(hours=1)


def deactivation_limit(active: int) -> int:
    """How many deactivations at once go without an administrator's confirmation: the
    larger of SAMTALE_DEACTIVATION_LIMIT_PERCENT of the active and _PEOPLE."""
    share = math.floor(active * settings.SAMTALE_DEACTIVATION_LIMIT_PERCENT / 100)
    return max(settings.SAMTALE_DEACTIVATION_LIMIT_PEOPLE, share)


def provider_person_update(
    *, actor: Person, person: Person, deleted: bool = False, **fields: Any
) -> Person:
    """A change from the identity provider (SCIM), as person_update; but a deactivation
    beyond the limit within PROVIDER_WINDOW is held (ProviderDeactivation) until an
    administrator decides, the rest of the change applied, and the administrators told once
    per window. A person already held stays held however often the provider asks again."""
    fields["via"] = LeaderChange.Via.PROVIDER
    if fields.get("is_active") is not False or not person.is_active:
        return person_update(actor=actor, person=person, **fields)
    with transaction.atomic():
        # One provider's deactivations at a time: counted and recorded as one.
        Person.objects.select_for_update().filter(pk=actor.pk).first()
        now = timezone.now()
        recent = ProviderDeactivation.objects.filter(requested_at__gte=now - PROVIDER_WINDOW)
        held = ProviderDeactivation.objects.filter(
            person=person, outcome=ProviderDeactivation.Outcome.HELD
        ).exists()
        limit = deactivation_limit(Person.objects.filter(is_active=True).count())
        if not held and recent.count() < limit:
            ProviderDeactivation.objects.create(
                person=person,
                requested_by=actor,
                deleted=deleted,
                outcome=ProviderDeactivation.Outcome.APPLIED,
            )
            return person_update(actor=actor, person=person, **fields)
        if not held:
            first = not recent.filter(outcome=ProviderDeactivation.Outcome.HELD).exists()
            ProviderDeactivation.objects.create(
                person=person,
                requested_by=actor,
                deleted=deleted,
                outcome=ProviderDeactivation.Outcome.HELD,
            )
            audit_log(actor=actor, action="person.deactivation_held", obj=person)
            if first:
                for admin in Person.objects.filter(is_org_admin=True, is_active=True):
                    email_queue(to=admin, kind="deactivations_held")
        rest = {k: v for k, v in fields.items() if k not in ("is_active", "scim_deleted_at")}
        return person_update(actor=actor, person=person, **rest)


def held_deactivations() -> QuerySet[ProviderDeactivation]:
    return ProviderDeactivation.objects.filter(
        outcome=ProviderDeactivation.Outcome.HELD
    ).select_related("person", "requested_by")


@transaction.atomic
def held_deactivations_decide(*, actor: Person, deactivate: bool) -> int:
    """An administrator deactivates everyone held, or keeps them all active; returns how many."""
    require(may_manage_org(actor))
    now = timezone.now()
    count = 0
    for held in held_deactivations().select_for_update(of=("self",)):
        if deactivate and held.person.is_active:
            fields: dict[str, Any] = {"is_active": False}
            if held.deleted:
                fields["scim_deleted_at"] = held.requested_at
            person_update(actor=actor, person=held.person, **fields)
        held.outcome = (
            ProviderDeactivation.Outcome.CONFIRMED
            if deactivate
            else ProviderDeactivation.Outcome.KEPT
        )
        held.decided_by, held.decided_at = actor, now
        held.save(update_fields=["outcome", "decided_by", "decided_at"])
        count += 1
    audit_log(
        actor=actor,
        action="person.deactivations_confirmed" if deactivate else "person.deactivations_kept",
        obj=None,
        count=count,
    )
    return count
