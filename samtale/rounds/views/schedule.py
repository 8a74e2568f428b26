"""A leader's schedule in a round: the windows they can use, the assistant's proposal
(which they may change), and the conversations that have a time."""

import hashlib
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from samtale.calendars import reasons
from samtale.core import holidays
from samtale.core.errors import DomainError
from samtale.core.http import guarded, render_page
from samtale.rounds import booking, policy, selectors
from samtale.rounds import scheduling as sch
from samtale.rounds.forms import SlotFormSet, WindowForm

REASONS = {
    sch.NO_HOLDER: gettext_lazy("Nobody holds this conversation yet."),
    sch.NOT_DUE: gettext_lazy("The next check-in is not due in the days proposed."),
    sch.NO_WINDOWS: gettext_lazy("No time is given in the days proposed."),
    sch.WINDOWS_FULL: gettext_lazy(
        "The times given are full (the length, the break and the limit per day)."
    ),
    sch.EMPLOYEE_BUSY: gettext_lazy("The employee has other conversations whenever there is room."),
}
# A slot moved by hand onto a time someone's own calendar holds (samtale.calendars): a
# warning the leader may set aside, for exactly those slots at those times.
CALENDAR_BUSY = "calendar_busy"
PROBLEMS = {
    sch.LEADER_OVERLAP: gettext_lazy(
        "Too close to another conversation of the leader (the break counts)."
    ),
    sch.EMPLOYEE_OVERLAP: gettext_lazy("The employee has another conversation then."),
    sch.TOO_MANY_A_DAY: gettext_lazy("More conversations that day than the round allows."),
    CALENDAR_BUSY: gettext_lazy("The leader's or the employee's own calendar is busy then."),
}
PREFIX = "slot"


def _initial(proposal) -> list[dict]:
    rows = []
    for slot in proposal.slots:
        local = timezone.localtime(slot.start)
        rows.append(
            {
                "participant": slot.participant_id,
                "take": True,
                "date": local.date(),
                "time": local.time(),
                "place": slot.place,
            }
        )
    return rows


def _context(
    request,
    round,
    leader,
    *,
    formset=None,
    window_form=None,
    problems=None,
    notice="",
    calendar_stamp="",
):
    today = timezone.localdate()
    proposal = selectors.proposal(round=round, leader=leader, today=today)
    if formset is None:
        formset = SlotFormSet(initial=_initial(proposal), prefix=PREFIX)
    problems = dict(problems or [])
    names = proposal.participants
    rows = []
    for form in formset.forms:
        value = form["participant"].value()
        try:
            participant = names.get(int(value))
        except (TypeError, ValueError):
            participant = None
        problem = PROBLEMS.get(problems.get(participant.pk)) if participant else None
        day_off = holidays.day_off(_date_of(form))
        rows.append(
            {"form": form, "participant": participant, "problem": problem, "day_off": day_off}
        )
    unplaced = [
        {"participant": names[u.participant_id], "reason": REASONS[u.reason]}
        for u in proposal.unplaced
    ]
    is_self = leader.pk == request.user.pk
    return {
        "round": round,
        "leader": leader,
        "is_self": is_self,
        "proposal": proposal,
        "formset": formset,
        "rows": rows,
        "unplaced": unplaced,
        "short": sum(
            1 for u in proposal.unplaced if u.reason in (sch.NO_WINDOWS, sch.WINDOWS_FULL)
        ),
        "windows": selectors.windows_of(round=round, leader=leader),
        "window_form": window_form or WindowForm(),
        "scheduled": selectors.scheduled(round=round, leader=leader),
        "notice": notice,
        "self_url": reverse("round_schedule", args=[round.pk, leader.pk]),
        "calendar_unread": [
            {"name": u.name, "reason": reasons.reason(u.reason)} for u in proposal.unread
        ],
        "calendar_stamp": calendar_stamp,
    }


def _date_of(form) -> date | None:
    """The date a slot's row shows: the proposal's, or the one the leader typed."""
    value = form["date"].value()
    if isinstance(value, date):
        return value
    try:
        return form.fields["date"].clean(value)
    except ValidationError:
        return None


def _stamp(clashes: list[int], chosen) -> str:
    """What a tick of "accept anyway" stands for: these slots at these times, no others."""
    times = sorted(
        (c.participant_id, c.start.isoformat()) for c in chosen if c.participant_id in clashes
    )
    return hashlib.sha256(repr(times).encode()).hexdigest()[:16] if times else ""


def _objects(request, pk, leader_pk):
    round = policy.get_round_for(request.user, pk)
    leader = policy.get_schedule_leader_for(request.user, round, leader_pk)
    return round, leader


