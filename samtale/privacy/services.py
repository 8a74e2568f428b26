"""Legal holds, retention runs and copies of a person's data. Each service checks the actor
through the access policy (the one-time link: its code), runs in one transaction and leaves
an audit entry."""

from datetime import datetime, timedelta

from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError, checked
from samtale.insight.publication import publish
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person
from samtale.privacy import export, links, policy, records, retention
from samtale.privacy.models import AccessCopy, LegalHold, RetentionRun
from samtale.tenancy import tenant_settings

MAX_REASON = 2000
# A one-time link to a person who has left: its days, and the wrong codes that lock it.
LINK_DAYS = 7
MAX_CODE_ATTEMPTS = 5


def _reason(text: str, *, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Say why."), field=field)
    if len(text) > MAX_REASON:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": MAX_REASON}, field=field)
    return text


def _not_yourself(actor: Person, person: Person) -> None:
    if actor.pk == person.pk:
        raise DomainError(_("Another HR adviser sets or releases a legal hold on you."))


@transaction.atomic
def legal_hold_set(*, actor: Person, person: Person, reason: str) -> LegalHold:
    """Keep a person's conversations from deletion until the hold is released, with why. The
    person reads the reason in their own copy of their data."""
    require(policy.may_set_legal_hold(actor))
    _not_yourself(actor, person)
    reason = _reason(reason)
    # The person's row, locked: two holds set at once wait for each other (PostgreSQL; the
    # unique constraint refuses a second active hold on any database).
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if LegalHold.objects.filter(person=person, released_at__isnull=True).exists():
        raise DomainError(_("%(name)s is already on legal hold.") % {"name": person.full_name})
    hold = LegalHold.objects.create(person=person, reason=reason, set_by=actor)
    audit_log(actor=actor, action="privacy.hold_set", obj=person, hold=hold.pk)
    return hold


@transaction.atomic
def legal_hold_release(*, actor: Person, person: Person) -> LegalHold:
    """End the hold in force: the policy applies to the person's conversations again (the
    next daily run deletes what is due). The hold is kept as history."""
    require(policy.may_set_legal_hold(actor))
    _not_yourself(actor, person)
    hold = LegalHold.objects.filter(person=person, released_at__isnull=True).first()
    released = hold is not None and LegalHold.objects.filter(
        pk=hold.pk, released_at__isnull=True
    ).update(released_at=timezone.now(), released_by=actor)
    if hold is None or not released:
        raise DomainError(_("%(name)s is not on legal hold.") % {"name": person.full_name})
    audit_log(actor=actor, action="privacy.hold_release", obj=person, hold=hold.pk)
    hold.refresh_from_db()
    return hold


def retention_run(
    *, actor: Person | None = None, dry_run: bool = False, now: datetime | None = None
) -> tuple[RetentionRun, retention.Plan]:
    """Run the retention policy (privacy.retention): delete what is due, or with `dry_run`
    only count it. Either way the run is recorded (RetentionRun, for HR) with one audit entry,
    counts only. The deleting is done in many small transactions, so a run stopped halfway
    has deleted whole parts and leaves its record unfinished."""
    run = RetentionRun.objects.create(
        dry_run=dry_run,
        notes_months=tenant_settings.SAMTALE_RETAIN_NOTES_MONTHS,
        leavers_years=tenant_settings.SAMTALE_RETAIN_LEAVERS_YEARS,
    )
    # The periods that have ended are published first (as the hourly job would), so that a
    # leaver's answers are held back only for a period still open.
    publish.publish_due(now)
    plan = retention.due(now)
    counts = retention.preview(plan) if dry_run else retention.apply(plan)
    # The records that name people outside any conversation (privacy.records).
    counts += records.sweep(plan.now, dry_run=dry_run)
    kept = {
        "skipped_hold": plan.held,
        "skipped_unarchived": plan.unarchived,
        "skipped_unpublished": plan.unpublished,
    }
    with transaction.atomic():
        run.counts = {kind: counts.get(kind, 0) for kind in retention.COUNTED + records.COUNTED}
        for name, ids in kept.items():
            setattr(run, name, len(ids) + counts.get(name, 0))
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", *kept, "finished_at"])
        audit_log(
            actor=actor,
            action="retention.run",
            obj=run,
            dry_run=dry_run,
            **{name: getattr(run, name) for name in kept},
            **run.counts,
        )
    return run, plan


def own_copy_make(*, actor: Person) -> bytes:
    """The signed-in person's copy of everything Samtale holds about them (a ZIP)."""
    data = export.person_export(actor)
    audit_log(actor=actor, action="privacy.export", obj=actor, person=actor.pk, by="self")
    return data


def _note(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write how and when the person asked."), field="note")
    if len(text) > MAX_REASON:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": MAX_REASON}, field="note")
    return text


def _address(text: str) -> str:
    address = (text or "").strip()
    if not address:
        raise DomainError(
            _("Give the e-mail address the person asked to have their copy sent to."),
            field="address",
        )
    return checked(
        validate_email,
        address,
        field="address",
        message=_("Give a whole e-mail address, such as navn@example.no."),
    )


def access_copy_request(
    *, actor: Person, person: Person, reason: str, note: str, address: str = ""
) -> AccessCopy:
    """HR asks, on a person's request, for the copy of everything Samtale holds about them;
    it goes to the person only, never to HR. To one who can sign in it waits in their own
    account (the profile's "Your data"), and they are told by e-mail; to one who has left,
    a one-time link (LINK_DAYS days, one download) goes to the address they gave (`address`,
    required then), and the code that opens it in a second e-mail. HR gets neither, nor
    anything of the copy: the request and, later, whether and when it was downloaded. The
    person sees the request at once (on "Who has read your conversations")."""
    require(policy.may_export_for(actor, person))
    if reason not in AccessCopy.Reason.values:
        raise DomainError(_("Choose why the copy is made."), field="reason")
    note = _note(note)
    leaver = not person.is_active
    address = _address(address) if leaver else ""
    with transaction.atomic():
        copy = AccessCopy.objects.create(
            person=person,
            made_by=actor,
            reason=reason,
            note=note,
            channel=AccessCopy.Channel.LINK if leaver else AccessCopy.Channel.ACCOUNT,
            address=address,
        )
        if leaver:
            copy.expires_at = copy.at + timedelta(days=LINK_DAYS)
            copy.token_hash = links.token_digest(links.token_for(copy))
            copy.code_hash = links.code_digest(copy, links.code_for(copy))
            copy.save(update_fields=["expires_at", "token_hash", "code_hash"])
        audit_log(
            actor=actor,
            action="privacy.copy_request",
            obj=person,
            copy=copy.pk,
            channel=copy.channel,
            reason=reason,
        )
        ref = {"copy": copy.pk}
        if leaver:
            email_queue(to=person, kind="access_copy_link", ref=ref, address=address)
            email_queue(to=person, kind="access_copy_code", ref=ref, address=address)
        else:
            email_queue(to=person, kind="access_copy_ready", ref=ref)
    return copy


def access_copy_download(*, actor: Person, copy: AccessCopy) -> bytes:
    """The person downloads the copy waiting in their account (policy.get_own_access_copy_for
    found it): the ZIP of their data now, built for them alone. The first download marks it
    delivered, which HR sees; each is audited. Built before anything is written, so that no
    write lock is held while it is built."""
    require(copy.person_id == actor.pk and copy.channel == AccessCopy.Channel.ACCOUNT)
    data = export.person_export(actor)
    with transaction.atomic():
        AccessCopy.objects.filter(pk=copy.pk, delivered_at__isnull=True).update(
            status=AccessCopy.Status.DELIVERED, delivered_at=timezone.now()
        )
        audit_log(
            actor=actor,
            action="privacy.copy_delivered",
            obj=actor,
            copy=copy.pk,
            channel=copy.channel,
        )
    return data


def copy_link_refusal(copy: AccessCopy) -> str | None:
    """Why the link of `copy` opens nothing any more, in words; None while it may."""
    state = copy.state
    if state == AccessCopy.Status.DELIVERED:
        return _(
            "This link has been used: the copy was downloaded. It can be downloaded only once. "
            "If you need it again, ask HR for a new copy."
        )
    if state == AccessCopy.Status.LOCKED:
        return _(
            "This link is locked: the code was typed wrong too many times. Ask HR for a new copy."
        )
    if state == AccessCopy.EXPIRED:
        return _("This link has expired: it worked for %(days)d days. Ask HR for a new copy.") % {
            "days": LINK_DAYS
        }
    return None


def _wrong_code(copy: AccessCopy) -> int:
    """Count a wrong code; lock the link at the last one. The codes left."""
    with transaction.atomic():
        AccessCopy.objects.filter(pk=copy.pk, status=AccessCopy.Status.WAITING).update(
            attempts=F("attempts") + 1
        )
        copy.refresh_from_db(fields=["attempts", "status"])
        if copy.attempts >= MAX_CODE_ATTEMPTS:
            locked = AccessCopy.objects.filter(pk=copy.pk, status=AccessCopy.Status.WAITING).update(
                status=AccessCopy.Status.LOCKED
            )
            if locked:
                copy.status = AccessCopy.Status.LOCKED
                audit_log(
                    actor=None,
                    action="privacy.copy_locked",
                    obj=copy.person,
                    copy=copy.pk,
                    attempts=copy.attempts,
                )
    return max(0, MAX_CODE_ATTEMPTS - copy.attempts)


def access_copy_collect(*, copy: AccessCopy, code: str) -> bytes:
    """A person who has left opens their one-time link (policy.get_access_copy_by_link) and
    gives the code from the second e-mail: the right code downloads the ZIP of their data,
    once, within the link's time. A wrong one is counted, and the MAX_CODE_ATTEMPTS-th
    locks the link (audited). The copy is built before it is claimed, so no write lock is
    held while it is built; of two at once, one gets it."""
    refusal = copy_link_refusal(copy)
    if refusal:
        raise DomainError(refusal)
    if not policy.may_collect_by_link(copy, code):
        left = _wrong_code(copy)
        if not left:
            raise DomainError(copy_link_refusal(copy) or _("This link is locked."), field="code")
        raise DomainError(
            ngettext(
                "That is not the code. Check it in the second e-mail. %(n)d more try, then the "
                "link is locked.",
                "That is not the code. Check it in the second e-mail. %(n)d more tries, then the "
                "link is locked.",
                left,
            )
            % {"n": left},
            field="code",
        )
    data = export.person_export(copy.person)
    now = timezone.now()
    with transaction.atomic():
        claimed = AccessCopy.objects.filter(
            pk=copy.pk,
            status=AccessCopy.Status.WAITING,
            expires_at__gt=now,
            attempts__lt=MAX_CODE_ATTEMPTS,
        ).update(status=AccessCopy.Status.DELIVERED, delivered_at=now)
        if not claimed:
            copy.refresh_from_db()
            raise DomainError(copy_link_refusal(copy) or _("This link is locked."))
        audit_log(
            actor=None,
            action="privacy.copy_delivered",
            obj=copy.person,
            copy=copy.pk,
            channel=copy.channel,
        )
    return data
