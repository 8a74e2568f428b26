"""The ten tasks of issue 61, the moments around the conversation, done as a first-time user
does them, and what each took.

As tests/browser/test_first_time_tasks.py: each test signs in as the demo person who would
do the task, starts on their home page and from there only follows what the screen shows
(links and buttons found by their text or role, never an address typed in); a `Task`
(tests/browser/first_time.py) counts the page loads, the htmx partial loads and the actions,
and measures every page at 390 px: the tallest, and the tallest with no way in. (Before
issue 61 two of the tasks could not be finished: the tests then went as far as a first-time
user got and said where they stopped, `Task.stop`.) The figures are printed and kept in
test-results/first-time-tasks.json; docs/developing/first-time-tasks.md keeps the table,
before and after issue 61.

The tasks, who does each and what it ends in, and what each may take:
tests/browser/moments_catalogue.py.
"""

import re
import time
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samtale.actions.models import Goal
from samtale.archive.models import Delivery
from samtale.conversations.models import Conversation, Note, TimeProposal
from samtale.notifications.models import OutboundEmail
from samtale.org import services as org_services
from samtale.org.models import Person
from tests.browser.conftest import Visitor
from tests.browser.first_time import Hand, Task, tasks_kept
from tests.browser.laptop import Laptop
from tests.browser.moments_catalogue import (
    BUDGETS,
    COMMANDS,
    moments_demo_loaded,
    nordvik_demo_loaded,
)


@pytest.fixture
def whole_demo(transactional_db, request):
    """The demo as `manage.py demo_data` loads it (moments_catalogue.moments_demo_loaded)."""
    return moments_demo_loaded(request)


@pytest.fixture
def moment(visitor_factory):
    """moment("key") -> the Task for BUDGETS["key"], every page measured at 390 px too. Its
    figures are printed and kept whether it was completed or not."""
    yield from tasks_kept(BUDGETS, visitor_factory, phone_pages=True)


def _card(hand: Hand, name: str):
    """The home page's card for the conversation with `name`."""
    return hand.page.locator("main li", has_text=f"Samtale med {name}")


# 1 ---------------------------------------------------------------------------------------


def test_nynorsk_on_a_phone(moment, whole_demo):
    kari = whole_demo["employee"]
    conversation = Conversation.objects.get(employee=kari, status="invited")
    task = moment("nynorsk-on-a-phone")
    me = task.sign_in(kari, phone=True)
    page = me.page
    # The footer's language: nynorsk, "Bytt".
    me.choose(page.locator("footer").get_by_label("Språk"), value="nn")
    me.go(page.locator("footer").get_by_role("button", name="Bytt"), "nynorsk")
    assert page.locator("html").get_attribute("lang") == "nn"
    statement = page.locator("footer a").first.inner_text()
    if statement != "Tilgjengelegheitserklæring":
        task.stumble(f"the footer's nynorsk: “{statement}”")
    me.go(
        _card(me, conversation.leader.full_name).get_by_role("link", name="Førebu deg"),
        "preparation",
    )
    note = "Eg vil gjerne lære meir om vurdering for læring."
    me.fill(page.locator("#tema-kompetanseutvikling").get_by_role("textbox"), note)
    me.visitor.wait_saved("note-kompetanseutvikling")
    me.look("note-written")

    kari.refresh_from_db()
    assert kari.language == "nn"
    assert Note.objects.filter(
        preparation__conversation=conversation, preparation__author=kari, text=note
    ).exists()
    task.finish()


# 2 ---------------------------------------------------------------------------------------


def test_shared_note_withdrawn(moment, whole_demo):
    shared = (
        Note.objects.filter(
            shared_at__isnull=False,
            preparation__conversation__status="prepared",
            preparation__author__email="frode.johansen@fjordvik.example",
        )
        .select_related("preparation__conversation__leader", "preparation__author")
        .get()
    )
    frode = shared.preparation.author
    conversation = shared.preparation.conversation
    task = moment("shared-note-withdrawn")
    me = task.sign_in(frode, phone=True)
    page = me.page
    me.go(
        _card(me, conversation.leader.full_name).get_by_role("link", name="Forbered deg"),
        "preparation",
    )
    # The index marks the shared note, with "Slutt å dele dette notatet" beside it.
    line = page.locator(f"#index-{shared.theme_key}")
    expect(line).to_contain_text("Delt")
    me.click(line.get_by_role("button", name=re.compile("^Slutt å dele")))
    expect(page.locator(f"#index-{shared.theme_key}")).to_contain_text("Privat")
    expect(page.locator(f"#tema-{shared.theme_key}")).to_contain_text("Privat")
    me.look("withdrawn")

    shared.refresh_from_db()
    assert shared.shared_at is None
    task.finish()


