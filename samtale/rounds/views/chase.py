"""Chasing a round: reminding the leaders behind in it (reminders.py) from its page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samtale.core.access import require
from samtale.core.errors import DomainError
from samtale.core.http import guarded
from samtale.rounds import policy, reminders


@guarded(policy.may_list_rounds)
@require_POST
def round_remind(request, pk):
    round = policy.get_round_for(request.user, pk)
    require(policy.may_remind_leaders(request.user, round))
    # Back to the round as it was shown: the leaders behind, with who was reminded now.
    back = reverse("round_detail", args=[round.pk]) + "?bak=1#progress-heading"
    try:
        done = reminders.leaders_remind(actor=request.user, round=round)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(back)
    messages.success(request, reminded_text(done))
    return redirect(back)


def reminded_text(done: reminders.Reminded) -> str:
    """How many were reminded, and who was not, and why: the confirmation's words."""
    n = len(done.reminded)
    text = ngettext(
        "%(n)d leader behind is reminded by e-mail of the people without a time.",
        "%(n)d leaders behind are reminded by e-mail of the people without a time.",
        n,
    ) % {"n": n}
    if done.recent:
        text += " " + _("Not reminded again (reminded less than a week ago): %(names)s.") % {
            "names": ", ".join(
                f"{leader.full_name} ({formats.date_format(timezone.localtime(at), 'd.m.')})"
                for leader, at in done.recent
            )
        }
    if done.all_timed:
        text += " " + _("Not reminded (every conversation has a time): %(names)s.") % {
            "names": ", ".join(leader.full_name for leader in done.all_timed)
        }
    return text
