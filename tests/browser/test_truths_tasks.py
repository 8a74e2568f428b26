"""The seven tasks of issue 72, what each person sees is true and complete, done as a
first-time user does them, and what each took.

As tests/browser/test_moments_tasks.py: each test signs in as the demo person who would do
the task, starts on their home page (the sign-in page, where the task begins there) and
from there only follows what the screen shows (links and buttons found by their text or
role, never an address typed in); a `Task` (tests/browser/first_time.py) counts the page
loads, the htmx partial loads and the actions, and measures every page at 390 px: the
tallest, and the tallest with no way in. What a test does besides, to check the outcome
(the mail as received, what HR sees), is not counted. The figures are printed and kept in
test-results/first-time-tasks.json; docs/developing/first-time-tasks.md keeps the table
("What each person sees (issue 72)").

The tasks, who does each and what it ends in, and what each may take:
tests/browser/truths_catalogue.py.
"""

import re
from datetime import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from samtale.actions import policy as actions_policy
from samtale.actions import selectors as actions_selectors
from samtale.conversations.models import Conversation, TimeProposal
from samtale.notifications import outbox
from samtale.notifications.models import OutboundEmail
from samtale.org.models import LeaderChange, Person
from samtale.priorities.models import Priority
from testkit.mail import calendar_of
from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.first_time import PHONE, Hand, tasks_kept
from tests.browser.test_first_time_tasks import _pick
from tests.browser.test_moments_tasks import (  # noqa: F401 - fixtures: the demo, and Nordvik's
    nordvik,
    to_the_meeting,
    whole_demo,
)
from tests.browser.truths_catalogue import BUDGETS


@pytest.fixture
def truth(visitor_factory):
    """truth("key") -> the Task for BUDGETS["key"], every page measured at 390 px too. Its
    figures are printed and kept whether it was completed or not."""
    yield from tasks_kept(BUDGETS, visitor_factory, phone_pages=True)


# 1 ---------------------------------------------------------------------------------------


def test_leaders_leader_goals(truth, whole_demo):  # noqa: F811 - the fixture imported above
    ingrid, ola = whole_demo["leaders_leader"], whole_demo["leader"]
    year = timezone.localdate().year
    task = truth("leaders-leader-goals")
    me = task.sign_in(ingrid)
    page = me.page
    # Her home, where it names the units' goals; else the menu's follow-up.
    goals = page.locator("main").get_by_role("link", name=re.compile("mål i oppfølgingen"))
    if not goals.count():
        me.go(
            page.locator("header").get_by_role("link", name="Oppfølging", exact=True), "follow-up"
        )
        goals = page.locator("main").get_by_role("link", name=re.compile("mål i oppfølgingen$"))
    me.go(goals.first, "unit-goals")
    expect(page.locator("main h1")).to_have_text("Enhetenes mål i oppfølgingen")

    # Barnetrinnet's goals counted, as Ola, its leader, sees them in his own follow-up.
    seen_by_ola = actions_selectors.served_goals(
        conversations=actions_policy.served_goals_counted_for(ola),
        year=year,
        on=timezone.localdate(),
    )
    barnetrinnet = Priority.objects.filter(year=year, unit=ola.unit).order_by("order", "pk")
    assert barnetrinnet.exists()
    for goal in barnetrinnet:
        counts = seen_by_ola.get(goal.pk, {})
        row = (
            page.locator("main tbody tr").filter(has_text=goal.title).filter(has_text=ola.unit.name)
        )
        expect(row.locator("td").nth(1)).to_have_text(f"{counts.get('n_goals', 0)} mål")
        if counts.get("n_actions"):
            expect(row.locator("td").nth(2)).to_have_text(
                f"{counts['n_done']} av {counts['n_actions']} tiltak"
            )
    assert sum(seen_by_ola.get(g.pk, {}).get("n_goals", 0) for g in barnetrinnet) > 0
    assert sum(seen_by_ola.get(g.pk, {}).get("n_actions", 0) for g in barnetrinnet) > 0
    task.finish()


# 2 ---------------------------------------------------------------------------------------


def _received_calendar(smtp, address: str):
    """(method, event) of the last message to `address` that carries a calendar."""
    for message in reversed(smtp.to(address)):
        if any(part.get_content_type() == "text/calendar" for part in message.walk()):
            method, _calendar, event = calendar_of(message)
            return method, event
    raise AssertionError(f"no calendar message to {address}")


