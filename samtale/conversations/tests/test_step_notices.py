"""Step notices to the other party: one e-mail per step, at most once, with a link and
never any content, sent over a real SMTP server on loopback."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, override

from samtale.conversations import notices
from samtale.conversations.models import (
    Conversation,
    Note,
    Preparation,
    SummaryComment,
    SummaryRevision,
)
from samtale.conversations.notices import KINDS, step_notice
from samtale.conversations.services import summary as summary_services
from samtale.core.errors import DomainError
from samtale.notifications.models import OutboundEmail
from samtale.signing import services as signing

S = Conversation.Status
MARKER = "HEMMELIG-INNHOLD-7731"


@pytest.fixture
def held(people, guide_version):
    """A held conversation with its first summary revision written by the employee."""
    at = timezone.now() - timedelta(days=1)
    conversation = Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=guide_version,
        status=S.HELD,
        scheduled_at=at,
        held_at=at,
        place="Møterom 2",
    )
    SummaryRevision.objects.create(
        conversation=conversation,
        number=1,
        text=f"Oppsummert. {MARKER}",
        conclusion=SummaryRevision.Conclusion.NO_ACTIONS,
        shared_outside=f"Delt: {MARKER}",
    )
    return conversation


def _reload(conversation):
    return Conversation.objects.get(pk=conversation.pk)


def _notices(**filters):
    return OutboundEmail.objects.filter(kind=notices.OUTBOX_KIND, **filters)


def _texts(message) -> list[str]:
    return [
        message["Subject"],
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    ]


def _assert_link_and_no_content(message, path):
    subject, text, html = _texts(message)
    assert path in text and path in html
    for part in (subject, text, html):
        assert MARKER not in part


def _submitted(run, held, people):
    run(summary_services.summary_submit, actor=people.employee, conversation=held)
    return _reload(held)


def _agreed(run, held, people):
    conversation = _submitted(run, held, people)
    run(summary_services.summary_approve, actor=people.leader, conversation=conversation)
    return _reload(conversation)


def test_sending_the_summary_tells_the_reviewer_once_with_a_link_and_no_content(
    held, people, run, smtp
):
    _submitted(run, held, people)
    [message] = smtp.to(people.leader.email)
    assert smtp.to(people.employee.email) == []
    assert _notices(to=people.leader).count() == 1
    _assert_link_and_no_content(message, f"/samtaler/{held.pk}/oppsummering/")
    subject, text, _html = _texts(message)
    assert "Emma Testesen" in subject and "Emma Testesen" in text
    with override("nb"):
        held_on = date_format(timezone.localtime(held.held_at), "DATE_FORMAT")
    assert held_on in subject and held_on in text


def test_sending_the_same_revision_twice_tells_the_reviewer_once(held, people, run, smtp):
    conversation = _submitted(run, held, people)
    run(summary_services.summary_submit, actor=people.employee, conversation=conversation)
    assert len(smtp.to(people.leader.email)) == 1
    assert _notices().count() == 1


def test_the_same_event_is_queued_only_once(held, people, run, smtp):
    for _ in range(2):
        run(step_notice, conversation=held, kind="summary_sent_back", to=people.employee, event="x")
    assert _notices().count() == 1


def test_approving_tells_the_drafter_it_is_ready_to_sign_and_not_the_approver(
    held, people, run, smtp
):
    conversation = _submitted(run, held, people)
    revision = conversation.summaries.get()
    revision.comment = f"Kommentar {MARKER}"
    revision.save()
    run(summary_services.summary_approve, actor=people.leader, conversation=conversation)
    [message] = smtp.to(people.employee.email)
    assert len(smtp.to(people.leader.email)) == 1  # only the earlier "summary sent" notice
    assert list(_notices(to=people.employee).values_list("ref", flat=True)) == [
        {"conversation": held.pk, "step": "summary_approved"}
    ]
    _assert_link_and_no_content(message, f"/samtaler/{held.pk}/oppsummering/")
    assert "Leif Testesen" in message["Subject"]


def test_the_first_signature_tells_the_other_party_and_the_second_tells_nobody(
    held, people, run, smtp
):
    conversation = _agreed(run, held, people)
    before = {p: len(smtp.to(p.email)) for p in (people.employee, people.leader)}
    run(signing.conversation_sign, actor=people.employee, conversation=conversation)
    assert len(smtp.to(people.employee.email)) == before[people.employee]
    assert len(smtp.to(people.leader.email)) == before[people.leader] + 1
    message = smtp.to(people.leader.email)[-1]
    _assert_link_and_no_content(message, f"/samtaler/{held.pk}/oppsummering/")
    assert _notices(to=people.leader, ref__step="summary_signed").count() == 1
    # A second signature attempt fails and sends nothing more.
    with pytest.raises(DomainError):
        run(signing.conversation_sign, actor=people.employee, conversation=conversation)
    run(signing.conversation_sign, actor=people.leader, conversation=_reload(held))
    assert _reload(held).status == S.SIGNED
    # Signed by both: no step waits, and the employee is told their copy of the signed
    # follow-up form is ready (samtale.archive), a link without content.
    assert len(smtp.to(people.employee.email)) == before[people.employee] + 1
    _assert_link_and_no_content(
        smtp.to(people.employee.email)[-1], f"/samtaler/{held.pk}/#revisjoner"
    )
    assert _notices(ref__step="summary_signed").count() == 1


def test_a_kind_turned_off_is_not_sent_and_the_others_still_are(held, people, run, smtp):
    people.leader.notices_off = ["summary_submitted"]
    people.leader.save()
    conversation = _submitted(run, _reload(held), people)
    assert smtp.to(people.leader.email) == []
    run(summary_services.summary_approve, actor=people.leader, conversation=conversation)
    assert len(smtp.to(people.employee.email)) == 1


@contextmanager
def _before_the_notice_is_sent(held, people, capture_on_commit):
    """The employee sends the summary; what the block does comes after the commit and before
    the worker sends the notice it queued."""
    with capture_on_commit() as callbacks:
        summary_services.summary_submit(actor=people.employee, conversation=held)
    yield
    for callback in callbacks:
        callback()


def test_a_kind_turned_off_after_it_was_queued_is_skipped(
    held, people, django_capture_on_commit_callbacks, smtp
):
    with _before_the_notice_is_sent(held, people, django_capture_on_commit_callbacks):
        people.leader.notices_off = ["summary_submitted"]
        people.leader.save()
    assert smtp.messages == []
    assert _notices().get().status == "skipped"


def test_a_recipient_who_is_no_longer_the_leader_gets_nothing(
    held, people, django_capture_on_commit_callbacks, smtp
):
    with _before_the_notice_is_sent(held, people, django_capture_on_commit_callbacks):
        Conversation.objects.filter(pk=held.pk).update(leader=people.other_leader)
    assert smtp.messages == []
    assert _notices().get().status == "skipped"


def test_a_cancelled_conversation_sends_no_notice(
    held, people, django_capture_on_commit_callbacks, smtp
):
    with _before_the_notice_is_sent(held, people, django_capture_on_commit_callbacks):
        Conversation.objects.filter(pk=held.pk).update(status=S.CANCELLED)
    assert smtp.messages == []


def test_a_step_undone_before_sending_is_skipped(
    held, people, django_capture_on_commit_callbacks, smtp
):
    with _before_the_notice_is_sent(held, people, django_capture_on_commit_callbacks):
        # Sent back (or reopened) before the worker got to it: the reviewer has nothing to read.
        SummaryRevision.objects.filter(conversation=held).update(submitted_at=None)
    assert smtp.messages == []


def test_an_inactive_person_gets_no_notice(held, people, run, smtp):
    people.leader.is_active = False
    people.leader.save()
    _submitted(run, _reload(held), people)
    assert _notices().count() == 0


def test_nobody_outside_the_conversation_is_told(held, people, run, smtp):
    run(step_notice, conversation=held, kind="summary_submitted", to=people.hr, event="1")
    assert _notices().count() == 0


def test_the_notice_is_written_in_the_recipients_language(held, people, run, smtp):
    people.leader.language = "en"
    people.leader.save()
    _submitted(run, _reload(held), people)
    [message] = smtp.to(people.leader.email)
    with override("en"):
        expected = gettext("You can turn these notices off in your profile:")
    assert expected in message.get_body(("plain",)).get_content()
    assert "/profil/" in message.get_body(("plain",)).get_content()


def test_a_shared_preparation_is_told_to_the_leader_with_a_link_to_the_preparation(
    held, people, run, smtp
):
    Conversation.objects.filter(pk=held.pk).update(status=S.PREPARED, held_at=None)
    now = timezone.now()
    preparation = Preparation.objects.create(
        conversation=held, author=people.employee, shared_at=now
    )
    Note.objects.create(
        preparation=preparation, theme_key="motivasjon", text=f"Notat {MARKER}", shared_at=now
    )
    run(
        step_notice,
        conversation=_reload(held),
        kind="preparation_shared",
        to=people.leader,
        event="1",
    )
    [message] = smtp.to(people.leader.email)
    _assert_link_and_no_content(message, f"/samtaler/{held.pk}/forberedelse/")
    assert "Emma Testesen" in message["Subject"]


def test_a_preparation_unshared_before_sending_is_not_told(
    held, people, django_capture_on_commit_callbacks, smtp
):
    Preparation.objects.create(conversation=held, author=people.employee)
    with django_capture_on_commit_callbacks(execute=True):
        step_notice(conversation=held, kind="preparation_shared", to=people.leader, event="1")
    assert smtp.messages == []


def test_a_sent_back_summary_is_told_to_the_drafter_without_the_comment(held, people, run, smtp):
    revision = held.summaries.get()
    SummaryComment.objects.create(
        revision=revision,
        author=people.leader,
        kind=SummaryComment.Kind.SENT_BACK,
        text=f"Skriv om {MARKER}",
    )
    run(step_notice, conversation=held, kind="summary_sent_back", to=people.employee, event="1")
    [message] = smtp.to(people.employee.email)
    _assert_link_and_no_content(message, f"/samtaler/{held.pk}/oppsummering/")
    assert "Leif Testesen" in message["Subject"]


def test_a_proposed_correction_is_told_to_the_other_party_without_the_reason(
    held, people, run, smtp
):
    now = timezone.now()
    Conversation.objects.filter(pk=held.pk).update(status=S.SIGNED, signed_at=now)
    SummaryRevision.objects.filter(conversation=held).update(
        submitted_at=now, approved_at=now, employee_signed_at=now, leader_signed_at=now
    )
    SummaryRevision.objects.create(
        conversation=held,
        number=2,
        text=f"Rettet {MARKER}",
        reason=f"Fordi {MARKER}",
        proposed_by=people.employee,
    )
    run(step_notice, conversation=held, kind="correction_proposed", to=people.leader, event="2")
    [message] = smtp.to(people.leader.email)
    _assert_link_and_no_content(message, f"/samtaler/{held.pk}/oppsummering/")
    assert "Emma Testesen" in message["Subject"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_profile_label(kind):
    assert str(notices.LABELS[kind])


def test_an_unknown_kind_is_a_programming_error(held, people):
    with pytest.raises(ValueError):
        step_notice(conversation=held, kind="summary_read", to=people.leader, event="1")
