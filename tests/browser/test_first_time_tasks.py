"""The 13 everyday tasks of issue 46, done as a first-time user does them, and what each took.

Each test signs in as the demo person who would do the task, starts on their home page and
from there only follows what the screen shows: links and buttons found by their text or role,
never an address typed in. A `Task` (tests/browser/first_time.py) records every page load (a new document in the main
frame: the home page counts), every htmx partial load (counted apart: not a page load), and
every action (a click, a tick, a choice in a list, a field filled: one each), and the test
holds them to the task's budget. The figures come from what the test did, not from a count by
hand; each test prints them on one line and adds them to test-results/first-time-tasks.json.
docs/developing/first-time-tasks.md keeps the table, before and after issue 46.

The tasks, who does each and what it ends in, and what each may take:
tests/browser/first_time_catalogue.py.
"""

import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samtale.actions import selectors as action_selectors
from samtale.actions.models import Action
from samtale.archive.models import Delivery, SignedForm
from samtale.conversations.models import Conversation, LeadershipAnswer, Note
from samtale.needs.models import Need
from samtale.notifications.models import OutboundEmail
from samtale.org.models import Person
from samtale.privacy.models import AccessCopy
from samtale.rounds.models import Round
from tests.browser.first_time import Hand, Task, tasks_kept
from tests.browser.first_time_catalogue import BUDGETS, whole_demo_loaded


@pytest.fixture
def whole_demo(transactional_db, request):
    """The demo as `manage.py demo_data` loads it (first_time_catalogue.whole_demo_loaded)."""
    return whole_demo_loaded(request)


@pytest.fixture
def first_time(visitor_factory, whole_demo):
    """first_time("key") -> the Task for BUDGETS["key"]. Its figures are printed and kept
    whether it was completed or not: a task the product cannot finish says how far it got."""
    yield from tasks_kept(BUDGETS, visitor_factory)


def _card(hand: Hand, name: str):
    """The home page's card for the conversation with `name`."""
    return hand.page.locator("main li", has_text=f"Samtale med {name}")


# 1 ---------------------------------------------------------------------------------------


def test_next_conversation(first_time, whole_demo):
    kari = whole_demo["employee"]
    upcoming = Conversation.objects.get(employee=kari, status="invited")
    task = first_time("next-conversation")
    me = task.sign_in(kari, phone=True)

    # On the home page's card: the day, the time and the place.
    when = timezone.localtime(upcoming.scheduled_at)
    shown = _card(me, upcoming.leader.full_name).inner_text()
    assert when.strftime("%d.%m.%Y %H:%M") in shown and upcoming.place in shown
    task.finish()


# 2 ---------------------------------------------------------------------------------------


def test_prepare_on_a_phone(first_time, whole_demo):
    kari = whole_demo["employee"]
    conversation = Conversation.objects.get(employee=kari, status="invited")
    task = first_time("prepare-on-a-phone")
    me = task.sign_in(kari, phone=True)
    me.go(
        _card(me, conversation.leader.full_name).get_by_role("link", name="Forbered deg"),
        "preparation",
    )

    page = me.page
    note = "Jeg vil gjerne lære mer om vurdering for læring, og bruke det nye fagsystemet."
    me.fill(page.locator("#tema-kompetanseutvikling").get_by_role("textbox"), note)
    me.visitor.wait_saved("note-kompetanseutvikling")
    statements = page.locator("#tema-ledelse fieldset")
    assert statements.count() == 3
    for index in range(statements.count()):
        statement = statements.nth(index)
        me.tick(statement.get_by_label("4 Enig"))
        status = page.locator("#tema-ledelse form").nth(index).locator("[aria-live]")
        expect(status).not_to_be_empty()
    me.look("preparation-written")
    me.go(page.get_by_role("button", name="Del alle notatene mine …"), "share-list")
    me.go(page.get_by_role("button", name="Del alt som står i listen"), "shared")

    conversation.refresh_from_db()
    assert conversation.status == "prepared"
    written = Note.objects.get(
        preparation__conversation=conversation,
        preparation__author=kari,
        theme_key="kompetanseutvikling",
    )
    assert written.text == note and written.shared_at is not None
    assert sorted(
        LeadershipAnswer.objects.filter(conversation=conversation).values_list("value", flat=True)
    ) == [4, 4, 4]
    task.finish()


