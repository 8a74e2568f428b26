"""Another time, asked for in the app (conversations.services.proposals): the page on
which a party proposes other times, and the other party's one click that takes one."""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samtale.conversations import free_times, other_times, policy
from samtale.conversations.forms import ScheduleForm, schedule_initial
from samtale.conversations.proposal_forms import LOCAL, TimeProposalForm
from samtale.conversations.services import proposals
from samtale.core import access
from samtale.core.errors import DomainError, DomainWarning
from samtale.core.http import guarded


@guarded()
@require_http_methods(["GET", "POST"])
def time_propose(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    access.require(policy.may_propose_time(request.user, conversation))
    suggestions = free_times.free_times(conversation=conversation, now=timezone.now())
    form = TimeProposalForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.time_proposal_make(
                actor=request.user,
                conversation=conversation,
                starts=form.starts(),
                message=form.cleaned_data["message"],
            )
        except DomainError as e:
            e.add_to(form)
        else:
            other = conversation.employee if request.user.pk == conversation.leader_id else None
            name = (other or conversation.leader).full_name
            messages.success(
                request,
                _(
                    "Your proposal is sent to %(name)s, who can accept one of the times with one click."
                )
                % {"name": name},
            )
            return redirect("conversation_detail", pk=conversation.pk)
    context = {
        "form": form,
        "conversation": conversation,
        "other_times": [
            o
            for o in other_times.other_times(policy.access_to(request.user, conversation))
            if not o.mine
        ],
        "work_start": free_times.WORK_START,
        "work_end": free_times.WORK_END,
    }
    return render(request, "conversations/propose.html", context)


@guarded()
@require_POST
def time_proposal_accept(request, pk):
    """The one click: the conversation moves to the time the other party proposed. Past
    the leader's limit a day, the time page asks the leader to confirm, the time filled in."""
    conversation = policy.get_conversation_for(request.user, pk)
    zone = timezone.get_current_timezone()
    try:
        start = datetime.strptime(request.POST.get("start", ""), LOCAL).replace(tzinfo=zone)
        proposal_id = int(request.POST.get("proposal", "")[:9])  # within any id column
    except ValueError:
        start, proposal_id = None, 0
    try:
        moved = proposals.time_proposal_accept(
            actor=request.user, conversation=conversation, proposal_id=proposal_id, start=start
        )
    except DomainWarning as e:
        form = ScheduleForm(initial=schedule_initial(conversation, start=start), has_time=True)
        context = {"form": form, "conversation": conversation, "warning": e.message}
        context["warning_day"] = timezone.localdate(start).isoformat()
        return render(request, "conversations/schedule.html", context)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        shown = formats.date_format(timezone.localtime(moved.scheduled_at), "DATETIME_FORMAT")
        messages.success(
            request,
            _("The conversation is moved to %(time)s. You both get the calendar invitation again.")
            % {"time": shown},
        )
    return redirect("conversation_detail", pk=conversation.pk)