def test_held_early(truth, whole_demo, smtp):  # noqa: F811 - the fixture imported above
    ola, kari = whole_demo["leader"], whole_demo["employee"]
    # Kari's conversation with Ola, invited for a later day (the demo's).
    conversation = Conversation.objects.get(employee=kari, leader=ola, status="invited")
    assert timezone.localdate(conversation.scheduled_at) > timezone.localdate()
    # Its invitation as both calendars hold it: the one the demo queued, built by the
    # outbox's builder as the worker sends it (the conversation has not moved since).
    invitation = OutboundEmail.objects.get(kind="invitation", ref__conversation=conversation.pk)
    [invited] = Calendar.from_ical(outbox.BUILDERS["invitation"](invitation).calendar).events
    task = truth("held-early")
    me = task.sign_in(ola)
    page = me.page
    to_the_meeting(me, kari.full_name)
    me.go(page.get_by_role("button", name="Vi holder samtalen nå"), "held-now")
    expect(page.locator("main")).to_contain_text("Notert: dere holder samtalen nå")

    conversation.refresh_from_db()
    assert conversation.started_early_at is not None
    sent = OutboundEmail.objects.filter(
        kind="invitation_held_early", ref__conversation=conversation.pk
    )
    assert sorted(sent.values_list("to_email", "status")) == sorted(
        [(kari.email, "sent"), (ola.email, "sent")]
    )
    # Both calendars move the meeting to now: the same event, a request, its sequence + 1.
    for person in (kari, ola):
        method, event = _received_calendar(smtp, person.email)
        assert method == "REQUEST", person
        assert str(event["UID"]) == str(invited["UID"])
        assert event["SEQUENCE"] == invited["SEQUENCE"] + 1
        assert event.start.date() == timezone.localdate()
    task.finish()


# 3 ---------------------------------------------------------------------------------------


def _whole_organization(page) -> str:
    """The row of "Hele organisasjonen" in the first table of the answers (satisfaction)."""
    row = (
        page.locator("main table").first.locator("tbody tr").filter(has_text="Hele organisasjonen")
    )
    return " ".join(row.inner_text().split())


def test_union_rep_answers(truth, whole_demo, visitor_factory):  # noqa: F811 - the fixture
    jonas, lise = whole_demo["union"], whole_demo["hr"]
    task = truth("union-rep-answers")
    me = task.sign_in(jonas)
    page = me.page
    me.go(
        page.locator("main").get_by_role("link", name=re.compile("^Svar på påstandene")),
        "answers",
    )
    seen = _whole_organization(page)
    assert re.fullmatch(r"Hele organisasjonen \d+ \d,\d( \d+){5}", seen), seen
    task.finish()

    # The same figure HR sees (not counted: the check, not the task).
    hr = visitor_factory("truths-union-rep-answers-hr")
    hr.login(lise.email, DEMO_PASSWORD)
    hr.goto("/innsikt/svar/")
    assert _whole_organization(hr.page) == seen


# 4 ---------------------------------------------------------------------------------------


def test_nynorsk_before_sign_in(truth, nordvik, visitor_factory):  # noqa: F811 - the fixture
    siri = nordvik["employee"]
    assert siri.email.endswith("@nordvik.example") and siri.language != "nn"
    task = truth("nynorsk-before-sign-in")
    # The task starts on the sign-in page: counted from there.
    visitor = visitor_factory(f"first-time-{task.key}-siri")
    me = Hand(task, visitor, siri.first_name)
    task.hands.append(me)
    page = me.page
    visitor.goto("/logg-inn/")
    me.look("sign-in")
    footer = page.locator("footer")
    me.choose(footer.get_by_label("Språk"), value="nn")
    me.go(footer.get_by_role("button", name="Bytt"), "sign-in-nynorsk")
    assert page.locator("html").get_attribute("lang") == "nn"
    me.fill(page.get_by_label("E-post"), siri.email)
    me.fill(page.get_by_label("Passord"), DEMO_PASSWORD)
    me.go(page.locator("main").get_by_role("button", name="Logg inn", exact=True), "home")

    assert page.url == visitor.base_url + "/"
    assert page.locator("html").get_attribute("lang") == "nn"
    expect(page.locator("main h1")).to_have_text(f"Velkomen, {siri.first_name}")
    siri.refresh_from_db()
    assert siri.language == "nn"
    task.finish()


# 5 ---------------------------------------------------------------------------------------


