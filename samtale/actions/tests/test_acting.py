"""Acting on an action that falls behind (actions.services): the leader reminds the employee
(an e-mail at once, at most once a week), either party gives it a new deadline or drops it
saying why, and the leader's comments and new deadlines reach the employee. Sent over a real
SMTP server on loopback, in the recipient's language."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from samtale.actions import services
from samtale.actions.models import Action, ActionUpdate
from samtale.actions.tests.conftest import days
from samtale.audit.selectors import names_of
from samtale.audit.words import sentence
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.notifications.models import OutboundEmail
from samtale.org.models import Person

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and send what it queued, as the worker would after the commit."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


@pytest.fixture
def overdue(people, signed):
    """make(responsible="employee", status="in_progress") -> an overdue action of the
    employee's conversation with their leader."""

    def make(responsible="employee", status="in_progress", deadline=None):
        conversation = signed(
            people.employee, people.leader, [(deadline or days(-5), responsible, status)]
        )
        action = Action.objects.get(goal__conversation=conversation)
        Action.objects.filter(pk=action.pk).update(text="Ta kurset i fagsystemet")
        action.refresh_from_db()
        return action

    return make


def _texts(message) -> tuple[str, str, str]:
    return (
        message["Subject"],
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def _audit(code: str, action: Action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=code, object_id=str(action.pk)))


# Reminding -------------------------------------------------------------------------------


def test_the_leader_reminds_the_employee_at_once_with_the_title_deadline_and_a_link(
    people, overdue, run, smtp
):
    action = overdue()
    updated = action.updated_at
    assert run(services.action_remind, actor=people.leader, action=action) is True
    [message] = smtp.to(people.employee.email)
    subject, text, html = _texts(message)
    assert subject == "Påminnelse fra Leif Testesen: «Ta kurset i fagsystemet»"
    assert "Leif Testesen minner deg på tiltaket ditt «Ta kurset i fagsystemet»." in text
    assert f"Frist: {days(-5):%d.%m.%Y} (passert)" in text
    for part in (text, html):
        assert f"/tiltak/{action.pk}/" in part
        assert "/profil/" in part  # where to turn these off
    assert smtp.to(people.leader.email) == []
    action.refresh_from_db()
    assert action.reminded_at is not None
    # A reminder is no update: the 90-day pitfall still sees the action as untouched.
    assert action.updated_at == updated
    assert not ActionUpdate.objects.filter(action=action).exists()
    [entry] = _audit("action.remind", action)
    assert entry.data["person"] == people.employee.pk
    assert sentence(entry, names_of([entry])) == (
        "Leif Testesen minnet Emma Testesen på et tiltak i samtalen til Emma Testesen"
    )


def test_the_reminder_is_written_in_the_employees_language(people, overdue, run, smtp):
    Person.objects.filter(pk=people.employee.pk).update(language="en")
    run(services.action_remind, actor=people.leader, action=overdue())
    [message] = smtp.to(people.employee.email)
    assert message["Subject"] == "Reminder from Leif Testesen: “Ta kurset i fagsystemet”"


def test_both_responsible_is_reminded_too(people, overdue, run, smtp):
    run(services.action_remind, actor=people.leader, action=overdue(responsible="both"))
    assert len(smtp.to(people.employee.email)) == 1


def test_a_second_reminder_within_a_week_is_refused_and_says_when_the_next_can_go(
    people, signed, run, smtp
):
    with time_machine.travel(datetime(2026, 11, 12, 15, 0, tzinfo=OSLO), tick=False):
        conversation = signed(
            people.employee, people.leader, [(date(2026, 11, 1), "employee", "in_progress")]
        )
        action = Action.objects.get(goal__conversation=conversation)
        run(services.action_remind, actor=people.leader, action=action)
    with time_machine.travel(datetime(2026, 11, 18, 23, 30, tzinfo=OSLO), tick=False):
        with pytest.raises(DomainError) as refused:
            run(services.action_remind, actor=people.leader, action=action)
        assert refused.value.message == ("Påminnet 12.11. — neste påminnelse kan sendes 19.11.")
    assert len(smtp.to(people.employee.email)) == 1
    with time_machine.travel(datetime(2026, 11, 19, 0, 30, tzinfo=OSLO), tick=False):
        run(services.action_remind, actor=people.leader, action=action)
    assert len(smtp.to(people.employee.email)) == 2
    # One message per action and week in the outbox, each under its own key.
    keys = OutboundEmail.objects.filter(kind="action_notice").values_list("dedupe_key", flat=True)
    assert sorted(keys) == [
        f"action_reminder:{action.pk}:2026-W46",
        f"action_reminder:{action.pk}:2026-W47",
    ]
    assert len(_audit("action.remind", action)) == 2