# 3 ---------------------------------------------------------------------------------------


def _last_signed(person: Person) -> Conversation:
    return (
        Conversation.objects.filter(employee=person, status="signed")
        .order_by("-scheduled_at")
        .first()
    )


def test_last_actions_and_one_marked_done(first_time, whole_demo):
    kari = whole_demo["employee"]
    last = _last_signed(kari)
    action = Action.objects.filter(
        goal__conversation=last, responsible="employee", status__in=["not_started", "in_progress"]
    ).first()
    task = first_time("last-actions-one-done")
    me = task.sign_in(kari, phone=True)
    # The home page's "Fra siste samtale": every goal agreed, each open action its card with
    # the quick update, saved in place.
    card = me.page.locator("section", has=me.page.locator("#last-agreed-heading"))
    for goal in last.goals.all():  # what was agreed is on the screen
        assert goal.text in card.inner_text()
    action_card = card.locator(f"#action-{action.pk}")
    me.click(action_card.locator("summary"))
    me.choose(action_card.get_by_label("Status"), label="Fullført")
    me.click(action_card.get_by_role("button", name="Lagre"))
    me.page.locator(f"#action-{action.pk} .saved").wait_for()
    me.look("action-done")

    action.refresh_from_db()
    assert action.status == "done"
    assert "Fullført" in me.page.locator(f"#action-{action.pk}").inner_text()
    task.finish()


# 4 ---------------------------------------------------------------------------------------


def test_signed_form(first_time, whole_demo):
    kari = whole_demo["employee"]
    last = _last_signed(kari)
    task = first_time("signed-form")
    me = task.sign_in(kari)
    # The home page's "Fra siste samtale" links its signed form.
    pdf = me.download(me.page.get_by_role("link", name="Oppfølgingsskjemaet (PDF)"))

    assert Path(pdf.path()).read_bytes().startswith(b"%PDF-")
    form = SignedForm.objects.filter(conversation=last).latest("pk")
    assert pdf.url.endswith(f"/skjema/{form.pk}.pdf")
    task.finish()


# 5 ---------------------------------------------------------------------------------------


def test_lacking_conversation_planned(first_time, whole_demo):
    ola = whole_demo["leader"]
    task = first_time("lacking-conversation-planned")
    me = task.sign_in(ola)
    # The home page's table of his employees names who is missing a conversation with none
    # planned, and plans one from the row.
    row = (
        me.page.locator("main tbody tr")
        .filter(has=me.page.get_by_role("link", name="Planlegg en samtale"))
        .first
    )
    assert re.search("Mangler samtale|Ingen samtale i runden", row.inner_text())
    name = row.locator("th, td").first.inner_text().strip()
    person = next(p for p in Person.objects.filter(manager=ola) if p.full_name in name)
    me.go(row.get_by_role("link", name="Planlegg en samtale"), "plan")
    # The plan page has the person, the template and a time proposed: "Planlegg".
    assert "Foreslått" in me.main()
    me.go(me.page.locator("main").get_by_role("button", name="Planlegg", exact=True), "planned")

    planned = Conversation.objects.filter(
        employee=person, leader=ola, scheduled_at__gt=timezone.now()
    ).exclude(status="cancelled")
    assert planned.exists()
    task.finish()


# 6 ---------------------------------------------------------------------------------------


def test_meeting_to_signing(first_time, whole_demo):
    ola = whole_demo["leader"]
    conversation = (
        Conversation.objects.filter(leader=ola, status="prepared", summary_author="employee")
        .order_by("scheduled_at")
        .first()
    )
    employee = conversation.employee
    task = first_time("meeting-to-signing")
    leader = task.sign_in(ola)
    _meeting_held(task, leader, conversation)
    writer = task.sign_in(employee)
    _summary_sent(task, writer, ola, conversation)
    _both_sign(leader, writer, ola, employee)

    conversation.refresh_from_db()
    assert conversation.status == "signed"
    assert SignedForm.objects.filter(conversation=conversation).exists()
    assert Action.objects.filter(goal__conversation=conversation, followed=True).count() == 1
    task.finish()


