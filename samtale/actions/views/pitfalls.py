"""What a pitfall count counts: the leader's own conversations and actions behind a nudge on
*Oppfølging*, and, for HR, who and when behind the counts on the home page, never content."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samtale.actions import nudges, policy, selectors
from samtale.actions.models import Action
from samtale.conversations import policy as conversations_policy
from samtale.conversations.models import Conversation
from samtale.core.http import guarded
from samtale.core.paginator import Paginator

PAGE_SIZE = 50
# The leader's actions come with a form to give a new deadline and one to drop, in each
# row: 25 to a page keeps it within 100 kB (50 made 135 kB).
ACTING_PAGE_SIZE = 25


def _kind(slug: str) -> str:
    try:
        return nudges.KINDS_BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def _page(request, kind: str, items, *, facts=None, size=PAGE_SIZE, **context):
    number = request.GET.get("side")
    if facts:
        page = selectors.facts_page(items, facts, number, size)
    else:
        page = Paginator(items, size).get_page(number)
    return render(
        request,
        "actions/pitfall.html",
        {
            "kind": kind,
            "about_conversations": kind in nudges.CONVERSATION_KINDS,
            "title": nudges.HR_TEXTS[kind] % {"count": page.paginator.count},
            "page": page,
            **context,
        },
    )


@guarded(policy.may_follow_up_reports)
@require_GET
def follow_up_pitfall(request, pitfall):
    """The conversations or actions behind one of the leader's nudges: those they hold."""
    kind, user, on = _kind(pitfall), request.user, selectors.today()
    if kind in nudges.CONVERSATION_KINDS:
        items = nudges.leader_pitfall_conversations(
            leader=user,
            kind=kind,
            conversations=conversations_policy.conversations_visible_to(user),
            on=on,
        ).select_related("employee", "leader", "guide_version")
        items = items.order_by("scheduled_at", "pk")
        return _page(request, kind, items, held=True)
    actions = nudges.leader_pitfall_actions(
        leader=user, kind=kind, actions=selectors.agreed(policy.actions_led_by(user)), on=on
    )
    # "Only my promises": those the leader answers for (alone or with the employee). A
    # query parameter, so the filter works without JavaScript and the pages keep it.
    mine = request.GET.get("mine") == "1"
    if mine:
        actions = actions.filter(responsible__in=selectors.LEADER_ANSWERS)
    return _page(
        request,
        kind,
        selectors.actions_listed(actions),
        size=ACTING_PAGE_SIZE,
        held=True,
        mine=mine,
        query="mine=1" if mine else "",
        today=on,
    )


@guarded(policy.may_list_pitfalls)
@require_GET
def pitfall_list(request, pitfall):
    """Who and when behind one of HR's pitfall counts, over the same querysets as the count."""
    kind, user, on = _kind(pitfall), request.user, selectors.today()
    if kind in nudges.CONVERSATION_KINDS:
        items = nudges.pitfall_conversations(
            kind=kind, conversations=conversations_policy.conversations_countable_by(user), on=on
        )
        facts, labels = selectors.conversation_facts, dict(Conversation.Status.choices)
    else:
        items = nudges.pitfall_actions(kind=kind, actions=policy.actions_countable_by(user), on=on)
        facts, labels = selectors.action_facts, dict(Action.Status.choices)
    return _page(
        request,
        kind,
        items,
        facts=facts,
        held=False,
        labels=labels,
        responsible=dict(Action.Responsible.choices),
    )
