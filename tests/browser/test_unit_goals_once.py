"""Theme 7 written once (issue 48): a leader with 15 conversations writes the unit's goals
on one page, and every one of the 15 shows them in the theme the leader fills in, without
a key pressed there. The keystrokes are counted in the browser, and printed beside what
writing the same text into each conversation would take."""

from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.services import lifecycle
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.guides.selectors import current_version
from samtale.org.models import Person
from testkit.people import PASSWORD

GOALS = ["Færre avbrudd i undervisningen", "Mer samarbeid om vurdering i teamet"]
# A keystroke: a character typed (one beforeinput each, also for æ, ø and å, which a
# keyboard sends without a key Chromium knows), or a key that types none (Enter, Tab).
COUNT_KEYS = """() => { window.__keys = 0;
  document.addEventListener('beforeinput', (e) => {
    if (e.inputType === 'insertText') window.__keys += 1; }, true);
  document.addEventListener('keydown', (e) => {
    if (e.key.length > 1 && e.key !== 'Unidentified') window.__keys += 1; }, true); }"""


@pytest.fixture
def fifteen(people):
    """The leader's fifteen conversations of the year: the employee's and fourteen more of
    Team 1, planned with the eight-theme form."""
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    version = current_version(Guide.objects.get(key="skjema-8-tema"))
    team = people.employee.unit
    employees = [people.employee] + [
        Person.objects.create(
            email=f"laerer{n}@test.example",
            first_name="Lærer",
            last_name=str(n),
            unit=team,
            manager=people.leader,
        )
        for n in range(14)
    ]
    return [
        lifecycle.conversation_plan(
            actor=people.leader,
            employee=employee,
            leader=people.leader,
            guide_version=version,
            scheduled_at=timezone.now() + timedelta(days=10 + n),
        )
        for n, employee in enumerate(employees)
    ]


def test_theme_7_is_written_once_for_fifteen_conversations(visitor_factory, people, fifteen):
    visitor = visitor_factory("unit-goals-once", width=390, height=844)
    visitor.login(people.leader.email, PASSWORD)
    page = visitor.page
    pressed = 0
    for title in GOALS:
        visitor.goto("/enhetsmal/")
        page.evaluate(COUNT_KEYS)
        page.locator("#id_title").click()
        page.locator("#id_title").evaluate(
            "(el) => el.form.addEventListener('submit', () =>"
            " sessionStorage.setItem('keys', String(window.__keys)))"
        )
        page.keyboard.type(title)
        with page.expect_navigation():
            page.keyboard.press("Enter")  # sends the form
        pressed += len(title) + 1  # counted by the page as well, before it went
        assert page.get_by_text(title).first.is_visible()
        assert page.evaluate("sessionStorage.getItem('keys')") == str(len(title) + 1)
    visitor.check("goals-written")
    for conversation in fifteen:
        visitor.goto(f"/samtaler/{conversation.pk}/mote/")
        page.evaluate(COUNT_KEYS)
        theme = page.locator(".unit-goals")
        for title in GOALS:
            assert title in theme.inner_text(), f"conversation {conversation.pk}"
        assert page.evaluate("window.__keys") == 0
    visitor.check("meeting-shows-them")
    each = sum(len(title) for title in GOALS)
    print(
        f"\ntheme 7 for 15 conversations: {pressed} keystrokes once on the goals page, "
        f"0 in the conversations; written into each it would take 15 x {each} = "
        f"{15 * each} ({15 * each / pressed:.0f}x)"
    )
