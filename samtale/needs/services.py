"""Raising needs in a conversation, and the register's changes. Each service checks the
actor through the access policy, runs in one transaction and leaves an audit entry."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations.models import MAX_COST, CompetenceKind, Conversation
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.needs import policy
from samtale.needs.models import Category, Need, NeedChange, RaisedNeed
from samtale.org import selectors as org_selectors
from samtale.org.models import Person, Unit

MAX_TEXT = 2000


def units_for_need(conversation: Conversation) -> list[Unit]:
    """The units a need raised in a conversation can be for: the employee's unit and those
    above it (a routine of the whole department, say)."""
    return org_selectors.units_above(conversation.employee)


def _check(
    *,
    category: str,
    competence: str,
    text: str,
    cost: int | None,
    unit: Unit | None,
    allowed: list[Unit],
) -> Unit:
    """The need's unit, once every field is checked."""
    if category not in Category.values:
        raise DomainError(_("Choose what kind of need it is."), field="category")
    if competence and (category != Category.COMPETENCE or competence not in CompetenceKind.values):
        raise DomainError(
            _("A kind of competence belongs to a need for competence only."), field="competence"
        )
    if not text.strip():
        raise DomainError(_("Describe the need."), field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}, field="text")
    if cost is not None and not (0 <= cost <= MAX_COST):
        raise DomainError(_("Give the cost in whole kroner."), field="cost")
    if unit is None or unit.pk not in {u.pk for u in allowed}:
        raise DomainError(_("Choose the employee's unit or one above it."), field="unit")
    return unit


def _open(actor: Person, conversation: Conversation) -> None:
    require(conversation.party(actor) is not None)
    if conversation.is_locked:
        raise DomainError(_("The conversation is signed; its needs can no longer change."))


@transaction.atomic
def need_raise(
    *,
    actor: Person,
    conversation: Conversation,
    category: str,
    text: str,
    cost: int | None,
    unit: Unit | None,
    competence: str = "",
) -> RaisedNeed:
    """Either party raises a need that calls for a common solution. Both see it; it stays in
    the conversation unless the conclusion shares it."""
    _open(actor, conversation)
    unit = _check(
        category=category,
        competence=competence,
        text=text,
        cost=cost,
        unit=unit,
        allowed=units_for_need(conversation),
    )
    raised = RaisedNeed.objects.create(
        conversation=conversation,
        raised_by=actor,
        unit=unit,
        category=category,
        competence=competence,
        text=text.strip(),
        cost=cost,
    )
    audit_log(actor=actor, action="need.raise", obj=conversation, raised=raised.pk)
    return raised


@transaction.atomic
def need_share_set(*, actor: Person, raised: RaisedNeed, share: bool) -> RaisedNeed:
    """Whether the conclusion shares the need with the register (when both have signed)."""
    _open(actor, raised.conversation)
    if raised.share != share:
        raised.share = share
        raised.save(update_fields=["share"])
        audit_log(
            actor=actor, action="need.share" if share else "need.unshare", obj=raised.conversation
        )
    return raised


@transaction.atomic
def need_withdraw(*, actor: Person, raised: RaisedNeed) -> None:
    _open(actor, raised.conversation)
    audit_log(actor=actor, action="need.withdraw", obj=raised.conversation, raised=raised.pk)
    raised.delete()


def needs_register_from(*, conversation: Conversation) -> list[Need]:
    """When both have signed: each need the conclusion shares reaches the register. Called
    inside the signing's transaction; a need already registered is not registered again."""
    year = timezone.localdate().year
    created = []
    for raised in conversation.raised_needs.filter(share=True, need__isnull=True):
        need = Need.objects.create(
            unit_id=raised.unit_id,
            category=raised.category,
            competence=raised.competence,
            text=raised.text,
            cost=raised.cost,
            year=year,
            conversations=1,
        )
        NeedChange.objects.create(need=need, status=Need.Status.NEW)
        raised.need = need
        raised.save(update_fields=["need"])
        created.append(need)
    return created


@transaction.atomic
def need_status_set(*, actor: Person, need: Need, status: str, comment: str) -> Need:
    need = policy.get_need_for(actor, need.pk)
    if status not in Need.Status.values:
        raise DomainError(_("Choose a status."), field="status")
    if len(comment) > MAX_TEXT:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}, field="comment")
    if need.merged_into_id is not None:
        raise DomainError(_("This need is merged into another; change that one."))
    if status == need.status and not comment.strip():
        raise DomainError(_("Choose another status, or write a comment."), field="status")
    need.status = status
    need.save(update_fields=["status", "updated_at"])
    NeedChange.objects.create(need=need, status=status, comment=comment.strip(), by=actor)
    audit_log(actor=actor, action="need.status", obj=need, status=status)
    return need


@transaction.atomic
def need_from_plan(
    *, actor: Person, unit: Unit, year: int, competence: str, text: str, cost: int | None
) -> Need:
    """A line of a unit's competence plan put in the budget: a shared need for competence
    in the register, in the budget list beside the needs the conversations shared."""
    need = Need.objects.create(
        unit=unit,
        category=Category.COMPETENCE,
        competence=competence,
        text=text,
        cost=cost,
        year=year,
        status=Need.Status.BUDGET,
        from_plan=True,
    )
    NeedChange.objects.create(
        need=need, status=need.status, comment=_("From the competence plan."), by=actor
    )
    audit_log(actor=actor, action="need.from_plan", obj=need)
    return need


@transaction.atomic
def need_merge(*, actor: Person, need: Need, into: Need) -> Need:
    """Merge a need into a similar one: its conversations count there, its cost is kept
    there if that one has none, and it leaves the register's lists (with a link to where
    it went)."""
    need = policy.get_need_for(actor, need.pk)
    into = policy.get_need_for(actor, into.pk)
    if need.pk == into.pk:
        raise DomainError(_("Choose another need to merge into."), field="into")
    if need.merged_into_id is not None or into.merged_into_id is not None:
        raise DomainError(_("A need that is merged already cannot be merged."), field="into")
    Need.objects.filter(merged_into=need).update(merged_into=into)
    RaisedNeed.objects.filter(need=need).update(need=into)
    into.conversations = F("conversations") + need.conversations
    if into.cost is None and need.cost is not None:
        into.cost = need.cost
    into.save(update_fields=["conversations", "cost", "updated_at"])
    need.merged_into = into
    need.save(update_fields=["merged_into", "updated_at"])
    comment = _("Merged into another need.")
    NeedChange.objects.create(need=need, status=need.status, comment=comment, by=actor)
    NeedChange.objects.create(
        need=into, status=into.status, comment=_("Another need was merged in."), by=actor
    )
    audit_log(actor=actor, action="need.merge", obj=need, into=into.pk)
    into.refresh_from_db()
    return into
