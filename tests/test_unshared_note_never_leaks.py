"""A note its author has not shared never reaches the other party: not on any page, in any
fragment, nor in any e-mail (issue 11: per-note sharing).

Two conversations of the employee with their leader: Q, signed earlier (the next one opens
with its goals), and P, being prepared. Each party keeps notes private in them, each a
distinct marker: one written after "share all" (which shares only the notes that exist
when it is confirmed), one shared and taken back, and one never shared. Beside them are notes
each has shared, as plain text.

The other party then walks every URL the resolver serves with every id of its kind (the
walk of tests/test_admin_never_sees_content.py): GET, htmx GET, the query strings the pages
read, and an empty POST, plain and htmx. Then the morning's jobs run a week later, and every
message queued for them is built and rendered again, sent or not. No private marker may
appear anywhere. The control shares the same notes and shows the same walk finds them.
"""

from collections import defaultdict
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from samtale.conversations.models import Conversation, Note
from samtale.conversations.services import lifecycle, preparation
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.mail import render_templated
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import BUILDERS
from tests.content_paths.walk import every_request, every_url, walk
from tests.content_paths.world import (
    DAILY_JOBS,
    Markers,
    _at,
    _fresh,
    _goal,
    _note,
    _summarize,
    _version,
    mail_text,
    markers_in,
    stored_ids,
)

OTHER = {"employee": "leader", "leader": "employee"}


def _write(conversation, author, theme, text):
    _note(_fresh(conversation), author, theme, text)


def _share(conversation, author, theme):
    preparation.note_share(actor=author, conversation=_fresh(conversation), theme_key=theme)


def build(people) -> dict[str, dict[str, str]]:
    """Q (signed) and P (in preparation); {party: {marker: "P" or "Q"}} of the notes each
    party keeps to themselves."""
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    form8 = _version("skjema-8-tema")
    employee, leader = people.employee, people.leader
    m = Markers(people)
    private: dict[str, dict[str, str]] = {"employee": {}, "leader": {}}

    def keep(party, label, conversation, theme):
        marker = m(f"{party}-{label}", by=people.by_role(party), private=True)
        _write(conversation, people.by_role(party), theme, marker)
        private[party][marker] = conversation

    # Q: held without a time, summarized and signed; then dated a month back.
    q = lifecycle.conversation_plan(
        actor=leader, employee=employee, leader=leader, guide_version=form8, place="Rom 1"
    )
    for party in ("employee", "leader"):
        keep(party, "private-signed", q, "motivasjon")
        _write(q, people.by_role(party), "delekultur", f"Delt i Q av {party}")
        _share(q, people.by_role(party), "delekultur")
    _goal(q, leader, m, "Q", responsible="both")
    lifecycle.conversation_hold(actor=leader, conversation=_fresh(q))
    _summarize(q, m, "Q", drafter=employee, reviewer=leader, conclusion="actions", shared=False)
    Conversation.objects.filter(pk=q.pk).update(scheduled_at=_at(-30), held_at=_at(-30))

    # P: invited; each party shares some notes and keeps others.
    p = lifecycle.conversation_plan(
        actor=leader,
        employee=employee,
        leader=leader,
        guide_version=form8,
        scheduled_at=_at(10),
        place="Rom 2",
    )
    lifecycle.conversation_invite(actor=leader, conversation=_fresh(p))
    for party in ("employee", "leader"):
        person = people.by_role(party)
        _write(p, person, "kompetanseutvikling", f"Delt i P av {party}")
        preparation.preparation_share_all(actor=person, conversation=_fresh(p))
        keep(party, "after-share-all", p, "rolleklarhet")
        keep(party, "taken-back", p, "ledelse")
        _share(p, person, "ledelse")
        preparation.note_unshare(actor=person, conversation=_fresh(p), theme_key="ledelse")
        keep(party, "never-shared", p, "motivasjon")
    return {party: {k: v.pk for k, v in notes.items()} for party, notes in private.items()}


def _ids() -> dict[str, list]:
    """Every id this world has; a route of any other kind is walked with none."""
    themes = [t["key"] for t in _version("skjema-8-tema").themes]
    ids = defaultdict(list)
    ids |= {**stored_ids(), "theme": [*themes, "ukjent"]}
    return ids


def _mail_to(person) -> list[str]:
    """Every message to `person`: what was sent, and every message queued for them built and
    rendered again now, including those skipped or not yet due."""
    for record in OutboundEmail.objects.filter(to=person):
        built = BUILDERS[record.kind](record)
        if built is not None:
            render_templated(
                to=person,
                address=person.email,
                template=built.template,
                context=built.context,
                calendar=built.calendar,
            ).send()
    texts = [mail_text(m) for m in mail.outbox if person.email in m.to]
    texts += [f"{r.subject} {r.ref}" for r in OutboundEmail.objects.filter(to=person)]
    return texts


@pytest.mark.walk
@pytest.mark.parametrize("viewer", ["leader", "employee"])
def test_an_unshared_note_never_reaches_the_other_party(
    people, viewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        private = build(people)[OTHER[viewer]]
    person = people.by_role(viewer)
    fill = {"unit": people.employee.unit_id, "person": people.employee.pk}
    urls = every_url(_ids())
    with django_capture_on_commit_callbacks(execute=True):
        result = walk(person, every_request(urls, fill=fill))
    assert result.signed_out == [], f"the walk lost the session of the {viewer}"
    # The walk read the conversations: the preparation page of P answered.
    p = max(private.values())
    assert result.statuses[("GET", f"/samtaler/{p}/forberedelse/")] == 200
    leaked = sorted({(m, url, marker) for m, url, marker in result.leaks if marker in private})
    assert leaked == [], f"the {viewer} read private notes of the {OTHER[viewer]}: {leaked}"

    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        for job in DAILY_JOBS:
            job.call()
    texts = _mail_to(person)
    assert texts, f"no mail reached the {viewer}: the check would prove nothing"
    in_mail = sorted({marker for text in texts for marker in markers_in(text)} & private.keys())
    assert in_mail == [], f"mail to the {viewer} holds private notes: {in_mail}"


@pytest.mark.walk
@pytest.mark.parametrize("viewer", ["leader", "employee"])
def test_the_same_walk_finds_the_notes_once_they_are_shared(
    people, viewer, django_capture_on_commit_callbacks
):
    """The control: shared, every one of those notes is found by the walk (GET only)."""
    with django_capture_on_commit_callbacks(execute=True):
        private = build(people)[OTHER[viewer]]
    Note.objects.filter(text__in=list(private)).update(shared_at=timezone.now())
    urls = [(n, path) for n, path in every_url(_ids()) if path.startswith("/samtaler/")]
    fill = {"unit": people.employee.unit_id, "person": people.employee.pk}
    result = walk(people.by_role(viewer), every_request(urls, fill=fill, posts=False))
    found = {marker for _m, _url, marker in result.leaks}
    assert sorted(private.keys() - found) == []
