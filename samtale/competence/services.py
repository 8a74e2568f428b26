"""Keeping a competence plan: the leader's priority and status per kind of need, which puts
it in the budget list (a shared need in the register, needs.services.need_from_plan), and
the comments of its readers. Each service checks the actor through the access policy, runs
in one transaction and leaves an audit entry."""

from django.db import transaction
from django.utils.translation import gettext as _

from samtale.competence import policy
from samtale.competence.models import PlanComment, PlanLine
from samtale.competence.selectors import Plan, years
from samtale.conversations.models import CompetenceKind
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.needs import services as needs_services
from samtale.needs.models import Need
from samtale.org.models import Person

MAX_TEXT = 2000

# What a line's status means for the shared need it put in the budget list.
NEED_STATUS = {
    PlanLine.Status.PROPOSED: Need.Status.CONSIDERING,
    PlanLine.Status.APPROVED: Need.Status.CONSIDERING,
    PlanLine.Status.BUDGET: Need.Status.BUDGET,
    PlanLine.Status.DONE: Need.Status.DONE,
    PlanLine.Status.DECLINED: Need.Status.DECLINED,
}


def _text(text: str, field: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}, field=field)
    return text


@transaction.atomic
def plan_line_set(
    *, actor: Person, plan: Plan, kind: str, priority: str, status: str, note: str
) -> PlanLine:
    """Set the priority and status of one kind of competence need in a plan. In the budget,
    a unit's line becomes a shared need for competence in the budget list (with the cost the
    plan shows); that need follows the line's status from then on."""
    require(policy.may_keep_plan(actor, plan.unit))
    if plan.year not in years():
        raise DomainError(_("Choose one of the plan's years."), field="year")
    if kind not in CompetenceKind.values:
        raise DomainError(_("Choose a kind of competence need."), field="kind")
    if priority not in PlanLine.Priority.values:
        raise DomainError(_("Choose a priority."), field="priority")
    if status not in PlanLine.Status.values:
        raise DomainError(_("Choose a status."), field="status")
    note = _text(note, "note")
    line, _created = PlanLine.objects.select_for_update().get_or_create(
        unit=plan.unit, year=plan.year, kind=kind
    )
    line.priority, line.status, line.note, line.updated_by = priority, status, note, actor
    need = line.need if line.need_id is not None else None
    if need is not None:
        if need.status != NEED_STATUS[PlanLine.Status(status)] and need.merged_into_id is None:
            needs_services.need_status_set(
                actor=actor,
                need=need,
                status=NEED_STATUS[PlanLine.Status(status)],
                comment=_("Changed in the competence plan."),
            )
    elif status == PlanLine.Status.BUDGET and plan.unit is not None:
        row = next(r for r in plan.rows if r.kind == kind)
        label = CompetenceKind(kind).label
        text = _("Competence plan %(year)s: %(kind)s") % {"year": plan.year, "kind": label}
        line.need = needs_services.need_from_plan(
            actor=actor,
            unit=plan.unit,
            year=plan.year,
            competence=kind,
            text=f"{text}. {note}" if note else text,
            cost=row.cost or None,
        )
    line.save()
    audit_log(
        actor=actor,
        action="competence.line",
        obj=line,
        unit=plan.unit.pk if plan.unit else None,
        year=plan.year,
        kind=kind,
        priority=priority,
        status=status,
    )
    return line


@transaction.atomic
def plan_comment_add(*, actor: Person, plan: Plan, text: str) -> PlanComment:
    require(policy.may_comment_plan(actor, plan.unit))
    text = _text(text, "text")
    if not text:
        raise DomainError(_("Write the comment."), field="text")
    comment = PlanComment.objects.create(unit=plan.unit, year=plan.year, text=text, author=actor)
    audit_log(
        actor=actor,
        action="competence.comment",
        obj=comment,
        unit=plan.unit.pk if plan.unit else None,
        year=plan.year,
    )
    return comment