@guarded(policy.may_list_rounds)
@require_GET
def round_schedule(request, pk, leader_pk):
    round, leader = _objects(request, pk, leader_pk)
    context = _context(request, round, leader)
    return render_page(request, "rounds/schedule.html", context, fragment="planner")


@guarded(policy.may_list_rounds)
@require_POST
def window_add(request, pk, leader_pk):
    round, leader = _objects(request, pk, leader_pk)
    form = WindowForm(request.POST)
    notice = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            booking.window_add(
                actor=request.user,
                round=round,
                leader=leader,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
            )
        except DomainError as e:
            e.add_to(form)
        else:
            notice = _("The time is added, and the proposal below is made anew.")
            if not request.htmx:
                messages.success(request, notice)
                return redirect("round_schedule", pk=round.pk, leader_pk=leader.pk)
            form = WindowForm()
    context = _context(request, round, leader, window_form=form, notice=notice)
    return render_page(request, "rounds/schedule.html", context, fragment="planner")


@guarded(policy.may_list_rounds)
@require_POST
def window_delete(request, pk):
    window = policy.get_window_for(request.user, pk)
    round, leader = window.round, window.leader
    booking.window_delete(actor=request.user, window=window)
    notice = _("The time is removed, and the proposal below is made anew.")
    if not request.htmx:
        messages.success(request, notice)
        return redirect("round_schedule", pk=round.pk, leader_pk=leader.pk)
    context = _context(request, round, leader, notice=notice)
    return render_page(request, "rounds/schedule.html", context, fragment="planner")


@guarded(policy.may_list_rounds)
@require_POST
def schedule_accept(request, pk, leader_pk):
    round, leader = _objects(request, pk, leader_pk)
    formset = SlotFormSet(request.POST, prefix=PREFIX)
    back = redirect("round_schedule", pk=round.pk, leader_pk=leader.pk)
    if not formset.management_form.is_valid():
        messages.error(request, _("Nothing was saved: the proposal was not sent. Try again."))
        return back
    if not formset.is_valid():
        messages.error(request, _("Nothing was saved. Correct what is marked below."))
        context = _context(request, round, leader, formset=formset)
        return render_page(request, "rounds/schedule.html", context)
    chosen = [
        booking.Chosen(
            f.cleaned_data["participant"], f.cleaned_data["start"], f.cleaned_data["place"]
        )
        for f in formset.forms
        if f.cleaned_data.get("take")
    ]
    clashes, _unread = selectors.calendar_clashes(
        round=round,
        leader=leader,
        chosen=[(c.participant_id, c.start) for c in chosen],
        today=timezone.localdate(),
    )
    stamp = _stamp(clashes, chosen)
    if clashes and request.POST.get("calendar_confirm") != stamp:
        messages.error(
            request,
            _(
                "Nothing was saved: an own calendar is busy at the times marked below. Move "
                "them, or tick the box and accept again."
            ),
        )
        problems = [(pk, CALENDAR_BUSY) for pk in clashes]
        context = _context(
            request, round, leader, formset=formset, problems=problems, calendar_stamp=stamp
        )
        return render_page(request, "rounds/schedule.html", context)
    try:
        planned = booking.schedule_accept(
            actor=request.user, round=round, leader=leader, chosen=chosen
        )
    except booking.ScheduleRefused as e:
        messages.error(request, e.message)
        context = _context(request, round, leader, formset=formset, problems=e.problems)
        return render_page(request, "rounds/schedule.html", context)
    except DomainError as e:
        messages.error(request, e.message)
        return back
    messages.success(request, _scheduled_message(round, planned))
    return back


def _scheduled_message(round, planned) -> str:
    """What was scheduled and, truthfully, when each invitation goes: at once for the
    conversations already within the round's lead time (rounds.jobs sends them after the
    commit), the others that many days before each."""
    soon = timezone.now() + timedelta(days=round.lead_days)
    later = sorted(c.scheduled_at for c in planned if c.scheduled_at > soon)
    now = len(planned) - len(later)
    words = [
        ngettext(
            "%(n)d conversation is scheduled.", "%(n)d conversations are scheduled.", len(planned)
        )
        % {"n": len(planned)}
    ]
    if now:
        words.append(
            ngettext(
                "%(n)d invitation goes out now, with a calendar invitation.",
                "%(n)d invitations go out now, with a calendar invitation.",
                now,
            )
            % {"n": now}
        )
    if later:
        first = timezone.localtime(later[0]) - timedelta(days=round.lead_days)
        words.append(
            ngettext(
                "%(n)d goes out %(days)d days before its conversation, on %(date)s.",
                "%(n)d go out %(days)d days before each conversation, the first on %(date)s.",
                len(later),
            )
            % {"n": len(later), "days": round.lead_days, "date": first.strftime("%d.%m.")}
        )
    return " ".join(words)
