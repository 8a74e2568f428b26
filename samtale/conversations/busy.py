"""The hand planner looks at the two people's own calendars (samtale.calendars): a time one
of them holds is warned of and planned only when the leader ticks that they know (the
calendar may be wrong, or the other thing may give way); a calendar that cannot be read is
named, and the time planned without it. Never refused silently, never a failed page."""

from datetime import timedelta

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.calendars import reasons
from samtale.calendars import selectors as calendars
from samtale.calendars.readers.base import Interval


def _outside(interval, held):
    """The parts of a busy interval outside `held` (start, end): the conversation's own
    time, which the calendars hold once its invitation is accepted."""
    if held is None or interval.end <= held[0] or held[1] <= interval.start:
        return [interval]
    parts = []
    if interval.start < held[0]:
        parts.append(Interval(interval.start, held[0]))
    if held[1] < interval.end:
        parts.append(Interval(held[1], interval.end))
    return parts


def calendar_check(form, *, people, start, minutes, held=None) -> dict:
    """What the calendars of `people` hold from `start` for `minutes`, for the page:
    `calendar_clashes` (whose calendar is busy, and when), `calendar_unread` (whose could
    not be read, and why), and whether the leader ticked that they know, for this very
    time (`calendar_confirmed`: a tick never carries over to another time). `held`: the
    conversation's present time (start, end), not counted as busy: moved half an hour, it
    must not be warned of itself."""
    if start is None or not minutes:
        return {}
    end = start + timedelta(minutes=minutes)
    found = calendars.busy_times(person_ids=[p.pk for p in people], start=start, end=end)
    clashes = [
        {"name": p.full_name, "start": part.start, "end": part.end}
        for p in people
        for busy in found.clashes(p.pk, start, end)
        for part in _outside(busy, held)
        if part.start < end and start < part.end
    ]
    value = timezone.localtime(start).strftime("%Y-%m-%dT%H:%M")
    return {
        "calendar_clashes": clashes,
        "calendar_unread": [
            {"name": u.name, "reason": reasons.reason(u.reason)} for u in found.unread
        ],
        "calendar_value": value,
        "calendar_confirmed": form.data.get("calendar_confirm") == value,
    }


def holds_back(context: dict) -> bool:
    """A calendar is busy then, and the leader has not ticked that they know."""
    return bool(context.get("calendar_clashes")) and not context.get("calendar_confirmed")


def tell_unread(request, context: dict) -> None:
    for unread in context.get("calendar_unread", ()):
        messages.warning(
            request,
            _("%(name)s's calendar could not be read (%(reason)s); planned without it.") % unread,
        )
