"""Chasing a round (issue 61): one definition of "behind" (progress.py) on every page that
shows a round's progress, and HR's reminder to the leaders behind, at most once a week."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from samtale.core.errors import DomainError
from samtale.notifications.models import OutboundEmail

# A second municipality for the test at the end (samtale/operators/tests/conftest.py).
from samtale.operators.tests.conftest import (  # noqa: F401 (fixtures)
    hosts,
    in_nordvik,
    nordvik,
)
from samtale.rounds import progress, reminders
from samtale.rounds.models import LeaderReminder, Participant, Round
from samtale.rounds.tests.conftest import OSLO, TODAY, at
from samtale.rounds.tests.test_views import body


def halfway(round_: Round) -> Round:
    """The round 60 of its 120 days through: a leader holding two without a conversation
    held is behind (2 × 60 ÷ 120 = 1), one holding a single one is not yet (0)."""
    Round.objects.filter(pk=round_.pk).update(
        period_start=TODAY - timedelta(days=60), period_end=TODAY + timedelta(days=59)
    )
    round_.refresh_from_db()
    return round_


# The definition --------------------------------------------------------------------------


def test_behind_is_fewer_held_than_the_share_of_the_rounds_time_gone():
    round_ = Round(period_start=date(2026, 1, 1), period_end=date(2026, 4, 10))  # 100 days
    pace = progress.round_pace(round_, today=date(2026, 2, 10))  # 40 days gone
    assert (pace.gone, pace.days, pace.percent) == (40, 100, 40)
    assert pace.expected(10) == 4 and pace.expected(3) == 1  # floor(1.2)
    assert pace.is_behind(total=10, done=3)
    assert not pace.is_behind(total=10, done=4)
    assert not pace.is_behind(total=2, done=0)  # floor(0.8): not yet


def test_nobody_is_behind_before_the_round_begins_or_once_it_is_closed():
    round_ = Round(period_start=date(2026, 1, 1), period_end=date(2026, 4, 10))
    assert progress.round_pace(round_, today=date(2025, 12, 1)).expected(50) == 0
    assert progress.round_pace(round_, today=date(2026, 6, 1)).expected(50) == 50
    round_.closed_at = datetime(2026, 4, 11, tzinfo=OSLO)
    assert progress.round_pace(round_, today=date(2026, 2, 10)) is None


def test_the_rounds_page_marks_the_leader_and_the_unit_behind_and_filters_to_them(
    client_for, round_, people
):
    halfway(round_)
    page = body(client_for("hr").get(reverse("round_detail", args=[round_.pk])))
    assert "60 av 120 dager (50 %)" in page
    assert "1 leder og 1 enhet" in page
    assert page.count('class="ds-tag behind"') == 2  # Lea, who holds two, and Avdeling 2
    only = body(client_for("hr").get(reverse("round_detail", args=[round_.pk]) + "?bak=1"))
    assert people.leaders_leader.full_name in only
    assert (
        f">{people.other_leader.full_name}<"
        not in only.split('id="by-leader"')[1].split("participants-heading")[0]
    )
    assert "Minn på lederne" in page


def test_a_leader_sees_the_same_definition_but_no_reminder_button(client_for, round_, people):
    halfway(round_)
    page = body(client_for("leaders_leader").get(reverse("round_detail", args=[round_.pk])))
    assert 'class="ds-tag behind"' in page
    assert "Minn på lederne" not in page


def test_the_list_of_rounds_counts_the_leaders_behind(client_for, round_, people):
    listed = body(client_for("hr").get(reverse("round_list")))
    assert f'href="/runder/{round_.pk}/?bak=1#progress-heading"' not in listed  # day one
    halfway(round_)
    listed = body(client_for("hr").get(reverse("round_list")))
    assert f'href="/runder/{round_.pk}/?bak=1#progress-heading">1<' in listed


# The reminder ----------------------------------------------------------------------------


@pytest.fixture
def timed(people, round_):
    """Lea has given the other leader's conversation a time; the leader's has none."""
    from samtale.rounds import booking

    booking.window_add(
        actor=people.leaders_leader,
        round=round_,
        leader=people.leaders_leader,
        starts_at=at(date(2026, 12, 1), 9),
        ends_at=at(date(2026, 12, 1), 15),
        place="Rom 1",
    )
    other = Participant.objects.get(round=round_, person=people.other_leader)
    booking.schedule_accept(
        actor=people.leaders_leader,
        round=round_,
        leader=people.leaders_leader,
        chosen=[booking.Chosen(other.pk, at(date(2026, 12, 1), 9), "Rom 1")],
    )


def test_only_the_leaders_behind_are_reminded_of_only_their_people_without_a_time(
    client_for, round_, people, timed, smtp, django_capture_on_commit_callbacks
):
    halfway(round_)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("hr").post(reverse("round_remind", args=[round_.pk]), follow=True)
    assert "1 leder som ligger etter er minnet på" in body(response)
    [message] = [m for m in smtp.messages if m["To"] == people.leaders_leader.email]
    text = message.get_body(("plain",)).get_content()
    assert people.leader.full_name in text
    assert people.other_leader.full_name not in text  # has a time
    assert f"/runder/{round_.pk}/timeplan/{people.leaders_leader.pk}/" in text
    assert set(OutboundEmail.objects.values_list("to_email", flat=True)) == {
        people.leaders_leader.email
    }
    page = body(client_for("hr").get(reverse("round_detail", args=[round_.pk])))
    assert "Påminnet 23.11." in page


def test_a_leader_is_reminded_at_most_once_a_week(round_, people, frozen):
    halfway(round_)
    first = reminders.leaders_remind(actor=people.hr, round=round_)
    assert first.reminded == [people.leaders_leader]
    again = reminders.leaders_remind(actor=people.hr, round=round_)
    assert again.reminded == [] and [p for p, _ in again.recent] == [people.leaders_leader]
    frozen.shift(timedelta(days=6, hours=23))
    assert reminders.leaders_remind(actor=people.hr, round=round_).reminded == []
    frozen.shift(timedelta(hours=2))
    assert reminders.leaders_remind(actor=people.hr, round=round_).reminded == [
        people.leaders_leader
    ]
    assert LeaderReminder.objects.filter(leader=people.leaders_leader).count() == 2
    assert OutboundEmail.objects.filter(kind="behind_reminder").count() == 2


def test_the_confirmation_names_who_was_skipped_and_when(client_for, round_, people):
    halfway(round_)
    reminders.leaders_remind(actor=people.hr, round=round_)
    response = client_for("hr").post(reverse("round_remind", args=[round_.pk]), follow=True)
    page = body(response)
    assert "0 ledere som ligger etter er minnet på" in page
    assert f"{people.leaders_leader.full_name} (23.11.)" in page


def test_nobody_behind_nobody_reminded_and_a_leader_may_not_remind(round_, people):
    with pytest.raises(DomainError):
        reminders.leaders_remind(actor=people.hr, round=round_)  # day one: nobody behind
    halfway(round_)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reminders.leaders_remind(actor=people.leaders_leader, round=round_)
    assert not LeaderReminder.objects.exists()


def test_the_reminder_is_written_in_the_audit_log(round_, people):
    from samtale.core.models import AuditEntry

    halfway(round_)
    reminders.leaders_remind(actor=people.hr, round=round_)
    entry = AuditEntry.objects.get(action="round.leaders_reminded")
    assert entry.data["reminded"] == 1 and entry.data["leaders"] == [people.leaders_leader.pk]


# The deadline of someone who never had a conversation ------------------------------------


def test_someone_who_never_had_a_conversation_gets_no_invented_deadline(people):
    from samtale.rounds import coverage

    limits = coverage.coverage_limits(today=TODAY)
    old, new = people.employee, people.other_employee
    old.start_date, new.start_date = date(1999, 1, 1), TODAY - timedelta(days=30)
    for person in (old, new):
        person.last_signed = None
    assert coverage.due_date(old, limits) is None
    assert coverage.due_date(new, limits) == coverage.add_months(
        new.start_date, limits.interval_months
    )


def test_the_coverage_page_says_now_for_someone_who_never_had_one(client_for, people):
    from samtale.org.models import Person

    Person.objects.filter(pk=people.employee.pk).update(start_date=date(1999, 1, 1))
    page = body(client_for("hr").get(reverse("round_coverage")))
    assert "Nå: aldri hatt samtale" in page
    assert "01.01.2000" not in page


# In a second municipality ----------------------------------------------------------------


@pytest.mark.django_db(databases=["default", "control"])
def test_a_second_municipality_reminds_its_own_leaders_from_its_own_sender(
    nordvik,  # noqa: F811 (the fixture)
    in_nordvik,  # noqa: F811
    settings,
):
    from testkit.people import make_people, school_round

    settings.DEFAULT_FROM_EMAIL = "Fjordvik kommune <samtale@fjordvik.example>"
    with in_nordvik():
        there = make_people()
        from samtale.guides.builtin import builtin_ensure
        from samtale.guides.models import Guide, GuideVersion

        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        round_ = halfway(school_round(there))
        mail.outbox.clear()
        # Nordvik's database is not in the test's transaction: sent at its commit.
        done = reminders.leaders_remind(actor=there.hr, round=round_)
        assert done.reminded == [there.leaders_leader]
    assert not LeaderReminder.objects.exists()  # nothing in the home municipality
    [sent] = [m for m in mail.outbox if there.leaders_leader.email in m.to]
    assert "nordvik" in sent.from_email
    assert there.leader.full_name in sent.body
    assert b"fjordvik" not in sent.message().as_bytes()


def test_after_reminding_the_round_still_shows_those_behind_and_the_log_names_them(
    client_for, round_, people
):
    from samtale.audit.selectors import sentences_of
    from samtale.core.models import AuditEntry

    halfway(round_)
    response = client_for("hr").post(reverse("round_remind", args=[round_.pk]))
    assert response["Location"].endswith(f"/runder/{round_.pk}/?bak=1#progress-heading")
    again = client_for("hr").post(reverse("round_remind", args=[round_.pk]))
    assert "?bak=1" in again["Location"]
    first, second = AuditEntry.objects.filter(action="round.leaders_reminded").order_by("pk")
    said = sentences_of([first, second])
    assert people.leaders_leader.full_name in said[0] and "Not" not in said[0]
    # The second named the one not reminded, and why: reminded in the last week.
    assert second.data["recent"] == [people.leaders_leader.pk]


def test_hrs_home_says_when_the_leaders_behind_were_reminded(client_for, round_, people):
    halfway(round_)
    home = body(client_for("hr").get(reverse("home")))
    assert "Se hvem og minn dem på" in home
    reminders.leaders_remind(actor=people.hr, round=round_)
    home = body(client_for("hr").get(reverse("home")))
    assert "Se hvem og minn dem på" not in home
    assert "1 leder ble minnet på 23.11." in home
