"""Every hand-off tells the one whose turn it is, at that moment: one e-mail, to the right
person, linking the page where they act (next_steps.conversation_next_step), and none to
someone who turned that notice off. Sent over a real SMTP server on loopback."""

import pytest
from django.conf import settings
from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.conversations.notices import OUTBOX_KIND
from samtale.conversations.services import lifecycle
from samtale.conversations.services import summary as services
from samtale.notifications.models import OutboundEmail
from samtale.signing import services as signing

from . import summary_steps as steps


def _planned(conversation, people):
    return steps.fresh(conversation)


def _written(conversation, people):
    c = steps.held(conversation, people)
    services.summary_save(
        actor=people.employee, conversation=c, text="Vi snakket om kurs.", base_version=0
    )
    services.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion="no_actions", shared_outside=""
    )
    return steps.fresh(c)


def _commented(conversation, people):
    c = steps.submitted(conversation, people)
    steps.comment(c, people, "Skriv hvem som melder deg på.")
    return steps.fresh(c)


def _sent(conversation, people):
    return steps.submitted(conversation, people)


def _agreed(conversation, people):
    c = steps.submitted(conversation, people)
    services.summary_approve(actor=people.leader, conversation=c)
    return steps.fresh(c)


def _leader_signed(conversation, people):
    c = steps.held(conversation, people)
    steps.with_goal(c, people)
    c = steps.submitted(c, people)
    services.summary_approve(actor=people.leader, conversation=c)
    signing.conversation_sign(actor=people.leader, conversation=steps.fresh(c))
    return steps.fresh(c)


def _hold(c, people):
    lifecycle.conversation_hold(actor=people.leader, conversation=c, confirmed=True)


def _submit(c, people):
    services.summary_submit(actor=people.employee, conversation=c)


def _send_back(c, people):
    services.summary_send_back(actor=people.leader, conversation=c)


def _approve(c, people):
    services.summary_approve(actor=people.leader, conversation=c)


def _sign_as(role):
    def sign(c, people):
        signing.conversation_sign(actor=getattr(people, role), conversation=c)

    return sign


SUMMARY, SIGN = "summary", "summary#sign-heading"
# (hand-off, the step before, what is done, who is told, the notice, the page they act on)
HANDOFFS = [
    ("meeting closed", _planned, _hold, "employee", "summary_to_write", SUMMARY),
    ("summary sent", _written, _submit, "leader", "summary_submitted", SUMMARY),
    ("summary sent back", _commented, _send_back, "employee", "summary_sent_back", SUMMARY),
    ("summary approved", _sent, _approve, "employee", "summary_approved", SIGN),
    ("one signed", _agreed, _sign_as("leader"), "employee", "summary_signed", SIGN),
    ("both signed", _leader_signed, _sign_as("employee"), "leader", "follow_up", "follow_up"),
]


def _url(page: str, conversation: Conversation) -> str:
    name, _hash, anchor = page.partition("#")
    path = reverse(name) if name == "follow_up" else reverse(name, args=[conversation.pk])
    return settings.SITE_URL + path + (f"#{anchor}" if anchor else "")


def _notices():
    return OutboundEmail.objects.filter(kind=OUTBOX_KIND)


@pytest.mark.parametrize(
    ("before", "act", "to", "kind", "page"),
    [row[1:] for row in HANDOFFS],
    ids=[row[0] for row in HANDOFFS],
)
def test_each_hand_off_tells_the_next_one_once_with_a_link_to_where_they_act(
    people, conversation, run, smtp, before, act, to, kind, page
):
    c = before(conversation, people)
    sent_before = len(smtp.messages)
    queued_before = set(_notices().values_list("pk", flat=True))
    run(act, c=c, people=people)
    [notice] = _notices().exclude(pk__in=queued_before)
    recipient = getattr(people, to)
    assert (notice.to_id, notice.ref["step"]) == (recipient.pk, kind)
    [message] = [m for m in smtp.messages[sent_before:] if recipient.email in m["To"]]
    link = _url(page, c)
    assert link in message.get_body(("plain",)).get_content()
    assert f'href="{link}"' in message.get_body(("html",)).get_content()


@pytest.mark.parametrize(
    ("before", "act", "to", "kind", "page"),
    [row[1:] for row in HANDOFFS],
    ids=[row[0] for row in HANDOFFS],
)
def test_a_hand_off_turned_off_sends_nothing(
    people, conversation, run, smtp, before, act, to, kind, page
):
    recipient = getattr(people, to)
    recipient.notices_off = [kind]
    recipient.save(update_fields=["notices_off"])
    c = before(conversation, people)
    queued_before = set(_notices().values_list("pk", flat=True))
    mails_before = len(smtp.to(recipient.email))
    run(act, c=c, people=people)
    assert not _notices().exclude(pk__in=queued_before).exists()
    assert len(smtp.to(recipient.email)) == mails_before


def test_closing_the_meeting_the_leader_writes_tells_nobody(people, guide_version, run, smtp):
    guide_version.summary_author = "leader"
    guide_version.save(update_fields=["summary_author"])
    c = lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=guide_version,
    )
    run(_hold, c=c, people=people)
    # The leader closes it and writes it: the summary page is where the close leads them.
    assert not _notices().exists()


def test_the_invitation_is_the_hand_off_to_prepare(people, conversation, run, smtp):
    run(lifecycle.conversation_invite, actor=people.leader, conversation=conversation)
    preparation = settings.SITE_URL + reverse("preparation", args=[conversation.pk])
    for person, kind in ((people.employee, "invitation"), (people.leader, "invitation_copy")):
        assert OutboundEmail.objects.filter(to=person, kind=kind).count() == 1
        [message] = smtp.to(person.email)
        assert preparation in message.get_body(("plain",)).get_content()


def test_a_notice_whose_step_is_taken_before_it_is_sent_is_skipped(
    people, conversation, django_capture_on_commit_callbacks, smtp
):
    with django_capture_on_commit_callbacks() as callbacks:
        lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    # The employee writes and sends before the worker gets to the notice.
    steps.submitted(conversation, people)
    for callback in callbacks:
        callback()
    assert smtp.to(people.employee.email) == []
    assert _notices().get(ref__step="summary_to_write").status == "skipped"
