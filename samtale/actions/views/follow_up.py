"""The follow-up pages: the leader's overview of their reports, the employee's own
actions, one action with its history, and the updates both parties make."""

import hashlib
from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samtale.actions import agreement, handover, nudges, policy, selectors, services
from samtale.actions import overview as overview_report
from samtale.actions.forms import (
    CompetenceForm,
    DeadlineForm,
    DropForm,
    FilterForm,
    ReviewForm,
    UpdateForm,
)
from samtale.actions.models import Action
from samtale.conversations import policy as conversations_policy
from samtale.conversations.kept import form_keep, posted
from samtale.conversations.sections import previous_context
from samtale.core import access
from samtale.core.errors import DomainError
from samtale.core.http import guarded, redirect_back, same_site_path
from samtale.org.models import Person

# Nudge counts change by the day, not by the second: computed at most every ten minutes.
NUDGE_SECONDS = 600


def _nudges(user, on, *, fresh: bool = False) -> str:
    """The leader's nudges, kept rendered: the section changes by the day, and is read on
    every load. `fresh`: counted again now (an action changed on the overview)."""
    key = f"nudges:{user.pk}:{on.isoformat()}:{translation.get_language()}"

    def render_nudges() -> str:
        return render_to_string(
            "actions/_nudges.html",
            {
                "nudges": nudges.leader_nudges(
                    leader=user,
                    conversations=conversations_policy.conversations_visible_to(user),
                    actions=selectors.agreed(policy.actions_led_by(user)),
                    on=on,
                )
            },
        )

    if not fresh:
        kept: str | None = cache.get_or_set(key, render_nudges, NUDGE_SECONDS)
        return kept if kept is not None else render_nudges()
    html = render_nudges()
    cache.set(key, html, NUDGE_SECONDS)
    return html


def nudges_forget(user, on) -> None:
    """The leader's nudges are counted again on the next load, in every language: an action
    of theirs got a new deadline or was dropped."""
    cache.delete_many(
        [f"nudges:{user.pk}:{on.isoformat()}:{code}" for code, _name in settings.LANGUAGES]
    )


def _counts_query(query) -> str:
    """The overview's filters, and that its counts are on the page: an update of an action
    there answers with them (action_update)."""
    query = query.copy()
    query["counts"] = "1"
    return f"?{query.urlencode()}"


@guarded(policy.may_follow_up_reports)
@require_GET
def overview(request):
    user = request.user
    filters = FilterForm.chosen(request.GET)
    on = selectors.today()
    rows = overview_report.leader_overview(
        leader_id=policy.follow_up_leader(user), filters=filters, on=on
    )
    context = {
        "filter_selects": FilterForm.selects(filters),
        "filter_key": f"{filters.status}:{filters.responsible}:{filters.deadline}",
        "rows": rows,
        "cards_key": hashlib.sha256(repr(rows).encode()).hexdigest(),
        # The links to a report's actions keep the overview's filters.
        "query": f"?{request.GET.urlencode()}" if request.GET else "",
        "nudges": _nudges(user, on),
    }
    # After a change of line manager: follow-up that waits for the employee's word, and the
    # summaries employees shared with their new leader (both only where a report came so).
    if handover.brought_to(user.pk):
        context["handovers_waiting"] = handover.waiting_for(user.pk)
        context["shared_summaries"] = conversations_policy.summaries_shared_with(
            user
        ).select_related("conversation__employee")
    roles = access.roles_for(user)
    if roles.is_leaders_leader:
        below = Person.objects.filter(pk__in=roles.subordinate_ids, reports__is_active=True)
        context["leaders_below"] = selectors.counts_by_leader(
            actions=policy.actions_countable_by(user), leaders=below.distinct(), on=on
        )
    return render(request, "actions/overview.html", context)