def test_person_moved(truth, whole_demo):  # noqa: F811 - the fixture imported above
    nils, ola = whole_demo["admin"], whole_demo["leader"]
    frode = Person.objects.get(email="frode.johansen@fjordvik.example", manager=ola)
    silje = Person.objects.get(employee_number="10003")
    moving = Conversation.objects.get(employee=frode, leader=ola, status="prepared")
    task = truth("person-moved")
    me = task.sign_in(nils)
    page = me.page
    me.go(page.locator("main").get_by_role("link", name="Personer", exact=True), "people")
    # The list follows the search as it is typed (htmx).
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        me.fill(page.get_by_role("searchbox"), frode.full_name)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    me.go(page.locator("main").get_by_role("link", name=frode.full_name, exact=True), "person")
    me.go(page.locator("main").get_by_role("link", name="Endre", exact=True), "person-edit")
    # The line manager: what was chosen before goes as the new name is typed (one action).
    page.locator("#id_manager").fill("")
    _pick(me, "manager", silje.first_name, silje.full_name)
    expect(page.locator("input[name=manager_sok]")).to_have_value(re.compile(silje.full_name))
    me.go(page.locator("main form").get_by_role("button", name="Lagre", exact=True), "preview")

    # Not saved yet: the form lists what the save will do, with one button.
    warning = page.locator("main .handover-warning")
    expect(warning).to_contain_text("Ikke lagret ennå")
    expect(warning).to_contain_text(f"flyttes til {silje.full_name}")
    assert warning.locator(".handover-steps li").count() >= 2
    buttons = page.locator("main form button")
    expect(buttons).to_have_count(1)
    expect(buttons).to_have_text("Bekreft og lagre")
    assert not LeaderChange.objects.filter(person=frode).exists()
    me.go(page.locator("main form").get_by_role("button", name="Bekreft og lagre"), "saved")
    expect(page.locator("main")).to_contain_text("Endringene er lagret")

    frode.refresh_from_db()
    assert frode.manager == silje
    change = LeaderChange.objects.get(person=frode)
    [(old, new)] = change.moved
    assert old == moving.pk
    assert Conversation.objects.get(pk=old).status == "cancelled"
    assert Conversation.objects.get(pk=new).leader == silje
    task.finish()


# 6 ---------------------------------------------------------------------------------------


def test_proposal_accepted(truth, whole_demo, smtp):  # noqa: F811 - the fixture imported above
    ola = whole_demo["leader"]
    proposal = TimeProposal.objects.select_related("conversation__employee").get(
        conversation__leader=ola, closed_at=None
    )
    conversation = proposal.conversation
    employee = conversation.employee
    task = truth("proposal-accepted")
    me = task.sign_in(ola)
    page = me.page
    # The home's card of the proposal: a button on each time proposed.
    card = page.locator("main li", has_text=f"{employee.full_name} foreslår")
    accept = card.get_by_role("button", name=re.compile("^Flytt til det foreslåtte")).first
    chosen = accept.locator("xpath=..").locator("input[name=start]").input_value()
    me.go(accept, "accepted")
    expect(page.locator("main")).to_contain_text("Samtalen er flyttet til")

    conversation.refresh_from_db()
    start = datetime.fromisoformat(chosen).replace(tzinfo=timezone.get_current_timezone())
    assert conversation.scheduled_at == start
    told = [m for m in smtp.to(employee.email) if "godtok" in m["Subject"]]
    assert told, [m["Subject"] for m in smtp.to(employee.email)]
    assert f"{ola.full_name} godtok tidspunktet du foreslo" in told[-1]["Subject"]
    task.finish()


# 7 ---------------------------------------------------------------------------------------

# The dates of the conversations' headings on the own data page ("…, dd.mm.yyyy").
SHORT_DATE = re.compile(r"(\d\d)\.(\d\d)\.(\d{4})$")


def test_own_data_on_a_phone(truth, whole_demo):  # noqa: F811 - the fixture imported above
    kari = whole_demo["employee"]
    task = truth("own-data-on-a-phone")
    me = task.sign_in(kari, phone=True)
    page = me.page
    own = page.locator("main").get_by_role("link", name="Les opplysningene dine")
    if not own.count():
        me.go(page.locator("main").get_by_role("link", name="Profil og språk"), "profile")
        own = page.locator("main").get_by_role("link", name="Les opplysningene dine")
    me.go(own, "own-data")
    expect(page.locator("main h1")).to_have_text("Opplysningene dine i Samtale")

    # Her conversations, newest first.
    headings = page.locator("#employee article h3").all_inner_texts()
    days = [SHORT_DATE.search(h.strip()) for h in headings]
    assert headings and all(days), headings
    ordered = [(int(d[3]), int(d[2]), int(d[1])) for d in days]
    assert ordered == sorted(ordered, reverse=True), headings
    assert len(headings) == Conversation.objects.filter(employee=kari).count()
    # At 390 px: its height in screens, and nothing scrolls sideways.
    assert page.viewport_size == PHONE
    height, wide, width = page.evaluate(
        "[document.documentElement.scrollHeight, document.documentElement.scrollWidth,"
        " document.documentElement.clientWidth]"
    )
    assert wide <= width, (wide, width)
    print(f"own data at 390 px: {height} px, {height / PHONE['height']:.1f} screens")
    task.finish()
