"""Planning one person's conversation from the leader's home: the plan page proposes the
person, their last template and a time both are free, a week or more ahead on a working day
(issue 46, first-time task 5)."""

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from samtale.conversations import selectors
from samtale.conversations.models import Conversation
from testkit.people import goals_version

# A Monday: a week on is Monday 7 December 2026, an ordinary working day.
TODAY = date(2026, 11, 30)


def booked(employee, leader, day: date, at: time, *, place: str = "") -> Conversation:
    return Conversation.objects.create(
        employee=employee,
        leader=leader,
        guide_version=goals_version(),
        status=Conversation.Status.INVITED,
        scheduled_at=timezone.make_aware(datetime.combine(day, at)),
        place=place,
    )


def test_the_first_working_day_a_week_ahead_at_nine(people):
    proposed = selectors.proposed_time(leader=people.leader, employee=people.employee, today=TODAY)
    assert proposed == {"date": date(2026, 12, 7), "time": time(9, 0), "place": ""}
    # From a Thursday, a week on is a Thursday; from Friday 18 December, past Christmas Day
    # (Friday 25th) and the weekend after it: Monday 28 December.
    thursday = selectors.proposed_time(
        leader=people.leader, employee=people.employee, today=date(2026, 12, 3)
    )
    assert thursday["date"] == date(2026, 12, 10)
    christmas = selectors.proposed_time(
        leader=people.leader, employee=people.employee, today=date(2026, 12, 18)
    )
    assert christmas["date"] == date(2026, 12, 28)


def test_a_time_either_is_booked_or_a_full_day_of_the_leader_is_passed_over(people):
    monday, tuesday = date(2026, 12, 7), date(2026, 12, 8)
    # The employee is busy Monday morning: Monday after lunch.
    booked(people.employee, people.other_leader, monday, time(9, 30))
    proposed = selectors.proposed_time(leader=people.leader, employee=people.employee, today=TODAY)
    assert (proposed["date"], proposed["time"]) == (monday, time(12, 30))
    # The leader holds two that Monday already (the guide's limit a day): Tuesday at nine,
    # in the room of the leader's latest conversation.
    booked(people.other_employee, people.leader, monday, time(14, 0), place="Møterom 2")
    booked(people.hr, people.leader, monday, time(16, 0), place="Møterom 3")
    proposed = selectors.proposed_time(leader=people.leader, employee=people.employee, today=TODAY)
    assert proposed == {"date": tuesday, "time": time(9, 0), "place": "Møterom 3"}


def test_the_plan_page_fills_in_the_person_the_template_and_the_time(people, client_for):
    last = booked(people.employee, people.leader, date(2025, 12, 1), time(9, 0))
    Conversation.objects.filter(pk=last.pk).update(status=Conversation.Status.SIGNED)
    page = client_for("leader").get(
        reverse("conversation_create") + f"?medarbeider={people.employee.pk}"
    )
    form = page.context["form"]
    assert form.initial["employee"] == people.employee.pk
    assert form.initial["guide"] == last.guide_version.guide_id
    assert form.initial["date"] > timezone.localdate() and form.initial["time"] in (
        time(9, 0),
        time(12, 30),
    )
    assert "Foreslått" in page.content.decode() or "Proposed" in page.content.decode()


def test_someone_the_leader_may_not_plan_for_gets_no_proposal(people, client_for):
    page = client_for("other_leader").get(
        reverse("conversation_create") + f"?medarbeider={people.employee.pk}"
    )
    assert page.status_code == 200
    assert "employee" not in page.context["form"].initial
    assert "proposed" not in page.context
    # Nor does a word where a number should be.
    page = client_for("leader").get(reverse("conversation_create") + "?medarbeider=x")
    assert page.status_code == 200 and "proposed" not in page.context


def test_a_week_ahead_is_at_least_seven_days(people):
    proposed = selectors.proposed_time(leader=people.leader, employee=people.employee, today=TODAY)
    assert proposed["date"] - TODAY >= timedelta(days=7)
