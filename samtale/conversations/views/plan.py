"""Planning and the conversation's own page: who, when, where, and its status."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.conversations import busy, free_times, other_times, policy, selectors
from samtale.conversations.forms import PlanForm, ReasonForm, ScheduleForm, schedule_initial
from samtale.conversations.proposal_forms import as_value
from samtale.conversations.sections import previous_context, revisions_context
from samtale.conversations.services import booking, lifecycle, replies
from samtale.core import access
from samtale.core.audit import audit_reads
from samtale.core.errors import DomainError, DomainWarning
from samtale.core.http import acted, guarded
from samtale.core.paginator import Paginator
from samtale.guides import policy as guides_policy
from samtale.guides.selectors import current_version, guides_for_planning

# Where a service's field shows on the form.
FORM_FIELD = {"scheduled_at": "date"}


def _warned(form, error: DomainWarning) -> dict:
    """The guide's advice was set aside: say why, and offer “… anyway” for that day only."""
    day = timezone.localdate(form.cleaned_data["scheduled_at"])
    return {"warning": error.message, "warning_day": day.isoformat()}


@guarded()
@require_GET
def conversation_list(request):
    context = selectors.conversation_list(
        conversations=policy.conversations_visible_to(request.user), person=request.user
    )
    context["may_plan"] = policy.may_plan_conversation(request.user)
    return render(request, "conversations/list.html", context)