def _meeting_held(task: Task, leader: Hand, conversation: Conversation) -> None:
    """The leader holds the meeting: a goal with an action, and closes it."""
    page = leader.page
    employee = conversation.employee
    leader.go(
        _card(leader, employee.full_name).get_by_role("link", name="Åpne samtalen"), "conversation"
    )
    leader.go(page.get_by_role("link", name="Møtet", exact=True).last, "meeting")
    goals = page.locator("#goals")
    leader.fill(goals.get_by_label("Mål", exact=True), "Bli trygg på nye rutiner for dokumentasjon")
    leader.fill(goals.get_by_label("Tiltak (valgfritt)"), "Hospitere en dag hos en erfaren kollega")
    deadline = timezone.localdate() + timedelta(days=60)
    leader.fill(goals.get_by_label("Tidsfrist (valgfritt)"), deadline.strftime("%d.%m.%Y"))
    leader.click(goals.get_by_role("button", name="Legg til målet"))
    expect(page.locator("#goals table")).to_contain_text("Hospitere en dag")
    # Focus goes to the goal just added, not to the page's top with the form it replaced.
    expect(goals.get_by_text("Bli trygg på nye rutiner for dokumentasjon")).to_be_focused()
    leader.look("meeting-goal")
    close = page.get_by_role("button", name="Avslutt møtet og gå til oppsummeringen")
    leader.go(close, "meeting-closed")
    if "/mote/" in page.url:  # refused: held before the day it was planned for
        task.stumble("the close was refused: “Møtet ble flyttet til i dag” was to be ticked")
        leader.tick(page.get_by_label("Møtet ble flyttet til i dag"))
        leader.go(close, "meeting-closed")
    assert page.url.endswith(f"/samtaler/{conversation.pk}/oppsummering/")


def _summary_sent(task: Task, writer: Hand, ola: Person, conversation: Conversation) -> None:
    """The employee writes the summary and sends it for comments and approval."""
    wpage = writer.page
    writer.go(
        _card(writer, ola.full_name).get_by_role("link", name="Skriv oppsummeringen"), "summary"
    )
    writer.fill(
        wpage.get_by_label("Oppsummeringen"),
        "Vi snakket om dokumentasjon og trivsel. Jeg hospiterer hos en kollega før jul.",
    )
    writer.visitor.wait_saved("summary-text")
    agreed = wpage.get_by_label("Målene og tiltakene vi ble enige om")
    writer.tick(agreed)
    send = wpage.get_by_role("button", name="Send til kommentar og godkjenning")
    writer.go(send, "summary-sent")
    if wpage.get_by_text("Velg en konklusjon før du sender oppsummeringen.").count():
        task.stumble("“Send” refused and the conclusion lost: “Lagre konklusjonen” first")
        writer.tick(agreed)
        writer.go(wpage.get_by_role("button", name="Lagre konklusjonen"), "conclusion-saved")
        writer.go(send, "summary-sent")
    conversation.refresh_from_db()
    assert conversation.summaries.latest("pk").submitted_at is not None


def _both_sign(leader: Hand, writer: Hand, ola: Person, employee: Person) -> None:
    """The leader approves and signs; then the employee signs."""
    page, wpage = leader.page, writer.page
    leader.home()
    leader.go(
        _card(leader, employee.full_name).get_by_role(
            "link", name="Les og kommenter oppsummeringen"
        ),
        "summary-review",
    )
    leader.go(page.get_by_role("button", name="Godkjenn oppsummeringen"), "summary-approved")
    leader.tick(page.get_by_label(re.compile("^Jeg har lest oppsummeringen")))
    leader.go(page.get_by_role("button", name="Signer", exact=True), "leader-signed")
    writer.home()
    writer.go(_card(writer, ola.full_name).get_by_role("link", name="Signer"), "summary-to-sign")
    writer.tick(wpage.get_by_label(re.compile("^Jeg har lest oppsummeringen")))
    writer.go(wpage.get_by_role("button", name="Signer", exact=True), "signed")


# 7 ---------------------------------------------------------------------------------------


