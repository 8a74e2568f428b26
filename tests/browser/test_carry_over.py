"""In the meeting, last time's open actions are carried over with one click, before and after
a goal's result is recorded in place (the htmx answer keeps the buttons), and the page says
which ones are carried over (issue 46, item 4)."""

from datetime import timedelta

from django.utils import timezone

from samtale.actions.models import Action
from testkit.people import PASSWORD, goals_version, held_conversation, signed_conversation


def test_a_goal_recorded_in_place_keeps_its_carry_over_buttons(visitor_factory, people):
    ahead = timezone.localdate() + timedelta(days=20)
    last_time = signed_conversation(
        people.employee,
        people.leader,
        [(ahead, "employee", "not_started"), (ahead, "both", "in_progress")],
        version=goals_version(),
        held_days_ago=360,
    )
    this_time = held_conversation(people.employee, people.leader, version=last_time.guide_version)
    goal = last_time.goals.get()
    first, second = goal.actions.order_by("order", "pk")

    visitor = visitor_factory("carry-over", width=390, height=844)
    visitor.login(people.leader.email, PASSWORD)
    visitor.goto(f"/samtaler/{this_time.pk}/mote/")
    page = visitor.page
    box = page.locator(f"#previous-goal-{goal.pk}")
    carry = box.get_by_role("button", name="Ta med videre i denne samtalen")
    assert carry.count() == 2

    # The goal's result, recorded in place: the goal answers, its buttons still there.
    box.locator("summary").click()
    box.get_by_label("Delvis nådd").check()
    box.get_by_role("button", name="Lagre resultatet").click()
    page.get_by_text("Resultatet er lagret.").wait_for()
    box = page.locator(f"#previous-goal-{goal.pk}")
    assert box.get_by_role("button", name="Ta med videre i denne samtalen").count() == 2

    # One carried over from the answered goal: back on the meeting page, said beside it.
    box.get_by_role("button", name=first.text).click()
    page.wait_for_url(f"**/samtaler/{this_time.pk}/mote/**")
    box = page.locator(f"#previous-goal-{goal.pk}")
    assert box.get_by_text("Tatt med videre i denne samtalen").count() == 1
    assert box.get_by_role("button", name=second.text).count() == 1
    assert Action.objects.filter(carried_from=first, goal__conversation=this_time).count() == 1
    visitor.check("carried")
