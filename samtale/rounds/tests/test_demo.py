from django.core.management import call_command
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.core.holidays import is_working_day
from samtale.org.models import Person
from samtale.rounds import progress, selectors
from samtale.rounds.models import Participant, Round, RoundCount, Window


def test_the_demo_has_a_round_in_progress_shared_by_the_two_department_leaders(db, monkeypatch):
    monkeypatch.setenv("SAMTALE_DEMO_PASSWORD", "demo-password-for-tests")
    call_command("demo_data", force=True)
    round_ = Round.objects.get(closed_at__isnull=True)
    assert round_.name == f"Medarbeidersamtaler {timezone.localdate().year}"
    assert round_.created_by.email == "lise.hansen@fjordvik.example"
    holders = set(
        Participant.objects.filter(round=round_, included=True, person__manager__isnull=False)
        .exclude(person__employee_number__in=["10002", "10003"])
        .values_list("holder__employee_number", flat=True)
    )
    assert holders == {"10002", "10003"}
    totals = selectors.progress(
        counts=RoundCount.objects.filter(round_id=round_.pk), participants=round_.participants.all()
    )["totals"]
    assert totals["invited"] and totals["signed"] and totals["postponed"] and totals["missing"]
    assert Conversation.objects.filter(round=round_).count() > 10
    # Each department leader has given times, and the assistant has something to propose.
    for number in ("10002", "10003"):
        leader = Window.objects.filter(leader__employee_number=number).first().leader
        assert selectors.to_schedule(round=round_, leader=leader)
        proposal = selectors.proposal(round=round_, leader=leader, today=timezone.localdate())
        assert proposal.slots
    # Halfway through its period, a leader is behind (issue 61), and no window is on a day off.
    behind = progress.leaders_behind(rounds=[round_], today=timezone.localdate())[round_.pk]
    assert set(Person.objects.filter(pk__in=behind).values_list("employee_number", flat=True)) == {
        "10002"
    }
    # Counted in the database for the pages that show the number alone: the same leaders.
    counted = progress.behind_counts(rounds=[round_], today=timezone.localdate())
    assert counted == {round_.pk: len(behind)}
    assert all(is_working_day(timezone.localdate(w.starts_at)) for w in Window.objects.all())
    counts = (Round.objects.count(), Participant.objects.count(), Window.objects.count())
    call_command("demo_data", force=True)
    assert (Round.objects.count(), Participant.objects.count(), Window.objects.count()) == counts


def test_the_demo_has_last_years_round_closed_with_its_feedback_on_leadership(db, monkeypatch):
    from samtale.insight.models import LeadershipSnapshot

    monkeypatch.setenv("SAMTALE_DEMO_PASSWORD", "demo-password-for-tests")
    call_command("demo_data", force=True)
    last = Round.objects.get(closed_at__isnull=False)
    assert last.name == f"Medarbeidersamtaler {timezone.localdate().year - 1}"
    shown = LeadershipSnapshot.objects.filter(round=last).exclude(figures={})
    assert {s.leader.employee_number for s in shown} == {"10002", "10003"}