def test_overdue_actions_and_a_reminder(first_time, whole_demo):
    ola = whole_demo["leader"]
    overdue = action_selectors.agreed(
        Action.objects.filter(
            leader=ola,
            responsible__in=("employee", "both"),
            status__in=("not_started", "in_progress"),
            deadline__lt=timezone.localdate(),
        )
    ).order_by("deadline", "pk")
    # The first the list shows for an employee (if the demo's reminder already sent is on
    # it, take one not reminded this week: a second reminder waits a week).
    action = overdue.select_related("employee").first()
    started = timezone.now()
    task = first_time("overdue-reminder")
    me = task.sign_in(ola)
    page = me.page
    # The home page's card of the overdue actions in the conversations Ola holds.
    me.go(page.get_by_role("link", name="Minn på, gi ny frist eller legg bort"), "overdue")
    row = (
        page.locator("tbody tr", has_text=action.employee.full_name)
        .filter(has_text=action.deadline.strftime("%d.%m.%Y"))
        .filter(has=page.get_by_role("link", name=action.text))
        .first
    )
    remind = row.get_by_role("button", name=re.compile("^Minn på"))
    assert remind.count(), "“Minn på” on the overdue action's row"
    me.click(remind)  # in place or with a page load: counted either way
    expect(page.locator("main")).to_contain_text("Påminnet")
    me.look("reminded")

    assert OutboundEmail.objects.filter(to=action.employee, created_at__gte=started).exists()
    task.finish()


# 8 ---------------------------------------------------------------------------------------


def test_leaders_leader_view(first_time, whole_demo):
    ingrid = whole_demo["leaders_leader"]
    below = ["Barnetrinnet", "Ungdomstrinnet"]
    task = first_time("leaders-leader-view")
    me = task.sign_in(ingrid)

    # On her home page: each unit below her with its figures.
    table = me.page.locator("table", has=me.page.locator("th", has_text="Mangler samtale")).first
    headers = table.locator("thead th").all_inner_texts()
    assert "Tiltak forfalt" in headers
    for unit in below:
        assert table.locator("tbody tr", has_text=unit).count() == 1
    task.finish()


# 9 ---------------------------------------------------------------------------------------


def test_new_round(first_time, whole_demo):
    lise = whole_demo["hr"]
    task = first_time("new-round")
    me = task.sign_in(lise)
    page = me.page
    me.go(page.locator("header").get_by_role("link", name="Samtalerunder"), "rounds")
    me.go(page.get_by_role("link", name="Ny runde"), "round-new")
    name = f"Medarbeidersamtaler {timezone.localdate().year + 1} – Helse og omsorg"
    me.fill(page.get_by_label("Navn"), name)
    end = timezone.localdate() + timedelta(days=120)
    me.fill(page.get_by_label("Frist", exact=True), end.strftime("%d.%m.%Y"))
    me.choose(page.get_by_label("Mal"), label="Medarbeidersamtale – skjema med 8 tema")
    me.tick(page.get_by_label("Helse og omsorg", exact=True))
    me.go(page.get_by_role("button", name="Opprett runden"), "round")

    created = Round.objects.get(name=name)
    assert created.participants.filter(included=True, person__unit__code__startswith="51").exists()
    task.finish()


# 10 --------------------------------------------------------------------------------------


def test_satisfaction_and_shared_needs(first_time, whole_demo):
    lise = whole_demo["hr"]
    new = Need.objects.get(status=Need.Status.NEW)
    last_year = str(timezone.localdate().year - 1)
    task = first_time("satisfaction-and-needs")
    me = task.sign_in(lise)
    page = me.page
    # On her home page: last year's published satisfaction, its year named, and the new
    # shared needs, each a link.
    figure = page.locator("li.satisfaction").inner_text()
    assert re.search(r"\d,\d", figure) and last_year in figure
    me.go(page.locator("li.new-needs").get_by_role("link", name=new.text[:40]), "need")
    me.choose(page.get_by_label("Status", exact=True), label="Til vurdering")
    me.go(page.get_by_role("button", name="Lagre status"), "need-considered")

    new.refresh_from_db()
    assert new.status == Need.Status.CONSIDERING
    task.finish()


# 11 --------------------------------------------------------------------------------------


