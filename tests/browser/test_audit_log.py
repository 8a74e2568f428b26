"""The audit log in the browser: HR reads what a signed conclusion shares, finds the read in
the log, and the employee sees who read it and when. Every page passes axe-core."""

from django.utils import timezone

from samtale.conversations.models import SummaryRevision
from testkit.people import goals_version, signed_conversation
from tests.browser.conftest import DEMO_PASSWORD

SHARED = "Kursbehovet i fagsystemet kan meldes til HR."


def test_hr_finds_a_read_in_the_log_and_the_employee_sees_who_read_and_when(visitor_factory, demo):
    employee = demo["employee"]
    conversation = signed_conversation(employee, employee.manager, version=goals_version())
    now = timezone.now()
    SummaryRevision.objects.create(
        conversation=conversation,
        text="Det vi snakket om",
        conclusion="no_actions",
        shared_outside=SHARED,
        employee_signed_at=now,
        leader_signed_at=now,
    )

    hr = visitor_factory("audit-hr")
    hr.login(demo["hr"].email, DEMO_PASSWORD)
    hr.submit("a[href='/logg/']")  # from the home page
    assert hr.page.url.endswith("/logg/")
    hr.goto("/samtaler/delt/")
    assert SHARED in hr.page.content()
    hr.goto("/logg/?kind=conversation.read")
    rows = hr.page.locator("table tbody tr")
    assert rows.count() == 1
    assert demo["hr"].full_name in rows.first.inner_text()
    assert SHARED not in hr.page.content()
    hr.check("audit log")
    hr.goto("/logg/?since=31.02.2026")
    assert hr.page.locator("ds-error-summary").is_visible()
    assert hr.page.locator("table").count() == 0
    hr.check("audit log with a wrong date")

    phone = visitor_factory("audit-hr-phone", width=360, height=740)
    phone.login(demo["hr"].email, DEMO_PASSWORD)
    phone.goto("/logg/")
    phone.check("audit log")

    me = visitor_factory("audit-employee")
    me.login(employee.email, DEMO_PASSWORD)
    me.goto("/profil/")
    me.submit("a[href='/meg/lest/']")
    row = me.page.locator("table tbody tr")
    assert row.count() == 1
    assert demo["hr"].full_name in row.first.inner_text()
    me.check("who has read my conversations")

    other = visitor_factory("audit-other-employee")
    other.login(demo["leader"].email, DEMO_PASSWORD)
    other.goto("/meg/lest/")
    assert other.page.get_by_text("Ingen utenfor samtalene dine har lest dem").is_visible()
    other.check("nobody has read my conversations")