# 3 ---------------------------------------------------------------------------------------


def _team_handed_over(whole_demo) -> tuple[Person, Conversation]:
    """Nils, the administrator, makes Silje the line manager of Team 5.–7. trinn, Ola's until
    now, as the person form does; the conversation that moved to her without a time."""
    nils, ola = whole_demo["admin"], whole_demo["leader"]
    silje = Person.objects.get(employee_number="10003")
    for person in Person.objects.filter(unit__code="4212", manager=ola, is_active=True):
        org_services.person_update(actor=nils, person=person, manager=silje)
    moved = (
        Conversation.objects.filter(leader=silje, employee__unit__code="4212", scheduled_at=None)
        .exclude(status="cancelled")
        .select_related("employee")
        .order_by("employee__last_name", "pk")
        .first()
    )
    assert moved is not None
    return silje, moved


def _free_time_saved(task: Task, me: Hand) -> None:
    """On the time page: the first time both are free is filled in, "Lagre" (1 load, 1);
    if that is refused, one of the other free times, one click each."""
    page = me.page
    assert page.get_by_label(re.compile("^Dato")).input_value(), "a free time is filled in"
    me.go(page.locator("main").get_by_role("button", name="Lagre", exact=True), "time-saved")
    for other in (1, 2):
        if "/tid/" not in page.url:
            break
        task.stumble("the free time filled in was refused")
        me.go(page.locator("main button[name=suggested]").nth(other), "time-saved")


def test_team_taken_over(moment, whole_demo):
    silje, moved = _team_handed_over(whole_demo)
    task = moment("team-taken-over")
    me = task.sign_in(silje)
    page = me.page
    # The home page's hand-over card: who came to her, and "Sett en tid" on the conversation
    # that moved without a time.
    card = page.locator(".handed-over")
    assert "nye medarbeidere har kommet til deg" in card.inner_text()
    row = card.locator(".handed-over-person", has_text=moved.employee.full_name)
    assert "fra Ola Berg" in row.inner_text()
    me.go(row.get_by_role("link", name=re.compile("^Sett en tid")), "time")
    _free_time_saved(task, me)

    moved.refresh_from_db()
    assert moved.scheduled_at is not None and moved.leader == silje
    task.finish()


# 4 ---------------------------------------------------------------------------------------


def to_the_meeting(me, name: str) -> None:
    """From the leader's home to the meeting of the conversation with `name`: the card's own
    link to it, else the conversation and its "Møtet"."""
    page = me.page
    card = _card(me, name)
    meeting = card.get_by_role("link", name=re.compile("^(Møtet|Hold samtalen|Til møtet)"))
    if meeting.count():
        me.go(meeting.first, "meeting")
    else:
        me.go(card.get_by_role("link", name="Åpne samtalen"), "conversation")
        me.go(page.get_by_role("link", name="Møtet", exact=True).last, "meeting")


def test_unit_goals_linked(moment, whole_demo):
    ola, kari = whole_demo["leader"], whole_demo["employee"]
    conversation = Conversation.objects.get(employee=kari, status="invited")
    task = moment("unit-goals-linked")
    me = task.sign_in(ola)
    page = me.page
    to_the_meeting(me, kari.full_name)
    goals = page.locator("#goals")
    me.fill(goals.get_by_label("Mål", exact=True), "Alle elevene leser godt innen 4. trinn")
    serves = goals.get_by_label("Tjener")
    if serves.count():  # chosen with the goal
        me.choose(serves.first, index=1)
    me.click(goals.get_by_role("button", name="Legg til målet"))
    expect(page.locator("#goals table")).to_contain_text("Alle elevene leser godt")
    goal = Goal.objects.get(conversation=conversation, text__startswith="Alle elevene")
    if goal.serves_id is None:
        select = page.locator(f"#serves-{goal.pk}")
        unit_goal = select.locator("option").nth(1).inner_text()
        me.choose(select, label=unit_goal)
        expect(page.locator(f"#serves-{goal.pk}-status")).to_contain_text("Lagret")
    me.look("goal-serves")

    goal.refresh_from_db()
    assert goal.serves_id is not None
    task.finish()


# 5 ---------------------------------------------------------------------------------------


