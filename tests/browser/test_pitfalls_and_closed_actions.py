"""In a browser, on a phone: a pitfall count opens what it counts (a leader's own, HR's who
and when), done and dropped actions fold away below the open ones, and a form sent without
what it needs says so beside it."""

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation
from tests.browser.conftest import DEMO_PASSWORD


def test_a_leaders_nudge_and_hrs_count_open_their_lists_on_a_phone(visitor_factory, demo):
    leader = visitor_factory("pitfalls-leader", width=360, height=780)
    leader.login(demo["leader"].email, DEMO_PASSWORD)
    leader.goto("/oppfolging/")
    nudge = leader.page.locator("section.nudges a").first
    count = nudge.locator(".ds-tag").inner_text()
    nudge.click()
    leader.page.wait_for_url("**/oppfolging/fallgruver/*/")
    assert leader.page.locator("h1").inner_text().startswith(count)
    leader.check("leader-list")

    hr = visitor_factory("pitfalls-hr", width=360, height=780)
    hr.login(demo["hr"].email, DEMO_PASSWORD)
    link = hr.page.locator("section[aria-labelledby=pitfalls-heading] a").first
    count = link.locator(".stat").inner_text()
    link.click()
    hr.page.wait_for_url("**/fallgruver/*/")
    assert hr.page.locator("h1").inner_text().startswith(count)
    assert hr.page.locator("main a[href^='/samtaler/'], main a[href^='/tiltak/']").count() == 0
    hr.check("hr-list")


def test_done_and_dropped_fold_away_and_dropping_asks_why(visitor_factory, demo):
    kari = demo["employee"]
    employee = visitor_factory("closed-employee", width=360, height=780)
    employee.login(kari.email, DEMO_PASSWORD)
    employee.goto("/mine-tiltak/")
    fold = employee.page.locator("details.closed-actions")
    assert fold.get_attribute("open") is None
    fold.locator("summary").click()
    employee.check("my-actions-closed-open")

    action = (
        Action.objects.filter(employee=kari, followed=True, status="in_progress")
        .filter(responsible__in=("employee", "both"))
        .first()
    )
    card = employee.page.locator(f"#action-{action.pk}")
    card.locator("summary").click()
    card.locator(f"#s-{action.pk}").select_option("dropped")
    with employee.page.expect_response(lambda r: r.request.method == "POST") as answer:
        card.locator("button[type=submit]").click()
    # htmx's request, answered in place with the card (a refusal is a 200 with the error):
    # a plain form post would leave for the action's page, a server error would swap nothing.
    assert answer.value.request.headers.get("hx-request") == "true"
    assert answer.value.status == 200, answer.value.text()[:2000]
    employee.page.locator(f"#e-{action.pk}").wait_for()
    assert employee.page.locator(f"#c-{action.pk}").get_attribute("aria-invalid") == "true"
    employee.check("drop-without-why")
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_an_empty_goal_result_says_so_beside_the_form(visitor_factory, demo):
    kari, ola = demo["employee"], demo["leader"]
    goal = (
        Goal.objects.filter(
            conversation__employee=kari, conversation__leader=ola, conversation__status="signed"
        )
        .order_by("-conversation__scheduled_at")
        .first()
    )
    upcoming = (
        Conversation.objects.filter(employee=kari, leader=ola)
        .exclude(status__in=("signed", "cancelled"))
        .first()
    )
    leader = visitor_factory("goal-result", width=360, height=780)
    leader.login(ola.email, DEMO_PASSWORD)
    leader.goto(f"/samtaler/{upcoming.pk}/")
    block = leader.page.locator(f"#previous-goal-{goal.pk}")
    block.locator("summary").click()
    block.locator("textarea").fill("Vi lærte noe")
    block.locator("button[type=submit]").click()
    error = leader.page.locator(f"#result-error-{goal.pk}")
    error.wait_for()
    assert leader.page.locator(f"#previous-goal-{goal.pk} textarea").input_value() == "Vi lærte noe"
    leader.check("goal-result-empty")
    goal.refresh_from_db()
    assert goal.reviewed_at is None or goal.learned != "Vi lærte noe"
