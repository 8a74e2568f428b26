"""A change of line manager says before it is saved what it will do to each conversation,
and does exactly that (issue 72): the preview (rounds.handover) and the move
(conversations.services.handover.conversations_move) read one plan, conversation_moves.
For each case the plan can take — planned with and without a time, with a place, invited,
prepared (shared), its time taken or passed, postponed, in a round, held and not yet
signed — the plan is what a user would expect, the page says each of its steps, and the
save does each of them and nothing else. The clock stands on Monday 23 November 2026."""

from datetime import timedelta
from html import escape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from samtale.conversations.models import Conversation, Note, StatusChange
from samtale.conversations.services import handover, lifecycle, preparation
from samtale.conversations.tests.planning import NOW, at
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.models import OutboundEmail
from samtale.org.models import LeaderChange
from samtale.rounds.handover import handover_preview
from testkit.people import school_round
from tests.content_paths.walk import page_form, person_form

S = Conversation.Status
WHEN = at(3, 9)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _version():
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return Guide.objects.get(key="skjema-8-tema").versions.get()


def _plan(people, *, when=WHEN, place="", round=None, invite=False):
    conversation = lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=_version(),
        scheduled_at=when,
        place=place,
        round=round,
    )
    if invite:
        lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    return Conversation.objects.get(pk=conversation.pk)


def _note(people, conversation, text="EMPLOYEE-NOTE"):
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text=text,
        base_version=0,
    )


# Each case builds the employee's conversation with their line manager; the new one is the
# other leader.


def planned_without_time(people, clock):
    return _plan(people, when=None)


def planned_with_time_and_place(people, clock):
    return _plan(people, place="Rom 1")


def invited(people, clock):
    return _plan(people, place="Rom 1", invite=True)


def invited_without_place(people, clock):
    return _plan(people, invite=True)


def prepared(people, clock):
    conversation = _plan(people, place="Rom 1", invite=True)
    _note(people, conversation)
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    return conversation


def private_notes(people, clock):
    conversation = _plan(people, invite=True)
    _note(people, conversation)
    return conversation


def new_leader_busy(people, clock):
    conversation = _plan(people, invite=True)
    lifecycle.conversation_plan(
        actor=people.other_leader,
        employee=people.other_employee,
        leader=people.other_leader,
        guide_version=_version(),
        scheduled_at=WHEN + timedelta(minutes=30),
    )
    return conversation


def time_passed(people, clock):
    conversation = _plan(people, invite=True)
    clock.move_to(WHEN + timedelta(days=1))
    return conversation


def postponed(people, clock):
    conversation = _plan(people, invite=True)
    return lifecycle.conversation_postpone(
        actor=people.leader, conversation=conversation, reason="Sykdom"
    )


def in_a_round(people, clock):
    return _plan(people, invite=True, round=school_round(people, days=90))


def held(people, clock):
    conversation = _plan(people, invite=True)
    clock.move_to(WHEN + timedelta(minutes=5))
    return lifecycle.conversation_hold(actor=people.leader, conversation=conversation)


# The plan each should get: a user's expectation, written out.
CASES = {
    planned_without_time: {"time": "none", "new_status": S.PLANNED, "invites": False},
    planned_with_time_and_place: {
        "time": "kept",
        "new_status": S.PLANNED,
        "invites": False,
        "cancels_calendars": False,
        "drops_place": True,
    },
    invited: {
        "time": "kept",
        "new_status": S.INVITED,
        "invites": True,
        "cancels_calendars": True,
        "drops_place": True,
        "unshares": False,
    },
    invited_without_place: {"time": "kept", "invites": True, "drops_place": False},
    prepared: {
        "status": S.PREPARED,
        "time": "kept",
        "new_status": S.INVITED,
        "invites": True,
        "unshares": True,
    },
    private_notes: {"status": S.INVITED, "new_status": S.INVITED, "unshares": False},
    new_leader_busy: {
        "time": "busy",
        "new_status": S.PLANNED,
        "invites": False,
        "cancels_calendars": True,
    },
    time_passed: {"time": "passed", "new_status": S.PLANNED, "invites": False},
    postponed: {
        "status": S.POSTPONED,
        "time": "none",
        "new_status": S.PLANNED,
        "cancels_calendars": False,
    },
    in_a_round: {"round": "Medarbeidersamtaler", "time": "kept", "invites": True},
    held: {"moves": False},
}

# What the page says for each step the plan may hold (bokmål): said where the plan does it,
# and not where it does not.
SAID = {
    "cancels_calendars": "får avlysningen i kalenderen sin",
    "invites": "får invitasjonen på nytt",
    "drops_place": "Uten stedet, som Leif Testesen valgte",
    "unshares": "hadde delt forberedelsen sin med Leif Testesen",
}
TIME_SAID = {
    "kept": "Samme tidspunkt: Olga Testesen er ledig da.",
    "busy": "Uten tidspunkt: Olga Testesen har en annen samtale da",
    "passed": "Uten tidspunkt: tidspunktet er passert",
    "none": "Uten tidspunkt, som nå",
}


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _mails(kind, conversation):
    return sorted(
        OutboundEmail.objects.filter(kind=kind, ref__conversation=conversation.pk).values_list(
            "to_id", flat=True
        )
    )