@guarded(policy.may_plan_conversation)
@require_http_methods(["GET", "POST"])
def conversation_create(request):
    initial = {"leader": request.user.pk}
    guides = guides_for_planning(guides=guides_policy.guides_visible_to(request.user))
    form = PlanForm(request.POST or None, initial=initial, user=request.user, guides=guides)
    context = {"form": form}
    employee_id = request.GET.get("medarbeider", "")
    employee = (
        form.fields["employee"].queryset.filter(pk=employee_id).first()
        if request.method == "GET" and employee_id.isascii() and employee_id.isdigit()
        else None
    )
    if employee is not None:
        # Planned from the leader's home for one person: the person, the template if there
        # is one, and a time proposed (a day both are free), to change or accept.
        proposed = selectors.proposed_time(
            leader=request.user, employee=employee, today=timezone.localdate()
        )
        initial |= {"employee": employee.pk, **proposed}
        last = selectors.last_guide_id(employee=employee)
        plannable = [guide.pk for guide in guides]
        if last in plannable or len(plannable) == 1:
            initial["guide"] = last if last in plannable else plannable[0]
        context["proposed"] = proposed
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = current_version(data["guide"])
        context |= busy.calendar_check(
            form,
            people=[data["leader"], data["employee"]],
            start=data["scheduled_at"],
            minutes=data["duration_minutes"] or version.duration_minutes,
        )
        if busy.holds_back(context):
            return render(request, "conversations/plan.html", context)
        try:
            conversation = lifecycle.conversation_plan(
                actor=request.user,
                employee=data["employee"],
                leader=data["leader"],
                guide_version=version,
                scheduled_at=data["scheduled_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                confirmed=form.confirmed(),
                mind_days_off=True,
            )
        except DomainWarning as e:
            context |= _warned(form, e)
        except booking.AlreadyPlanned as e:
            e.add_to(form, renamed=FORM_FIELD)
            visible = policy.conversations_visible_to(request.user).filter(pk=e.conversation.pk)
            context["existing"] = e.conversation if visible.exists() else None
        except DomainError as e:
            e.add_to(form, renamed=FORM_FIELD)
        else:
            busy.tell_unread(request, context)
            messages.success(request, _("The conversation is planned."))
            return redirect("conversation_detail", pk=conversation.pk)
    return render(request, "conversations/plan.html", context)


@guarded()
@require_GET
def conversation_detail(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    reader = policy.access_to(request.user, conversation)
    party = reader.party
    answers = list(reader.invitation_answers.order_by("party"))
    context = {
        "conversation": conversation,
        "party": party,
        # Signed: what was agreed, for its two parties only (content, as the summary is).
        "agreed": selectors.goals_with_actions(conversation)
        if party is not None and conversation.status == "signed"
        else None,
        "may_manage": reader.may_manage,
        "history": conversation.history.select_related("actor"),
        "answers": answers,
        "sharing": selectors.sharing_state(conversation=conversation),
        # Other times asked for, in the app or from a mail program, and who may ask.
        "other_times": other_times.other_times(reader, answers),
        "may_propose": reader.may_propose_time,
        **previous_context(conversation, request.user),
        **revisions_context(reader),
    }
    return render(request, "conversations/detail.html", context)


def _free_times(conversation) -> tuple:
    """The times both are free, as the page proposing another time has them: on the time
    page each one click away (posted as `suggested`, ScheduleForm), and the first filled in
    while the conversation has no time yet."""
    found = free_times.free_times(conversation=conversation, now=timezone.now())
    first = found[0] if found and conversation.scheduled_at is None else None
    return first, [(as_value(start), start) for start in found]


@guarded()
@require_http_methods(["GET", "POST"])
def conversation_schedule(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    access.require(policy.may_manage_conversation(request.user, conversation))
    first, choices = _free_times(conversation)
    form = ScheduleForm(
        request.POST or None,
        initial=schedule_initial(conversation, start=first),
        has_time=conversation.scheduled_at is not None,
    )
    context = {"form": form, "conversation": conversation, "first_free": first}
    context["free_times"] = choices
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        held = conversation.scheduled_at  # in the calendars already, once accepted
        context |= busy.calendar_check(
            form,
            people=[conversation.leader, conversation.employee],
            start=data["scheduled_at"],
            minutes=data["duration_minutes"],
            held=(held, held + timedelta(minutes=conversation.duration_minutes)) if held else None,
        )
        if busy.holds_back(context):
            return render(request, "conversations/schedule.html", context)
        try:
            lifecycle.conversation_schedule(
                actor=request.user,
                conversation=conversation,
                scheduled_at=data["scheduled_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                confirmed=form.confirmed(),
                mind_days_off=True,
            )
        except DomainWarning as e:
            context |= _warned(form, e)
        except DomainError as e:
            e.add_to(form, renamed=FORM_FIELD)
        else:
            busy.tell_unread(request, context)
            if data["scheduled_at"] is None:
                messages.success(request, _("The length and place are saved. No time is set yet."))
            else:
                messages.success(request, _("The time and place are saved."))
            return redirect("conversation_detail", pk=conversation.pk)
    return render(request, "conversations/schedule.html", context)


@guarded()
@require_POST
def conversation_invite(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    acted(
        request,
        lambda: lifecycle.conversation_invite(actor=request.user, conversation=conversation),
        _("The invitation is on its way to %(name)s.") % {"name": conversation.employee.full_name},
    )
    return redirect("conversation_detail", pk=conversation.pk)


@guarded()
@require_POST
def conversation_move_to_proposal(request, pk):
    """The leader's one click: move the conversation to the time a party proposed in their
    answer to the invitation (conversations.services.replies). Past the limit a day, the
    time page asks to confirm, with the time proposed filled in."""
    conversation = policy.get_conversation_for(request.user, pk)
    access.require(policy.may_manage_conversation(request.user, conversation))
    party = request.POST.get("party", "")
    answer = (
        policy.invitation_answers_visible_to(request.user, conversation)
        .filter(party=party, proposed_start__isnull=False)
        .first()
    )
    # The time proposed is checked against the two calendars as a move by hand is: a
    # clash goes to the time page to be confirmed there, never moved to in one click.
    calendar = _proposal_calendar(conversation, answer) if answer is not None else {}
    if busy.holds_back(calendar):
        return _confirm_proposal(request, conversation, answer, **calendar)
    try:
        moved = replies.conversation_move_to_proposal(
            actor=request.user, conversation=conversation, party=party
        )
    except DomainWarning as e:
        local = timezone.localtime(answer.proposed_start)
        return _confirm_proposal(
            request,
            conversation,
            answer,
            warning=e.message,
            warning_day=local.date().isoformat(),
            **calendar,
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        busy.tell_unread(request, calendar)
        messages.success(
            request,
            _("The conversation is moved to %(time)s. You both get the calendar invitation again.")
            % {
                "time": formats.date_format(
                    timezone.localtime(moved.scheduled_at), "DATETIME_FORMAT"
                )
            },
        )
    return redirect("conversation_detail", pk=conversation.pk)


def _proposal_calendar(conversation, answer) -> dict:
    """The two calendars checked for the time a party proposed (busy.calendar_check)."""
    held = conversation.scheduled_at
    return busy.calendar_check(
        ScheduleForm(has_time=True),
        people=[conversation.leader, conversation.employee],
        start=answer.proposed_start,
        minutes=answer.proposed_minutes or conversation.duration_minutes,
        held=(held, held + timedelta(minutes=conversation.duration_minutes)) if held else None,
    )


def _confirm_proposal(request, conversation, answer, **context):
    """The time page, with the time proposed filled in, for the leader to confirm."""
    form = ScheduleForm(
        initial=schedule_initial(
            conversation, start=answer.proposed_start, minutes=answer.proposed_minutes
        ),
        has_time=True,
    )
    return render(
        request,
        "conversations/schedule.html",
        {"form": form, "conversation": conversation, **context},
    )


def _with_reason(request, pk, *, service, template: str, done: str):
    conversation = policy.get_conversation_for(request.user, pk)
    access.require(policy.may_manage_conversation(request.user, conversation))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                actor=request.user, conversation=conversation, reason=form.cleaned_data["reason"]
            )
        except DomainError as e:
            e.add_to(form, renamed=FORM_FIELD)
        else:
            messages.success(request, done)
            return redirect("conversation_detail", pk=conversation.pk)
    return render(request, template, {"form": form, "conversation": conversation})


@guarded()
@require_http_methods(["GET", "POST"])
def conversation_postpone(request, pk):
    return _with_reason(
        request,
        pk,
        service=lifecycle.conversation_postpone,
        template="conversations/postpone.html",
        done=_(
            "The conversation is postponed. Give it a new time soon: postponing is the first pitfall."
        ),
    )


@guarded()
@require_http_methods(["GET", "POST"])
def conversation_cancel(request, pk):
    return _with_reason(
        request,
        pk,
        service=lifecycle.conversation_cancel,
        template="conversations/cancel.html",
        done=_("The conversation is cancelled."),
    )


@guarded(policy.may_read_shared_conclusions)
@require_GET
def shared_conclusions(request):
    """HR reads only what signed conclusions explicitly share; every read is audited."""
    revisions = (
        policy.shared_conclusions_visible_to(request.user)
        .select_related("conversation__employee__unit", "conversation__leader")
        .order_by("-leader_signed_at")
    )
    page = Paginator(revisions, 50).get_page(request.GET.get("side"))
    audit_reads(
        request.user,
        [revision.conversation for revision in page.object_list],
        what="shared_conclusion",
        role="hr",
    )
    return render(request, "conversations/shared.html", {"page": page, "query": ""})