def test_the_leaders_own_promise_has_no_one_to_remind(people, overdue, run, smtp):
    action = overdue(responsible="leader")
    with pytest.raises(DomainError) as refused:
        run(services.action_remind, actor=people.leader, action=action)
    assert "ingen å minne på" in refused.value.message
    action.refresh_from_db()
    assert action.reminded_at is None and smtp.messages == []


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_closed_action_is_neither_reminded_moved_nor_dropped(people, overdue, run, status):
    action = overdue(status=status)
    for service, kwargs in (
        (services.action_remind, {}),
        (services.action_deadline_move, {"deadline": days(10), "reason": "Mer tid"}),
        (services.action_drop, {"reason": "Ikke aktuelt"}),
    ):
        with pytest.raises(DomainError, match="allerede utført eller lagt bort"):
            run(service, actor=people.leader, action=action, **kwargs)
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_an_action_of_a_conversation_not_signed_is_not_acted_on(people, overdue, run):
    action = overdue()
    Action.objects.filter(pk=action.pk).update(followed=False)
    action.goal.conversation.status = "held"
    action.goal.conversation.save()
    with pytest.raises(DomainError, match="Oppfølgingen starter"):
        run(services.action_remind, actor=people.leader, action=action)


def test_an_employee_who_turned_reminders_off_gets_no_mail_but_is_still_reminded(
    people, overdue, run, smtp
):
    Person.objects.filter(pk=people.employee.pk).update(notices_off=["action_reminder"])
    action = overdue()
    assert run(services.action_remind, actor=people.leader, action=action) is False
    assert smtp.messages == []
    action.refresh_from_db()
    assert action.reminded_at is not None


def test_a_reminder_for_an_action_done_before_it_is_sent_is_skipped(
    people, overdue, django_capture_on_commit_callbacks, smtp
):
    """The builder asks again when the worker sends: done in the meantime, nothing goes."""
    action = overdue()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.action_remind(actor=people.leader, action=action)
    Action.objects.filter(pk=action.pk).update(status="done")
    for callback in queued:
        callback()
    assert smtp.messages == []
    assert OutboundEmail.objects.get(kind="action_notice").status == "skipped"


# Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["employee", "other_employee", "other_leader", "leaders_leader", "hr", "admin"]
)
def test_only_the_leader_who_holds_it_reminds(people, overdue, run, role):
    action = overdue()
    with pytest.raises(PermissionDenied):
        run(services.action_remind, actor=people.by_role(role), action=action)
    action.refresh_from_db()
    assert action.reminded_at is None


@pytest.mark.parametrize("role", ["other_employee", "other_leader", "leaders_leader", "hr"])
def test_nobody_outside_the_two_moves_or_drops_an_action(people, overdue, run, role):
    action = overdue()
    actor = people.by_role(role)
    with pytest.raises(PermissionDenied):
        run(services.action_deadline_move, actor=actor, action=action, deadline=days(9), reason="x")
    with pytest.raises(PermissionDenied):
        run(services.action_drop, actor=actor, action=action, reason="x")
    action.refresh_from_db()
    assert action.deadline == days(-5) and action.status == "in_progress"


def test_the_leader_after_a_change_of_manager_acts_on_what_was_passed_on(
    people, overdue, run, smtp
):
    """The action's leader now (passed to a new line manager) reminds; the one before no more."""
    action = overdue()
    Action.objects.filter(pk=action.pk).update(leader=people.other_leader)
    run(services.action_remind, actor=people.other_leader, action=action)
    assert "Olga Testesen" in smtp.to(people.employee.email)[0]["Subject"]
    with pytest.raises(PermissionDenied):
        run(
            services.action_deadline_move,
            actor=people.leader,
            action=action,
            deadline=days(9),
            reason="x",
        )


# A new deadline ----------------------------------------------------------------------------


def test_a_new_deadline_is_kept_in_the_history_with_its_reason_and_told_to_the_employee(
    people, overdue, run, smtp
):
    action = overdue()
    update = run(
        services.action_deadline_move,
        actor=people.leader,
        action=action,
        deadline=days(14),
        reason="  Kurset ble flyttet  ",
    )
    action.refresh_from_db()
    assert action.deadline == days(14) and action.status == "in_progress"
    assert (update.deadline_from, update.deadline_to, update.comment, update.actor) == (
        days(-5),
        days(14),
        "Kurset ble flyttet",
        people.leader,
    )
    [entry] = _audit("action.deadline_move", action)
    assert entry.data["deadline"] == f"{days(14):%d.%m.%Y}"
    [message] = smtp.to(people.employee.email)
    subject, text, _html = _texts(message)
    assert subject == "Ny frist for tiltaket ditt «Ta kurset i fagsystemet»"
    assert f"ny frist: {days(14):%d.%m.%Y}" in text and f"/tiltak/{action.pk}/" in text
    # The reason is read in Samtale, not in the e-mail.
    assert "Kurset ble flyttet" not in text


def test_the_employee_gives_their_own_action_a_new_deadline_and_nobody_is_mailed(
    people, overdue, run, smtp
):
    action = overdue()
    run(
        services.action_deadline_move,
        actor=people.employee,
        action=action,
        deadline=days(0),  # today is not past
        reason="Trenger en uke til",
    )
    action.refresh_from_db()
    assert action.deadline == days(0)
    assert smtp.messages == []