def test_round_chased(moment, whole_demo):
    lise = whole_demo["hr"]
    started = timezone.now()
    task = moment("round-chased")
    me = task.sign_in(lise)
    page = me.page
    # HR's home names the open round with leaders behind, and links straight to them.
    card = page.locator("main .rounds-behind")
    expect(card).to_contain_text("ligger etter")
    me.go(card.get_by_role("link", name="Se hvem og minn dem på").first, "round-behind")
    assert "Ligger etter" in me.main()
    remind = page.get_by_role("button", name="Minn på lederne")
    me.go(remind, "reminded")
    expect(page.locator("main")).to_contain_text("Påminnet")

    assert OutboundEmail.objects.filter(kind="behind_reminder", created_at__gte=started).exists()
    task.finish()


# 6 ---------------------------------------------------------------------------------------


def test_union_representative(moment, whole_demo):
    jonas = Person.objects.get(employee_number="10005")
    own = jonas.unit.name  # Ungdomstrinnet
    task = moment("union-representative")
    me = task.sign_in(jonas)
    page = me.page
    own_plan = page.locator("main").get_by_role("link", name=re.compile(f"din enhet, {own}"))
    if own_plan.count():
        me.go(own_plan, "plan-own-unit")
    else:
        me.go(page.locator("main").get_by_role("link", name="Kompetanseplan"), "plan")
    heading = page.locator("main h2, main h3").filter(has_text=own)
    if not heading.count():
        me.choose(page.get_by_label("Enhet", exact=True), label=own)
        me.go(page.locator("main").get_by_role("button", name="Vis"), "plan-own-unit")
    text = me.main()
    assert own in text
    # Each figure is shown, or withheld with the reason: how few, and the minimum.
    withheld = "Skjult" in text or "For få" in text
    if withheld:
        assert re.search(r"minst \d", text), text
    task.finish()


# 7 ---------------------------------------------------------------------------------------


def test_failed_delivery(moment, whole_demo):
    berit = whole_demo["archive"]
    failed = Delivery.objects.select_related("form").get(status=Delivery.Status.FAILED)
    task = moment("failed-delivery")
    me = task.sign_in(berit)
    page = me.page
    card = page.locator("main li", has_text=re.compile("feilet|venter på deg"))
    feilet = card.get_by_role("link", name=re.compile("feilet", re.I))
    if feilet.count():
        me.go(feilet.first, "failed")
    else:
        me.go(card.get_by_role("link", name=re.compile("^Til skjemaene")), "queue")
        me.go(page.get_by_role("link", name=re.compile(r"^Feilet \(1\)")), "failed")
    row = page.locator("main tbody tr").filter(has_text="Feilet").first
    me.go(row.get_by_role("button", name=re.compile("^Prøv igjen")), "tried-again")
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.WAITING, failed.status
    if not page.locator(f"main a[href$='/{failed.form_id}/pakke.zip']").count():
        # The form is among those waiting now: the page says so, with a link to them (issue
        # 72; before, only "Prøvd igjen: venter." and the tab "Venter (12)").
        there = page.locator("main [role=status]").get_by_role("link", name=re.compile("^Se den"))
        if not there.count():
            there = page.locator("main").get_by_role("link", name=re.compile(r"^Venter \("))
        said = page.locator("main [role=status]").all_inner_texts()
        me.go(there, "waiting")
    else:
        said = []
    # Its row (the test knows it by its package's address; Berit by the name and the date).
    row = page.locator(f"main tbody tr:has(a[href$='/{failed.form_id}/pakke.zip'])")
    if any("ikke gjøre mer" in s for s in said) and "Last ned pakken" in row.inner_text():
        task.stumble(
            "the retry says “Du trenger ikke gjøre mer”; its row, to download and register"
        )
    package = me.download(row.get_by_role("link", name=re.compile("Noark 5-pakke")).first)
    with zipfile.ZipFile(package.path()) as archive:
        assert "arkivstruktur.xml" in archive.namelist()
    if re.fullmatch(r"[0-9a-f-]{36}\.zip", package.suggested_filename):
        task.stumble(f"the package is named {package.suggested_filename}")
    me.go(row.get_by_role("button", name=re.compile("^Registrert i arkivet")), "registered")

    failed.refresh_from_db()
    assert failed.status == Delivery.Status.DELIVERED
    task.finish()


# 8 ---------------------------------------------------------------------------------------


@pytest.fixture
def laptop(tmp_path):
    made = []

    def make(task: Task) -> Laptop:
        made.append(Laptop(tmp_path / "laptop", task))
        return made[-1]

    yield make
    for one in made:
        one.close()