@guarded(policy.may_follow_up_reports)
@require_GET
def overview_person(request, pk):
    """One report's actions in the conversations this leader holds (an htmx fragment, or a page)."""
    person = policy.follow_up_reports(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    filters, today = FilterForm.chosen(request.GET), selectors.today()
    agreed = selectors.agreed(policy.actions_visible_to(request.user)).filter(
        employee=person, leader=request.user
    )
    actions = selectors.actions_listed(filters.apply(agreed, today))
    context = {"person": person, "actions": actions, "today": today}
    if filters.status == "open":
        # Open first; below, collapsed, what is done or dropped (within the other filters).
        context["closed"] = list(
            selectors.closed_listed(replace(filters, status="closed").apply(agreed, today))
        )
        context["closed_count"] = len(context["closed"])
    if request.htmx:  # inside the overview, beside the person's counts
        context["update_query"] = _counts_query(request.GET)
    template = "actions/_person_actions.html" if request.htmx else "actions/person.html"
    return render(request, template, context)


@guarded()
@require_GET
def my_actions(request):
    visible = selectors.agreed(policy.actions_visible_to(request.user))
    mine = selectors.person_actions(person=request.user, actions=visible)
    return render(request, "actions/mine.html", {"actions": mine, "today": selectors.today()})


@guarded()
@require_GET
def action_detail(request, pk):
    return _detail(request, pk)


def _detail(
    request,
    pk,
    *,
    form=None,
    deadline_form=None,
    drop_form=None,
    competence_form=None,
    status: int = 200,
):
    """The action and its history, and what its parties may do with it; a refused update, new
    deadline or drop comes back bound, open, with what was typed, and on to the page it was
    posted from (`next`) once it goes through."""
    user = request.user
    try:
        action = selectors.action_with_history(policy.actions_visible_to(user), pk)
    except (Action.DoesNotExist, ValueError):
        raise Http404 from None
    bound = [f for f in (form, deadline_form, drop_form, competence_form) if f is not None]
    # Where it came from and where it went on: an action carried over between conversations.
    carried_on = selectors.carried_on_to(action)
    visible = policy.actions_visible_to(user)
    earlier = (
        visible.select_related("goal__conversation").filter(pk=action.carried_from_id).first()
        if action.carried_from_id
        else None
    )
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "form": form or UpdateForm(initial={"status": action.status}),
            "deadline_form": deadline_form or DeadlineForm(),
            "drop_form": drop_form or DropForm(),
            "competence_form": competence_form
            or CompetenceForm(initial={"competence": action.competence, "cost": action.cost}),
            "may_mark_competence": policy.may_follow_up_action(user, action),
            "page_errors": [e for f in bound for e in f.non_field_errors()],
            "may_remind": policy.may_remind_action(user, action),
            "may_move_deadline": policy.may_move_action_deadline(user, action),
            "next": same_site_path(
                request, request.POST.get("next"), reverse("action_detail", args=[pk])
            ),
            "today": selectors.today(),
            "followed": action.goal.conversation.is_followed_up and carried_on is None,
            "carried_on": carried_on
            if carried_on and visible.filter(pk=carried_on.pk).exists()
            else None,
            "carried_from": earlier,
        },
        status=status,
    )


