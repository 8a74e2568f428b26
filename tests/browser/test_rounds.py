"""A round from start to invitations: HR creates it for the school and shares a department
with the other leader; a leader on a phone gives a time and accepts the proposal; the
invitations arrive over SMTP with their calendar files. axe-core on every page."""

from datetime import timedelta
from urllib.parse import unquote_plus

import pytest
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.core.holidays import working_day
from samtale.demo import org as org_demo
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.models import OutboundEmail
from samtale.org.models import Person, Unit
from samtale.rounds.models import Participant, Round
from testkit.mail import calendar_of

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(transactional_db):
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return org_demo.load(password=PASSWORD)


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _create_school_round(page) -> None:
    """Fill in and send the new round's form: the school's round with the 8-theme guide."""
    page.fill("#id_name", "Medarbeidersamtaler 2027")
    page.fill("#id_period_end", _day(120))
    page.select_option("#id_guide", label="Medarbeidersamtale – skjema med 8 tema")
    page.get_by_label("Fjordvik skole", exact=True).check()
    _submit(page, "main form button[type=submit]")


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).strftime("%d.%m.%Y")


def test_hr_creates_and_shares_a_round_and_a_leader_schedules_it(visitor_factory, demo, smtp):
    ola = demo["leader"]
    silje = Person.objects.get(employee_number="10003")
    hr = visitor_factory("rounds-hr")
    hr.login(demo["hr"].email, PASSWORD)
    round_ = _hr_creates_the_round(hr, ola)
    _hr_shares_a_department(hr, round_, ola, silje)
    leader = _leader_schedules_on_a_phone(visitor_factory, round_, ola)
    _conversations_invited(round_, ola, smtp)
    _progress_shown(visitor_factory, demo, hr, leader, round_, ola)


def _hr_creates_the_round(hr, ola) -> Round:
    """HR creates the round for the school: the round."""
    page = hr.page
    hr.goto("/runder/")
    hr.check("list-empty")
    _submit(page, "main a[href='/runder/ny/']")
    hr.check("create")
    _create_school_round(page)
    round_ = Round.objects.get()
    assert page.url.endswith(f"/runder/{round_.pk}/")
    hr.check("detail")
    assert Participant.objects.filter(round=round_, holder=ola).exists()
    return round_


def _hr_shares_a_department(hr, round_, ola, silje):
    """HR shares a department, Team 5.–7. trinn, with Silje Moen."""
    page = hr.page
    _submit(page, f"main a[href='/runder/{round_.pk}/fordel/']")
    hr.check("share")
    team = Unit.objects.get(code="4212")
    # The department and the leader are searched for (pickers) and chosen from the list.
    for field, text, pk in (("unit", team.name, team.pk), ("holder", silje.last_name, silje.pk)):
        page.click(f"#id_{field}")
        with page.expect_response(
            lambda r, text=text: "/velg/" in r.url and text in unquote_plus(r.url)
        ):
            page.keyboard.type(text)
        page.locator(f"#id_{field}_list u-option[value='{pk}']").click()
        page.wait_for_function(
            f"() => document.querySelector('input[name={field}]').value === '{pk}'"
        )
    _submit(page, "main form button[type=submit]")
    hr.check("detail-shared")
    shared = Participant.objects.filter(round=round_, person__unit=team, included=True)
    assert shared.exists() and set(shared.values_list("holder", flat=True)) == {silje.pk}
    held_by_ola = Participant.objects.filter(round=round_, holder=ola, included=True).count()
    assert held_by_ola > 2


def _leader_schedules_on_a_phone(visitor_factory, round_, ola):
    """The leader, on a phone, gives two days and accepts what the assistant proposes."""
    leader = visitor_factory("rounds-leader", width=360, height=780)
    leader.login(ola.email, PASSWORD)
    lpage = leader.page
    leader.goto(f"/runder/{round_.pk}/")
    leader.check("detail-leader")
    _submit(lpage, f"main a[href='/runder/{round_.pk}/timeplan/{ola.pk}/']")
    leader.check("schedule-empty")
    # Two working days from a week and a day ahead: a window on a day off is refused.
    first = working_day(timezone.localdate() + timedelta(days=8))
    second = working_day(first + timedelta(days=1))
    for n, day in enumerate((first, second), start=1):
        form = lpage.locator("form.window-form")
        form.locator("#id_date").fill(day.strftime("%d.%m.%Y"))
        form.locator("#id_start").fill("08:30")
        form.locator("#id_end").fill("15:30")
        form.locator("#id_place").fill("Møterom 2")
        form.locator("button[type=submit]").click()
        lpage.locator("#planner .ds-alert[data-color=success]").wait_for()
        lpage.locator(f"#planner .windows li:nth-child({n})").wait_for()
    lpage.locator("table.slots").wait_for()
    leader.check("schedule-proposal")
    proposed = lpage.locator("table.slots tbody tr").count()
    assert proposed == 4  # at most two a day, on two days
    assert (
        lpage.locator("#planner .ds-alert[data-color=warning]").count() == 1
    )  # the rest: not enough time
    _submit(lpage, "form[action$='/godta/'] button[type=submit]")
    leader.check("schedule-accepted")
    return leader