def test_data_copy(first_time, whole_demo):
    lise, kari = whole_demo["hr"], whole_demo["employee"]
    task = first_time("data-copy")
    hr = task.sign_in(lise)
    page = hr.page
    hr.go(page.get_by_role("link", name="Personer").first, "people")
    hr.fill(page.get_by_role("searchbox"), kari.full_name)
    hr.go(page.get_by_role("button", name="Søk"), "people-found")
    hr.go(page.locator("main").get_by_role("link", name=kari.full_name), "person")
    hr.go(page.get_by_role("link", name="Send personen en innsynskopi"), "copy-request")
    hr.tick(page.get_by_label("Personen ba om det skriftlig"))
    hr.fill(page.get_by_label("Hvordan og når personen ba om det"), "Ba om det på e-post i dag.")
    hr.go(page.get_by_role("button", name="Send kopien til personen"), "copy-requested")
    copy = AccessCopy.objects.get(person=kari)

    # Kari's home page says the copy waits, and downloads it.
    me = task.sign_in(kari)
    card = me.page.locator("li.copy-waiting")
    assert "En kopi av opplysningene dine venter på deg" in card.inner_text()
    got = me.download(card.get_by_role("link", name="Last ned kopien"))

    with zipfile.ZipFile(got.path()) as archive:
        assert "data.json" in archive.namelist()
    copy.refresh_from_db()
    assert copy.delivered_at is not None
    task.finish()


# 12 --------------------------------------------------------------------------------------


def test_archive_queue(first_time, whole_demo):
    berit = whole_demo["archive"]
    waiting = Delivery.objects.filter(status=Delivery.Status.WAITING).count()
    assert waiting
    task = first_time("archive-queue")
    me = task.sign_in(berit)
    page = me.page
    # The home page's card says how many forms wait, and leads to them.
    card = page.locator("li.archive-open")
    assert "skjema venter på deg" in card.inner_text()
    me.go(card.get_by_role("link", name="Til skjemaene for personalmappen"), "queue")
    first = page.locator("main tbody tr").first
    assert "Last ned pakken og registrer den i arkivsystemet" in first.inner_text()
    package = me.download(first.get_by_role("link", name="Noark 5-pakke"))
    with zipfile.ZipFile(package.path()) as archive:
        assert "arkivstruktur.xml" in archive.namelist()
    me.go(first.get_by_role("button", name="Registrert i arkivet"), "registered")

    assert Delivery.objects.filter(status=Delivery.Status.WAITING).count() == waiting - 1
    task.finish()


# 13 --------------------------------------------------------------------------------------


def _pick(hand: Hand, field: str, text: str, option: str) -> None:
    """A searching picker (core.pickers): type, then choose from what it found."""
    page = hand.page
    with page.expect_response(lambda r: "/velg/" in r.url):
        hand.type_in(page.locator(f"#id_{field}"), text)
    hand.click(page.locator(f"#id_{field}_list u-option", has_text=option).first)
    page.wait_for_function(f"() => document.querySelector('input[name={field}]').value !== ''")


def test_new_employee(first_time, whole_demo):
    nils, ola = whole_demo["admin"], whole_demo["leader"]
    task = first_time("new-employee")
    me = task.sign_in(nils)
    page = me.page
    me.go(page.get_by_role("link", name="Personer").first, "people")
    me.go(page.get_by_role("link", name="Legg til en person"), "person-new")
    me.fill(page.get_by_label("Fornavn"), "Hedda")
    me.fill(page.get_by_label("Etternavn"), "Rustad")
    me.fill(page.get_by_label("E-post"), "hedda.rustad@fjordvik.example")
    me.fill(page.get_by_label("Stilling (valgfritt)"), "Lærer")
    _pick(me, "unit", "Team 1", "Team 1.–4. trinn")
    _pick(me, "manager", "Ola", ola.full_name)
    me.fill(page.get_by_label("Startdato (valgfritt)"), timezone.localdate().strftime("%d.%m.%Y"))
    me.go(page.get_by_role("button", name="Lagre"), "person")

    hedda = Person.objects.get(email="hedda.rustad@fjordvik.example")
    assert hedda.manager == ola and hedda.unit.code == "4211"
    task.finish()
