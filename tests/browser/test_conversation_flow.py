"""A whole conversation in two browsers: the leader's laptop and the employee's phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations import demo as conversations_demo
from samtale.conversations.models import Conversation, Feedback, Note
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.org import demo as org_demo

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(transactional_db):
    # The browser tests' flush empties the tables the migrations filled.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    logins = org_demo.load(password=PASSWORD)
    conversations_demo.load()
    return logins


def _submit(page, selector):
    """Click a form's button and wait for the page it leads to (forms may save texts first)."""
    with page.expect_navigation():
        page.click(selector)


def _saved(visitor, textarea_id):
    # data-kind="ok" only after the server confirmed; "Ikke lagret …" also contains the word.
    visitor.page.locator(f"#{textarea_id}-status[data-kind=ok]").wait_for()


def test_a_conversation_from_plan_to_signature_and_feedback(visitor_factory, demo):
    leader = visitor_factory("flow-leader")
    employee = visitor_factory("flow-employee", width=390, height=844)
    leader.login(demo["leader"].email, PASSWORD)
    employee.login(demo["employee"].email, PASSWORD)

    # The leader plans and invites.
    leader.goto("/samtaler/ny/")
    leader.check("plan")
    page = leader.page
    page.select_option(
        "#id_employee",
        label=page.locator("#id_employee option", has_text="Kari Nilsen").inner_text(),
    )
    page.select_option("#id_guide", label="Medarbeidersamtale – skjema med 8 tema")
    day = timezone.localdate() + timedelta(days=10)
    page.fill("#id_date", day.strftime("%d.%m.%Y"))
    # 15:30: clear of the demo's conversations (09:00 and 13:00), so nobody is double-booked.
    page.fill("#id_time", "15:30")
    page.fill("#id_place", "Møterom 2")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/samtaler/\d+/$"))
    conversation = Conversation.objects.latest("pk")
    base = f"/samtaler/{conversation.pk}"
    leader.check("detail-planned")
    _submit(page, f"form[action='{base}/inviter/'] button")
    assert Conversation.objects.get(pk=conversation.pk).status == "invited"

    # The employee prepares on the phone and shares.
    employee.goto(f"{base}/forberedelse/")
    employee.check("preparation-empty")
    employee.page.fill("#note-motivasjon", "Jeg trives, men savner mer tid til planlegging.")
    _saved(employee, "note-motivasjon")
    employee.page.fill("#note-kompetanseutvikling", "Ønsker kurs i det nye fagsystemet.")
    _saved(employee, "note-kompetanseutvikling")
    employee.check("preparation-written")
    _submit(employee.page, f"form[action='{base}/forberedelse/del/'] button")
    assert Conversation.objects.get(pk=conversation.pk).status == "prepared"

    # The leader prepares: the private checklist, a note, and shares.
    leader.goto(f"{base}/forberedelse/")
    assert "savner mer tid til planlegging" in page.content()
    page.check("#q0")
    page.locator("#questions-status").filter(has_text="Lagret").wait_for()
    page.fill("#note-arbeidsplassens-mal", "Lesing på alle trinn.")
    _saved(leader, "note-arbeidsplassens-mal")
    leader.check("preparation-leader")
    _submit(page, f"form[action='{base}/forberedelse/del/'] button")

    # The meeting: talk time, themes covered, a goal, the closing steps.
    leader.goto(f"{base}/mote/")
    leader.check("meeting")
    page.click("button[data-speaker=leader]")
    page.wait_for_timeout(1200)
    page.click("button[data-speaker=employee]")
    page.wait_for_timeout(2300)
    page.click("button[data-speaker='']")
    assert "Leder" in page.locator(".talk-text").inner_text()
    page.check("#cover-motivasjon")
    page.locator("#cover-motivasjon-status").filter(has_text="Lagret").wait_for()
    goals = page.locator("#goals")
    goals.locator("#id_text").fill("Bli trygg i det nye fagsystemet")
    goals.locator("#id_action_text").fill("Delta på kurs i januar")
    goals.locator("#id_deadline").fill((day + timedelta(days=60)).strftime("%d.%m.%Y"))
    goals.locator("button[type=submit]").last.click()
    page.locator("#goals td[data-label]", has_text="Delta på kurs i januar").first.wait_for()
    for step in (1, 2, 3):
        page.check(f"#step-{step}")
        page.locator(f"#step-{step}-status").filter(has_text="Lagret").wait_for()
    leader.check("meeting-done")
    page.click(f"form[action='{base}/mote/avslutt/'] button")
    page.wait_for_url(f"**{base}/oppsummering/")
    held = Conversation.objects.get(pk=conversation.pk)
    assert held.status == "held"
    assert held.talk_leader_seconds >= 1 and held.talk_employee_seconds >= 2
    assert held.closing_steps == [1, 2, 3]

    # The employee writes the summary and sends it.
    employee.goto(f"{base}/oppsummering/")
    employee.page.fill("#summary-text", "Vi snakket om arbeidsmengde og kompetanse. Kurs i januar.")
    _saved(employee, "summary-text")
    employee.page.check("input[name=conclusion][value=actions]")
    _submit(employee.page, f"form[action='{base}/oppsummering/konklusjon/'] button")
    employee.check("summary-draft")
    _submit(employee.page, f"form[action='{base}/oppsummering/send/'] button")

    # The leader reads, approves and signs; then the employee signs.
    leader.goto(f"{base}/oppsummering/")
    assert "Kurs i januar." in page.content()
    leader.check("summary-review")
    _submit(page, f"form[action='{base}/oppsummering/godkjenn/'] button")
    _submit(page, f"form[action='{base}/signer/'] button")
    employee.goto(f"{base}/oppsummering/")
    _submit(employee.page, f"form[action='{base}/signer/'] button")
    signed = Conversation.objects.get(pk=conversation.pk)
    assert signed.status == "signed"
    employee.check("summary-signed")

    # Asked once how it was.
    employee.page.check("input[name=rating][value='4']")
    _submit(employee.page, "#tilbakemelding button[type=submit]:not([name])")
    assert Feedback.objects.get(conversation=conversation).rating == 4
    assert employee.page.locator("#tilbakemelding").count() == 0
    employee.check("summary-after-feedback")


def test_two_tabs_editing_the_same_note_get_a_conflict_not_a_lost_edit(
    visitor_factory, demo, browser, live_server
):
    conversation = Conversation.objects.get(employee=demo["employee"], status="invited")
    url = f"/samtaler/{conversation.pk}/forberedelse/"
    key = conversation.guide_version.themes[0]["key"]
    first = visitor_factory("conflict-tab-1")
    first.login(demo["employee"].email, PASSWORD)
    # A second tab in the same browser session.
    second_page = first.page.context.new_page()
    first.goto(url)
    second_page.goto(live_server.url + url)
    first.page.fill(f"#note-{key}", "Skrevet i første fane")
    _saved(first, f"note-{key}")
    second_page.fill(f"#note-{key}", "Skrevet i andre fane")
    conflict = second_page.locator(".conflict")
    conflict.wait_for()
    assert "Skrevet i første fane" in conflict.inner_text()
    conflict.locator("button").first.click()  # keep my text
    second_page.locator(f"#note-{key}-status[data-kind=ok]").wait_for()
    assert (
        Note.objects.get(preparation__conversation=conversation, theme_key=key).text
        == "Skrevet i andre fane"
    )