def test_municipality_added(moment, laptop, browser, transactional_db):
    task = moment("municipality-added")
    here = laptop(task)
    # docs/running/tenants.md, "A third municipality on a laptop, command by command", with
    # `make run` running: its commands after `tenants migrate` ("nothing to do after make run").
    make = here.make
    done = here.run(
        f"""{make} manage ARGS="tenants create sorvik --name 'Sørvik kommune' --host """
        """sorvik.localhost --set DEFAULT_FROM_EMAIL='Sørvik kommune <samtale@sorvik.example>'" """
    )
    assert done.returncode == 0, done.stderr
    assert f"at http://sorvik.localhost:{here.port}" in done.stdout, done.stdout
    # Her password typed twice at the prompt; here given as createsuperuser reads it unasked.
    admin = here.run(
        f'{make} manage ARGS="tenants run sorvik -- createsuperuser --email '
        'anne.dahl@sorvik.example --first_name Anne --last_name Dahl --noinput"',
        DJANGO_SUPERUSER_PASSWORD="sørvik-første-2026",
    )
    assert admin.returncode == 0, admin.stderr
    listed = here.run(f'{make} manage ARGS="tenants list"')
    assert re.search(rf"Sørvik kommune\s+http://sorvik.localhost:{here.port}", listed.stdout), (
        listed.stdout
    )

    # The first administrator signs in at the municipality's address (served within 10 s).
    base = f"http://sorvik.localhost:{here.port}"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    context.set_default_timeout(20_000)
    try:
        visitor = Visitor(context.new_page(), base, "first-time-municipality-added-anne")
        # Chromium may ask an address it has not seen before for /favicon.ico before it reads
        # the page's own icon link (/static/favicon.svg); the dev server has no such file.
        visitor.expect_console_errors("/favicon.ico")
        anne = Hand(task, visitor, "Anne")
        task.hands.append(anne)
        deadline = time.monotonic() + 30
        while True:
            response = visitor.goto("/logg-inn/")
            if response.status == 200 or time.monotonic() > deadline:
                break
            task.loads -= 1  # not served yet: the operator waits, as the docs say
            task.path.pop()
            time.sleep(1)
        assert response.status == 200
        anne.look("sign-in")
        anne.fill(visitor.page.get_by_label("E-post"), "anne.dahl@sorvik.example")
        anne.fill(visitor.page.get_by_label("Passord"), "sørvik-første-2026")
        anne.go(visitor.page.locator("main button[type=submit]"), "home")
        assert visitor.page.url == base + "/"
        assert "Anne" in anne.main() and "administrator" in anne.main()
        task.finish()
    finally:
        context.close()
    commands, shortest = COMMANDS["municipality-added"]
    assert task.commands <= commands, here.outputs


# 9 ---------------------------------------------------------------------------------------


@pytest.fixture
def nordvik(transactional_db):
    return nordvik_demo_loaded()


def test_second_municipality_leader(moment, nordvik):
    per = nordvik["leader"]
    assert per.email.endswith("@nordvik.example")
    waiting = (
        Conversation.objects.filter(leader=per, scheduled_at=None, status="planned")
        .select_related("employee")
        .order_by("employee__last_name", "pk")
        .first()
    )
    task = moment("second-municipality-leader")
    me = task.sign_in(per)
    # His home's card for the conversation without a time: "Velg tid og sted".
    card = _card(me, waiting.employee.full_name)
    me.go(card.get_by_role("link", name=re.compile("^Velg tid")), "time")
    _free_time_saved(task, me)

    waiting.refresh_from_db()
    assert waiting.scheduled_at is not None and waiting.scheduled_at > timezone.now()
    task.finish()


# 10 --------------------------------------------------------------------------------------


def test_another_time_on_a_phone(moment, whole_demo):
    kari = whole_demo["employee"]
    conversation = Conversation.objects.get(employee=kari, status="invited")
    task = moment("another-time-on-a-phone")
    me = task.sign_in(kari, phone=True)
    page = me.page
    started = timezone.now()
    me.go(
        _card(me, conversation.leader.full_name).get_by_role("link", name="Åpne samtalen"),
        "conversation",
    )
    me.go(page.locator("main").get_by_role("link", name="Foreslå et annet tidspunkt"), "propose")
    # The times when both are free: the first, and a word to the leader.
    me.tick(page.locator("input[name=suggested]").first)
    me.fill(page.get_by_label(re.compile("^Melding")), "Eg har vakt den dagen.")
    me.go(page.locator("main").get_by_role("button", name="Send forslaget"), "proposed")
    assert "Du foreslo et annet tidspunkt" in me.main()

    proposal = TimeProposal.objects.get(conversation=conversation)
    assert proposal.closed_at is None and proposal.outcome == ""
    assert OutboundEmail.objects.filter(to=conversation.leader, created_at__gte=started).exists()
    task.finish()
