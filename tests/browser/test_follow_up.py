"""Follow-up in two browsers: the leader's overview and the employee's own actions."""

from samtale.actions import selectors
from samtale.actions.models import Action, ActionUpdate
from tests.browser.conftest import DEMO_PASSWORD


def _open_actions(person):
    return Action.objects.filter(
        employee=person, followed=True, status__in=("not_started", "in_progress")
    ).order_by("deadline", "pk")


def _card_counts(card) -> list[int]:
    """Overdue, in progress, not started: the first three numbers on a report's card."""
    return [int(n) for n in card.locator("dl.counts dd").all_inner_texts()[:3]]


def _bucket_counts(person, leader) -> list[int]:
    """The same, as the follow-up's one definition counts them (actions.selectors)."""
    actions = selectors.agreed(Action.objects.filter(employee=person, leader=leader))
    counted = selectors.bucket_counts(actions, selectors.today())
    return [counted[bucket] for bucket in selectors.OPEN_BUCKETS]


def test_leader_and_employee_update_actions_and_both_overviews_show_it(visitor_factory, demo):
    kari, ola = demo["employee"], demo["leader"]
    leader = visitor_factory("follow-leader")
    employee = visitor_factory("follow-employee", width=390, height=844)
    leader.login(ola.email, DEMO_PASSWORD)
    employee.login(kari.email, DEMO_PASSWORD)

    # The leader's overview: Kari is listed; her actions open in place.
    leader.goto("/oppfolging/")
    leader.check("overview")
    card = leader.page.locator("li.report", has_text=kari.full_name)
    card.locator("summary").click()
    first = _open_actions(kari).filter(leader=ola).first()
    card.locator(f"#action-{first.pk}").wait_for()
    leader.check("overview-expanded")
    card.locator(f"#action-{first.pk} summary").click()
    card.locator(f"#s-{first.pk}").select_option("done")
    card.locator(f"#c-{first.pk}").fill("Kurset er fullført")
    card.locator(f"#action-{first.pk} button[type=submit]").click()
    leader.page.locator(f"#action-{first.pk} .saved").wait_for()
    # Focus is on the updated card's heading, and the page's status region says so.
    leader.page.wait_for_function(
        f"() => document.activeElement && document.activeElement.id === 'action-{first.pk}-title'"
    )
    leader.page.wait_for_function(
        "() => document.getElementById('announce').textContent === 'Lagret.'"
    )
    first.refresh_from_db()
    assert first.status == "done"
    # The card's counts changed with it, in the same answer: no reload.
    assert _card_counts(card) == _bucket_counts(kari, ola)

    # The employee sees it, and updates one of her own.
    employee.goto(f"/tiltak/{first.pk}/")
    assert "Kurset er fullført" in employee.page.content()
    employee.check("action-detail")
    employee.goto("/mine-tiltak/")
    employee.check("my-actions")
    mine = _open_actions(kari).filter(responsible__in=("employee", "both")).first()
    box = employee.page.locator(f"#action-{mine.pk}")
    box.locator("summary").click()
    box.locator(f"#s-{mine.pk}").select_option("in_progress")
    box.locator(f"#c-{mine.pk}").fill("Har begynt")
    box.locator("button[type=submit]").click()
    employee.page.locator(f"#action-{mine.pk} .saved").wait_for()
    assert ActionUpdate.objects.filter(action=mine, actor=kari, comment="Har begynt").exists()

    # The leader's overview counts the change.
    leader.goto("/oppfolging/")
    card = leader.page.locator("li.report", has_text=kari.full_name)
    assert _card_counts(card) == _bucket_counts(kari, ola)
    leader.goto(f"/tiltak/{mine.pk}/")
    assert "Har begynt" in leader.page.content()
    leader.check("action-after-employee-update")


def test_the_overview_works_on_a_phone(visitor_factory, demo):
    visitor = visitor_factory("follow-phone", width=360, height=740)
    visitor.login(demo["leader"].email, DEMO_PASSWORD)
    visitor.goto("/oppfolging/?status=overdue")
    visitor.check("overview-overdue")
    visitor.goto("/mine-tiltak/")
    visitor.check("leader-my-actions")