def _conversations_invited(round_, ola, smtp):
    """Four conversations, invited at once; the invitations arrived: one to each employee,
    a copy to the leader, each with the event."""
    conversations = Conversation.objects.filter(round=round_, leader=ola)
    assert conversations.count() == 4
    # Within the lead time (14 days), so invited right away.
    assert set(conversations.values_list("status", flat=True)) == {"invited"}
    days = {timezone.localdate(c.scheduled_at) for c in conversations}
    assert len(days) == 2
    for conversation in conversations.select_related("employee"):
        [invitation] = [m for m in smtp.messages if m["To"] == conversation.employee.email]
        _method, _calendar, event = calendar_of(invitation)
        assert event.start == timezone.localtime(conversation.scheduled_at)
    copies = [m for m in smtp.messages if m["To"] == ola.email]
    assert len(copies) == 4
    assert OutboundEmail.objects.filter(status="sent", kind="invitation").count() == 4


def _progress_shown(visitor_factory, demo, hr, leader, round_, ola):
    """The round's page shows the progress; HR on a phone too, and who is missing a
    conversation."""
    leader.goto(f"/runder/{round_.pk}/")
    leader.check("detail-leader-after")
    hr_phone = visitor_factory("rounds-hr-phone", width=360, height=780)
    hr_phone.login(demo["hr"].email, PASSWORD)
    hr_phone.goto(f"/runder/{round_.pk}/")
    hr_phone.check("detail-phone")
    hr_phone.goto(f"/runder/{round_.pk}/timeplan/{ola.pk}/")
    hr_phone.check("schedule-hr-phone")
    hr.goto("/runder/krav/")
    hr.check("coverage")
    hr_phone.goto("/runder/krav/")
    hr_phone.check("coverage-phone")
    hr.goto("/runder/")
    hr.check("list")


def test_the_round_form_tells_what_is_wrong_and_keeps_what_was_typed(visitor_factory, demo):
    hr = visitor_factory("rounds-hr-errors", width=360, height=780)
    hr.login(demo["hr"].email, PASSWORD)
    hr.goto("/runder/ny/")
    hr.page.fill("#id_name", "Runde uten enheter")
    _submit(hr.page, "main form button[type=submit]")
    hr.page.locator("ds-error-summary").wait_for()
    assert hr.page.input_value("#id_name") == "Runde uten enheter"
    hr.check("create-errors")
    assert not Round.objects.exists()


def test_a_big_rounds_tables_come_when_scrolled_to(visitor_factory, demo, monkeypatch, settings):
    """More leaders or units than a page of their tables: the round's page shows its totals,
    and the tables per leader and per unit arrive (htmx) when they come into view. With the
    scripts as deployed: fetched after the page's load event, htmx starts all the same."""
    from samtale.rounds.views import rounds as rounds_views

    monkeypatch.setattr(rounds_views, "COUNTS_PAGE_SIZE", 1)
    settings.SCRIPTS_AFTER_LOAD = True
    hr = visitor_factory("rounds-big", width=390, height=844)  # on a phone
    hr.login(demo["hr"].email, PASSWORD)
    page = hr.page
    hr.goto("/runder/ny/")
    _create_school_round(page)
    assert page.locator("#by-leader").count() == 0  # not on the page as it came
    page.locator("html[data-scripts=loaded]").wait_for(state="attached")
    assert page.evaluate("typeof htmx") == "object"
    assert page.locator("script[type='text/plain'][data-src]").count() == 0
    page.get_by_role("link", name="Fremdrift per leder og per enhet").scroll_into_view_if_needed()
    leaders = page.locator("h3#by-leader")
    leaders.wait_for()
    assert page.get_by_role("link", name="Fremdrift per leder og per enhet").count() == 0
    assert page.locator("table[aria-labelledby=by-leader] tbody tr").count() == 1
    next_page = page.locator("nav[aria-label=Ledere] a[rel=next]").get_attribute("href")
    assert "/fremdrift/?" in next_page  # the tables' pages are a page of their own
    hr.check("big-round")
    # The tables' next page: a page of its own, with the way back to the round.
    with page.expect_navigation():
        page.locator("nav[aria-label=Ledere] a[rel=next]").click()
    assert "/fremdrift/?" in page.url
    assert page.locator("h2#by-leader").count() == 1
    hr.check("big-round-tables")