def _acted(request, pk, form_class, act, *, name: str):
    """The action's form posted and `act`ed on (a service's call with the actor, the action
    and the form's values): (what it returned, None), or (None, the action's page again,
    the form open with what was typed and why, as `name`)."""
    action = policy.get_action_for(request.user, pk)
    form = form_class(request.POST)
    done = None
    if form.is_valid():
        try:
            done = act(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as e:
            e.add_to(form)
    if form.errors:
        return None, _detail(request, pk, **{name: form}, status=400)
    return done, None


@guarded()
@require_POST
def action_competence(request, pk):
    """Mark the action as a competence need, with its estimated cost (or not)."""
    _done, refused = _acted(
        request, pk, CompetenceForm, agreement.action_competence_set, name="competence_form"
    )
    if refused:
        return refused
    messages.success(request, _("Saved. The unit's competence plan counts it."))
    return redirect_back(request, reverse("action_detail", args=[pk]))


@guarded()
@require_POST
def action_update(request, pk):
    action = policy.get_action_for(request.user, pk)
    form = UpdateForm(request.POST)
    refusal = None
    if not form.is_valid():
        refusal = DomainError(_("Choose a status."))
    else:
        try:
            services.action_update(
                actor=request.user,
                action=action,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as e:
            refusal = e
    error = refusal.message if refusal else None
    if request.htmx:
        action = selectors.actions_listed(
            policy.actions_visible_to(request.user).filter(pk=pk)
        ).get()
        context = {
            "action": action,
            "today": selectors.today(),
            "error": error,
            "error_field": refusal.field if refusal else None,
            "saved": error is None,
            "under_goal": request.POST.get("under_goal") == "1",
        }
        if error:
            # Refused: the form stays open with what was typed.
            context |= {
                "typed_status": request.POST.get("status"),
                "typed_comment": request.POST.get("comment", ""),
            }
        on_overview = request.GET.get("counts") and policy.may_follow_up_reports(request.user)
        if on_overview and action.leader_id == request.user.pk:
            # On the leader's overview: the person's counts and the nudges change with it,
            # sent out of band in the same answer.
            on = selectors.today()
            context |= {
                "update_query": _counts_query(request.GET),
                "counts_row": overview_report.report_row(
                    leader_id=policy.follow_up_leader(request.user),
                    employee_id=action.employee_id,
                    filters=FilterForm.chosen(request.GET),
                    on=on,
                ),
                "nudges": _nudges(request.user, on, fresh=True),
            }
        return render(request, "actions/_action_updated.html", context)
    if refusal:
        refusal.add_to(form)
        return _detail(request, pk, form=form, status=400)
    messages.success(request, _("The action is updated."))
    return redirect_back(request, reverse("action_detail", args=[pk]))


def _meeting_of(request):
    """The conversation whose meeting the form was posted from (it names it), or None: found
    through the policy before anything is changed, so that one the person may not see is a
    404 that changed nothing."""
    pk = request.POST.get("conversation", "")
    if not (pk.isascii() and pk.isdigit()):  # "²" is a digit to isdigit(), not to int()
        return None
    return conversations_policy.get_conversation_for(request.user, int(pk))


def _carry_over_context(request, goal, conversation) -> dict:
    """In the meeting (`conversation`, from _meeting_of), the goal answers with its actions'
    carry-over buttons, as the page drew them."""
    if conversation is None:
        return {}
    context = previous_context(conversation, request.user, carry=True)
    if context["previous"] != goal.conversation:
        return {}
    return {
        "conversation": conversation,
        "carry_over": context["carry_over"],
        "carried": context["carried"],
    }


@guarded()
@require_POST
def goal_review(request, pk):
    """Record a goal's result. With htmx the goal answers in place, a refusal beside the form
    with what was typed; without, back to the goal on the page, which shows it the same way."""
    goal = policy.get_goal_for(request.user, pk)
    meeting = _meeting_of(request)
    form = ReviewForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Choose whether the goal was reached.")
    else:
        try:
            services.goal_review(actor=request.user, goal=goal, **form.cleaned_data)
        except DomainError as e:
            error = e.message
    if request.htmx:
        context = {
            "goal": selectors.goal_with_actions(goal),
            "previous": goal.conversation,
            "page_path": same_site_path(request, request.POST.get("next"), "").partition("#")[0],
            **_carry_over_context(request, goal, meeting),
            "goal_error": error,
            "goal_saved": error is None,
            "typed_result": request.POST.get("result", ""),
            "typed_learned": request.POST.get("learned", ""),
        }
        return render(request, "conversations/_previous.html#previous_goal", context)
    fallback = reverse("conversation_detail", args=[goal.conversation_id])
    if error:
        # Back to the goal on the page, the form open as it was posted, the error beside it.
        data = posted(request, ["result", "learned"])
        form_keep(request, f"review:{goal.pk}", {"data": data, "error": error})
        response = redirect_back(request, fallback)
        response["Location"] = response["Location"].split("#", 1)[0] + f"#previous-goal-{goal.pk}"
        return response
    messages.success(request, _("The result is recorded."))
    return redirect_back(request, fallback)


# Acting on an action that falls behind, from the overdue list and from the action's page:
# remind the employee, give it a new deadline, or drop it, saying why. Plain forms that post
# and go back to the page they came from (`next`) with a message; a refused new deadline or
# drop comes back on the action's page with what was typed.


def _back(request, pk):
    return redirect_back(request, reverse("action_detail", args=[pk]))


@guarded()
@require_POST
def action_remind(request, pk):
    """The leader reminds the employee: an e-mail at once, at most once a week."""
    action = policy.get_action_for(request.user, pk)
    try:
        sent = services.action_remind(actor=request.user, action=action)
    except DomainError as e:
        messages.error(request, e.message)
        return _back(request, pk)
    name = action.goal.conversation.employee.full_name
    if sent:
        messages.success(request, _("Reminder sent to %(name)s.") % {"name": name})
    else:
        messages.success(
            request,
            _(
                "%(name)s has turned off e-mails about reminders. The reminder shows on "
                "their home page."
            )
            % {"name": name},
        )
    return _back(request, pk)


@guarded()
@require_POST
def action_deadline(request, pk):
    """A new deadline and why; refused, back on the action's page with what was typed."""
    update, refused = _acted(
        request, pk, DeadlineForm, services.action_deadline_move, name="deadline_form"
    )
    if refused:
        return refused
    nudges_forget(request.user, selectors.today())
    messages.success(
        request,
        _("The action has a new deadline: %(date)s.")
        % {"date": update.deadline_to.strftime("%d.%m.%Y")},
    )
    return _back(request, pk)


@guarded()
@require_POST
def action_drop(request, pk):
    """Drop the action, saying why; refused, back on the action's page with what was typed."""
    _done, refused = _acted(request, pk, DropForm, services.action_drop, name="drop_form")
    if refused:
        return refused
    nudges_forget(request.user, selectors.today())
    messages.success(request, _("The action is dropped."))
    return _back(request, pk)