def _the_page_says_the_plan(admin, url, asked, told, move):
    """One consequence, with every step the plan holds, and one button to save; saved."""
    body = asked.content.decode()
    assert [c.key for c in told] == [f"conversation:{move.key}"]
    for said in (told[0].before, *told[0].details):
        assert escape(said) in body
    for field, words in SAID.items():
        assert (escape(words) in body) is getattr(move, field), field
    assert TIME_SAID[move.time] in body
    assert (f"«{S(move.status).label}»" in body) is (move.status != move.new_status)
    form = body.split('class="narrow">', 1)[1].split("</form>", 1)[0]
    assert form.count('type="submit"') == 1
    return admin.post(url, page_form(asked, "first_name"))


def _the_save_did_the_plan(move, old, change, people, new_leader):
    [[old_pk, new_pk]] = change.moved
    new = Conversation.objects.get(pk=new_pk)
    assert (old_pk, old.status) == (old.pk, S.CANCELLED)
    assert (new.leader, new.scheduled_at, new.status, new.place) == (
        new_leader,
        move.at,
        move.new_status,
        "",
    )
    assert (new.guide_version, new.duration_minutes, new.round) == (
        old.guide_version,
        old.duration_minutes,
        old.round,
    )
    both = sorted([people.employee.pk, people.leader.pk])
    assert _mails("invitation_cancel", old) == (both if move.cancels_calendars else [])
    assert _mails("invitation", new) == ([people.employee.pk] if move.invites else [])
    assert _mails("invitation_copy", new) == ([new_leader.pk] if move.invites else [])
    # The employee's notes came along, none of them shared.
    copied = Note.objects.filter(preparation__conversation=new)
    assert not copied.filter(shared_at__isnull=False).exists()
    assert (
        move.unshares
        is Note.objects.filter(preparation__conversation=old, shared_at__isnull=False).exists()
    )
    assert StatusChange.objects.filter(conversation=new).last().to_status == move.new_status


@pytest.mark.parametrize("build", CASES, ids=lambda build: build.__name__)
def test_the_preview_says_what_the_save_does_and_the_save_does_it(
    people, clock, build, django_capture_on_commit_callbacks
):
    old = build(people, clock)
    new_leader = people.other_leader
    [move] = handover.conversation_moves(
        person_id=people.employee.pk, old_manager_id=people.leader.pk, new_manager=new_leader
    )
    expected = CASES[build]
    assert {field: getattr(move, field) for field in expected} == expected
    with override("nb"):
        told = handover_preview(person=people.employee, new_manager=new_leader)

    admin = _signed_in(people.admin)
    url = reverse("person_edit", args=[people.employee.pk])
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        asked = admin.post(
            url, person_form(admin, {"manager_sok": new_leader.email}, people.employee)
        )
        if move.moves:
            asked = _the_page_says_the_plan(admin, url, asked, told, move)
    assert asked.status_code == 302  # a held conversation alone moves nothing: saved at once

    change = LeaderChange.objects.get(person=people.employee)
    old.refresh_from_db()
    if not move.moves:
        assert (old.status, old.leader, change.moved) == (S.HELD, people.leader, [])
        return
    _the_save_did_the_plan(move, old, change, people, new_leader)


@pytest.mark.parametrize(
    "build, to_do",
    [
        (planned_without_time, "Sett tidspunkt og sted, og send invitasjonen."),
        (planned_with_time_and_place, "Si hvor dere møtes, og send invitasjonen."),
        (invited, "Emma har fått invitasjonen: si hvor dere møtes."),
        (new_leader_busy, "Sett tidspunkt og sted, og send invitasjonen."),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_new_leader_is_sent_to_the_conversation_and_told_what_waits_there(
    people, clock, build, to_do, smtp, django_capture_on_commit_callbacks
):
    build(people, clock)
    admin = _signed_in(people.admin)
    url = reverse("person_edit", args=[people.employee.pk])
    with django_capture_on_commit_callbacks(execute=True):
        asked = admin.post(
            url, person_form(admin, {"manager_sok": people.other_leader.email}, people.employee)
        )
        admin.post(url, page_form(asked, "first_name"))
    [[_old, new]] = LeaderChange.objects.get(person=people.employee).moved
    [mail] = [
        m
        for m in smtp.to(people.other_leader.email)
        if str(m["Subject"]) == f"Du er nå nærmeste leder for {people.employee.full_name}"
    ]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert to_do in text and escape(to_do) in html
    assert f"/samtaler/{new}/" in text and f"/samtaler/{new}/" in html
    assert "/oppfolging/" not in text
    assert "si hvor dere møtes, og finn et tidspunkt" not in text
