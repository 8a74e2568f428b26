"""Acting on overdue actions in a browser: the leader goes from their home to the overdue
list, keeps to their own promises, reminds the employee of one and gives another a new
deadline with a reason; the employee then sees the reminded action first on their home, on
a phone. Counts the page loads and clicks the leader's part takes."""

from datetime import timedelta

from django.utils import timezone

from samtale.actions.models import Action, ActionUpdate
from samtale.notifications.models import OutboundEmail
from tests.browser.conftest import DEMO_PASSWORD


def _two_overdue(kari, ola) -> tuple[Action, Action]:
    """Two of Kari's open actions with Ola, overdue: one they both answer for, never reminded
    yet (the demo may hold reminders), and one Ola promised."""
    today = timezone.localdate()
    first, second = Action.objects.filter(employee=kari, leader=ola, followed=True).order_by("pk")[
        :2
    ]
    Action.objects.filter(pk=first.pk).update(
        responsible="both",
        status="in_progress",
        deadline=today - timedelta(days=4),
        reminded_at=None,
    )
    Action.objects.filter(pk=second.pk).update(
        responsible="leader", status="not_started", deadline=today - timedelta(days=2)
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_the_leader_reminds_and_moves_a_deadline_and_the_employee_sees_it_first(
    visitor_factory, demo
):
    kari, ola = demo["employee"], demo["leader"]
    reminded, moved = _two_overdue(kari, ola)
    leader = visitor_factory("overdue-leader")
    leader.login(ola.email, DEMO_PASSWORD)
    loads = []
    leader.page.on("load", lambda page: loads.append(page.url))
    clicks = _leader_to_own_overdue(leader)
    clicks += _leader_reminds(leader, reminded)
    today = timezone.localdate()
    more, new = _leader_moves_a_deadline(leader, moved, today)
    clicks += more
    # After the home page: the list, the filtered list, after the reminder, after the new
    # deadline. Five page loads in all, five clicks.
    assert (len(loads), clicks) == (4, 5), loads
    _recorded(kari, ola, reminded, moved, new)
    _the_list_on_a_phone(visitor_factory, ola)
    _employee_sees_it_first(visitor_factory, kari, reminded, today)


def _leader_to_own_overdue(leader) -> int:
    """From the home page, one click to the list where the leader acts, and one to only
    what the leader answers for: the clicks."""
    clicks = 0
    # From the home page, one click to the list where the leader acts.
    leader.check("home")
    leader.page.get_by_role("link", name="Minn på, gi ny frist eller legg bort").click()
    clicks += 1
    leader.page.wait_for_url("**/oppfolging/fallgruver/forfalt/")
    assert leader.page.locator("th", has_text="Ansvar").count() == 1
    leader.check("list")

    # Only what the leader answers for: Kari's own action is not among them.
    leader.page.get_by_role("link", name="Bare mine løfter").click()
    clicks += 1
    leader.page.wait_for_url("**/forfalt/?mine=1")
    table = leader.page.locator("main table")
    assert table.locator("td[data-label=Ansvar]", has_text="Medarbeideren").count() == 0
    leader.check("only-mine")
    return clicks


def _leader_reminds(leader, reminded) -> int:
    """Remind Kari of the one they both answer for: back to the same filtered list. The
    clicks."""
    clicks = 0
    row = leader.page.locator(f"tr:has(#row-{reminded.pk})")
    leader.submit(f"tr:has(#row-{reminded.pk}) button:has-text('Minn på')")
    clicks += 1
    assert "mine=1" in leader.page.url
    leader.page.get_by_text("Påminnelse sendt til Kari Nilsen.").wait_for()
    today = timezone.localdate()
    assert f"Påminnet {today:%d.%m.}" in row.inner_text()
    assert row.get_by_role("button", name="Minn på").count() == 0
    leader.check("reminded")
    return clicks


def _leader_moves_a_deadline(leader, moved, today):
    """A new deadline for Ola's own promise, with why: in a disclosure in its row. The
    clicks, and the new deadline."""
    clicks = 0
    row = leader.page.locator(f"tr:has(#row-{moved.pk})")
    row.locator("summary", has_text="Ny frist").click()
    clicks += 1
    new = today + timedelta(days=14)
    leader.page.fill(f"#nd-{moved.pk}", f"{new:%d.%m.%Y}")
    leader.page.fill(f"#nr-{moved.pk}", "Venter på budsjettet for våren")
    leader.check("new-deadline-open")
    leader.submit(f"tr:has(#row-{moved.pk}) button:has-text('Lagre ny frist')")
    clicks += 1
    leader.page.get_by_text(f"Tiltaket har fått ny frist: {new:%d.%m.%Y}.").wait_for()
    # No longer overdue, so no longer in the list.
    assert leader.page.locator(f"#row-{moved.pk}").count() == 0
    leader.check("after-new-deadline")
    return clicks, new


def _recorded(kari, ola, reminded, moved, new):
    """The reminder sent and the new deadline kept, with its reason."""
    reminded.refresh_from_db()
    moved.refresh_from_db()
    assert reminded.reminded_at is not None and moved.deadline == new
    update = ActionUpdate.objects.get(action=moved, deadline_to=new)
    assert update.comment == "Venter på budsjettet for våren" and update.actor == ola
    assert OutboundEmail.objects.filter(
        to=kari, kind="action_notice", ref__notice="action_reminder"
    ).exists()


def _the_list_on_a_phone(visitor_factory, ola):
    """The same list on a phone: each row a card, its forms within the screen."""
    phone = visitor_factory("overdue-leader-phone", width=390, height=844)
    phone.login(ola.email, DEMO_PASSWORD)
    phone.goto("/oppfolging/fallgruver/forfalt/")
    phone.page.locator("main tr summary", has_text="Ny frist").first.click()
    phone.check("list-phone")


def _employee_sees_it_first(visitor_factory, kari, reminded, today):
    """Kari, on her phone: the reminded action first of all on her home page."""
    employee = visitor_factory("overdue-employee", width=390, height=844)
    employee.login(kari.email, DEMO_PASSWORD)
    first = employee.page.locator("section.todo li").first
    assert reminded.text in first.inner_text()
    assert f"Påminnet {today:%d.%m.}" in first.inner_text()
    employee.check("home-reminded")
    first.get_by_role("link", name=reminded.text).click()
    employee.page.wait_for_url(f"**/tiltak/{reminded.pk}/")
    assert f"Påminnet {today:%d.%m.} av Ola Berg" in employee.page.content()
    # Kari cannot remind herself; she may give her action a new deadline or drop it.
    assert employee.page.get_by_role("button", name="Minn på").count() == 0
    employee.check("action-reminded")