def test_the_employee_does_not_move_the_leaders_own_promise(people, overdue, run):
    action = overdue(responsible="leader")
    with pytest.raises(PermissionDenied):
        run(
            services.action_deadline_move,
            actor=people.employee,
            action=action,
            deadline=days(9),
            reason="x",
        )


@pytest.mark.parametrize(
    ("deadline", "reason", "field", "message"),
    [
        (days(-1), "Mer tid", "deadline", "Tidsfristen har allerede gått ut."),
        (None, "Mer tid", "deadline", "Velg den nye fristen."),
        (days(9), "   ", "reason", "Skriv hvorfor fristen flyttes."),
        (days(9), "x" * 2001, "reason", "Høyst 2000 tegn."),
    ],
)
def test_a_bad_new_deadline_is_refused_with_a_message_and_changes_nothing(
    people, overdue, run, smtp, deadline, reason, field, message
):
    action = overdue()
    with pytest.raises(DomainError) as refused:
        run(
            services.action_deadline_move,
            actor=people.leader,
            action=action,
            deadline=deadline,
            reason=reason,
        )
    assert (refused.value.field, refused.value.message) == (field, message)
    action.refresh_from_db()
    assert action.deadline == days(-5)
    assert not ActionUpdate.objects.filter(action=action).exists()
    assert smtp.messages == []


def test_the_same_deadline_again_is_no_new_deadline(people, overdue, run):
    action = overdue(deadline=days(3))
    with pytest.raises(DomainError) as refused:
        run(
            services.action_deadline_move,
            actor=people.leader,
            action=action,
            deadline=days(3),
            reason="Mer tid",
        )
    assert refused.value.message == "Det er allerede fristen. Velg en annen dag."
    assert not ActionUpdate.objects.filter(action=action).exists()


# Dropping ----------------------------------------------------------------------------------


def test_dropping_takes_a_reason_and_tells_the_employee_when_the_leader_drops(
    people, overdue, run, smtp
):
    action = overdue()
    with pytest.raises(DomainError) as refused:
        run(services.action_drop, actor=people.leader, action=action, reason=" ")
    assert (refused.value.field, refused.value.message) == (
        "reason",
        "Skriv hvorfor tiltaket legges bort.",
    )
    update = run(services.action_drop, actor=people.leader, action=action, reason="Ikke aktuelt")
    action.refresh_from_db()
    assert action.status == "dropped"
    assert (update.from_status, update.to_status, update.comment) == (
        "in_progress",
        "dropped",
        "Ikke aktuelt",
    )
    [message] = smtp.to(people.employee.email)
    assert message["Subject"] == "Tiltaket ditt «Ta kurset i fagsystemet» er lagt bort"
    assert "Leif Testesen har lagt bort tiltaket ditt" in _texts(message)[1]


def test_the_employee_drops_their_own_and_nobody_is_mailed(people, overdue, run, smtp):
    action = overdue()
    run(services.action_drop, actor=people.employee, action=action, reason="Sluttet i kurset")
    action.refresh_from_db()
    assert action.status == "dropped"
    assert smtp.messages == []


# The leader's comment ----------------------------------------------------------------------


def test_a_leaders_comment_reaches_the_employee_with_a_link_and_not_the_comment(
    people, overdue, run, smtp
):
    action = overdue()
    run(
        services.action_update,
        actor=people.leader,
        action=action,
        status=None,
        comment="HEMMELIG-KOMMENTAR",
    )
    [message] = smtp.to(people.employee.email)
    subject, text, html = _texts(message)
    assert subject == "Leif Testesen har kommentert tiltaket ditt «Ta kurset i fagsystemet»"
    assert f"/tiltak/{action.pk}/" in text and f"/tiltak/{action.pk}/" in html
    for part in (subject, text, html):
        assert "HEMMELIG-KOMMENTAR" not in part


def test_a_status_without_a_comment_and_the_employees_own_comment_send_nothing(
    people, overdue, run, smtp
):
    action = overdue()
    run(services.action_update, actor=people.leader, action=action, status="not_started")
    run(services.action_update, actor=people.employee, action=action, status=None, comment="Ok")
    assert smtp.messages == []


def test_an_employee_who_turned_comments_off_gets_none(people, overdue, run, smtp):
    Person.objects.filter(pk=people.employee.pk).update(notices_off=["action_comment"])
    action = overdue()
    run(services.action_update, actor=people.leader, action=action, status=None, comment="Hei")
    run(
        services.action_deadline_move,
        actor=people.leader,
        action=action,
        deadline=days(9),
        reason="Mer tid",
    )
    assert smtp.messages == []
    # Reminders are another setting: still on.
    run(services.action_remind, actor=people.leader, action=action)
    assert len(smtp.to(people.employee.email)) == 1


def test_an_employee_who_has_left_gets_no_notice(people, overdue, run, smtp):
    action = overdue()
    Person.objects.filter(pk=people.employee.pk).update(is_active=False)
    run(services.action_update, actor=people.leader, action=action, status=None, comment="Hei")
    assert smtp.messages == []
