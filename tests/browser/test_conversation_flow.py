"""A whole conversation in two browsers: the leader's laptop and the employee's phone."""

import re
from datetime import timedelta

from django.utils import timezone

from samtale.actions.models import Action
from samtale.conversations.models import Conversation, Feedback, Note
from samtale.conversations.services import lifecycle
from samtale.core import holidays
from tests.browser.conftest import DEMO_PASSWORD


def test_a_conversation_from_plan_to_signature_and_feedback(visitor_factory, demo):
    leader = visitor_factory("flow-leader")
    employee = visitor_factory("flow-employee", width=390, height=844)
    leader.login(demo["leader"].email, DEMO_PASSWORD)
    employee.login(demo["employee"].email, DEMO_PASSWORD)
    conversation, day = _leader_plans_and_invites(leader, demo)
    base = f"/samtaler/{conversation.pk}"
    _employee_prepares_and_shares(employee, conversation, base)
    _leader_prepares_and_shares(leader, base)
    _meeting_held(leader, conversation, base, day)
    _summary_sent_back_and_again(leader, employee, base)
    _both_sign(leader, employee, conversation, base)
    _feedback_given(employee, conversation)
    action, later = _correction_asked_for(employee, conversation, base, day)
    _correction_signed(leader, employee, base, action, day)
    _revisions_compared(leader, base, later)


def _leader_plans_and_invites(leader, demo):
    """The leader plans a conversation with Kari and invites her: it, and its day."""
    # The demo has already invited Kari; one open annual conversation at a time, so that
    # one is cancelled first (the plan page would name it and refuse a second).
    lifecycle.conversation_cancel(
        actor=demo["leader"],
        conversation=Conversation.objects.get(employee=demo["employee"], status="invited"),
        reason="Flyttet til en ny samtale",
    )

    # The leader plans and invites.
    leader.goto("/samtaler/ny/")
    leader.check("plan")
    page = leader.page
    # The combobox searches as the leader types, and the choice is kept in a hidden field.
    page.click("#id_employee")
    page.keyboard.type("Nilsen")
    page.locator("u-option", has_text="Kari Nilsen").first.click()
    page.wait_for_function(
        f"() => document.querySelector('input[name=employee]').value === '{demo['employee'].pk}'"
    )
    page.select_option("#id_guide", label="Medarbeidersamtale – skjema med 8 tema")
    day = holidays.working_day(timezone.localdate() + timedelta(days=10))
    page.fill("#id_date", day.strftime("%d.%m.%Y"))
    # 15:30: clear of the demo's conversations (09:00 and 13:00), so nobody is double-booked.
    page.fill("#id_time", "15:30")
    page.fill("#id_place", "Møterom 2")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/samtaler/\d+/$"))
    conversation = Conversation.objects.latest("pk")
    base = f"/samtaler/{conversation.pk}"
    leader.check("detail-planned")
    leader.submit(f"form[action='{base}/inviter/'] button")
    assert Conversation.objects.get(pk=conversation.pk).status == "invited"
    return conversation, day


def _employee_prepares_and_shares(employee, conversation, base):
    """The employee prepares on the phone and shares."""
    employee.goto(f"{base}/forberedelse/")
    employee.check("preparation-empty")
    employee.page.fill("#note-motivasjon", "Jeg trives, men savner mer tid til planlegging.")
    employee.wait_saved("note-motivasjon")
    employee.page.fill("#note-kompetanseutvikling", "Ønsker kurs i det nye fagsystemet.")
    employee.wait_saved("note-kompetanseutvikling")
    employee.check("preparation-written")
    # Share all: the list of what will be shared, then the confirmation.
    employee.submit(f"form[action='{base}/forberedelse/del/'] button")
    employee.check("share-all-list")
    employee.submit("main form[method=post] button[type=submit]")
    assert Conversation.objects.get(pk=conversation.pk).status == "prepared"


def _leader_prepares_and_shares(leader, base):
    """The leader prepares: the private checklist, a note, and shares."""
    page = leader.page
    leader.goto(f"{base}/forberedelse/")
    assert "savner mer tid til planlegging" in page.content()
    page.check("#q0")
    page.locator("#questions-status").filter(has_text="Lagret").wait_for()
    page.fill("#note-arbeidsplassens-mal", "Lesing på alle trinn.")
    leader.wait_saved("note-arbeidsplassens-mal")
    leader.check("preparation-leader")
    leader.submit(f"form[action='{base}/forberedelse/del/'] button")
    leader.submit("main form[method=post] button[type=submit]")


def _meeting_held(leader, conversation, base, day):
    """The meeting: talk time, themes covered, a goal, the closing steps."""
    page = leader.page
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
    goals.locator("#goal-text").fill("Bli trygg i det nye fagsystemet")
    goals.locator("#goal-action_text").fill("Delta på kurs i januar")
    goals.locator("#goal-deadline").fill((day + timedelta(days=60)).strftime("%d.%m.%Y"))
    goals.locator("button[type=submit]").last.click()
    page.locator("#goals td[data-label]", has_text="Delta på kurs i januar").first.wait_for()
    for step in (1, 2, 3):
        page.check(f"#step-{step}")
        page.locator(f"#step-{step}-status").filter(has_text="Lagret").wait_for()
    # Held today, ten days before the day it was planned for: the leader says so up front.
    leader.submit("#hold-now button[type=submit]")
    leader.check("meeting-done")
    page.click(f"form[action='{base}/mote/avslutt/'] button")
    page.wait_for_url(f"**{base}/oppsummering/")
    held = Conversation.objects.get(pk=conversation.pk)
    assert held.status == "held"
    assert held.talk_leader_seconds >= 1 and held.talk_employee_seconds >= 2
    assert held.closing_steps == [1, 2, 3]


def _summary_sent_back_and_again(leader, employee, base):
    """The employee writes the summary and sends it. The leader reads and sends it back with
    a comment; the employee sees why at once, changes the text and sends it again."""
    page = leader.page
    employee.goto(f"{base}/oppsummering/")
    employee.page.fill("#summary-text", "Vi snakket om arbeidsmengde og kompetanse. Kurs i januar.")
    employee.wait_saved("summary-text")
    employee.page.check("input[name=conclusion][value=actions]")
    employee.submit("#summary-draft button:not([formaction])")
    employee.check("summary-draft")
    # The conclusion goes with the send, in the same form as the button.
    employee.submit(f"#summary-draft button[formaction='{base}/oppsummering/send/']")

    leader.goto(f"{base}/oppsummering/")
    assert "Kurs i januar." in page.content()
    leader.check("summary-review")
    page.fill("#summary-comment", "Skriv gjerne hvem som melder deg på kurset.")
    leader.wait_saved("summary-comment")
    leader.submit(f"#summary-review button[formaction='{base}/oppsummering/send-tilbake/']")
    employee.goto(f"{base}/oppsummering/")
    assert "hvem som melder deg på kurset" in employee.page.locator("#kommentarer").inner_text()
    employee.check("summary-sent-back")
    employee.page.fill(
        "#summary-text",
        "Vi snakket om arbeidsmengde og kompetanse. Kurs i januar; lederen melder meg på.",
    )
    employee.wait_saved("summary-text")
    employee.submit(f"#summary-draft button[formaction='{base}/oppsummering/send/']")


def _both_sign(leader, employee, conversation, base):
    """The leader approves and signs; then the employee signs."""
    page = leader.page
    leader.goto(f"{base}/oppsummering/")
    assert "lederen melder meg på" in page.content()
    leader.submit("#summary-review button:not([formaction])")
    leader.page.check("#sign-confirm")
    leader.submit(f"form[action='{base}/signer/'] button")
    employee.goto(f"{base}/oppsummering/")
    employee.page.check("#sign-confirm")
    employee.submit(f"form[action='{base}/signer/'] button")
    signed = Conversation.objects.get(pk=conversation.pk)
    assert signed.status == "signed"
    employee.check("summary-signed")


def _feedback_given(employee, conversation):
    """Asked once how it was."""
    employee.page.check("input[name=rating][value='4']")
    employee.submit("#tilbakemelding button[type=submit]:not([name])")
    assert Feedback.objects.get(conversation=conversation).rating == 4
    assert employee.page.locator("#tilbakemelding").count() == 0
    employee.check("summary-after-feedback")


def _correction_asked_for(employee, conversation, base, day):
    """A correction: asked for with a reason and confirmed on a page of its own; its goals
    changed and sent. Its action, and the action's new deadline as written."""
    action = Action.objects.get(goal__conversation=conversation)
    Action.objects.filter(pk=action.pk).update(status="in_progress")
    employee.page.click(f"a[href='{base}/rettelse/']")
    employee.page.wait_for_url(f"**{base}/rettelse/")
    employee.check("correction-confirm")
    employee.submit("main form button[type=submit]")  # no reason: refused
    assert Conversation.objects.get(pk=conversation.pk).summaries.count() == 1
    employee.page.fill("#id_reason", "Kurset er flyttet til februar.")
    employee.submit("main form button[type=submit]")
    # The conversation stays signed, and its action followed up, while it is agreed.
    assert Conversation.objects.get(pk=conversation.pk).status == "signed"
    assert Action.objects.get(pk=action.pk).followed
    employee.check("correction-draft")
    later = (day + timedelta(days=90)).strftime("%d.%m.%Y")
    employee.page.fill("#id_g0-a0-deadline", later)
    employee.page.fill("#id_g0-new-text", "Øve i testmiljøet")
    employee.submit(f"form[action='{base}/rettelse/mal/'] button[type=submit]")
    assert Action.objects.get(pk=action.pk).deadline == day + timedelta(days=60)
    employee.submit(f"#summary-draft button[formaction='{base}/oppsummering/send/']")

    return action, later


def _correction_signed(leader, employee, base, action, day):
    """The leader reads the correction, approves it and both sign."""
    page = leader.page
    leader.goto(f"{base}/oppsummering/")
    assert "Kurset er flyttet til februar." in page.content()
    assert "Øve i testmiljøet" in page.content()
    leader.check("correction-review")
    leader.submit("#summary-review button:not([formaction])")
    leader.page.check("#sign-confirm")
    leader.submit(f"form[action='{base}/signer/'] button")
    employee.goto(f"{base}/oppsummering/")
    employee.page.check("#sign-confirm")
    employee.submit(f"form[action='{base}/signer/'] button")
    action = Action.objects.get(pk=action.pk)
    assert action.deadline == day + timedelta(days=90) and action.status == "in_progress"
    assert "Kurset er flyttet til februar." in action.updates.last().comment
    assert Action.objects.get(text="Øve i testmiljøet").followed


def _revisions_compared(leader, base, later):
    """The conversation page lists both signed revisions; the comparison shows the change."""
    page = leader.page
    leader.goto(f"{base}/")
    assert page.locator("#revisjoner .revisions > li").count() == 2
    leader.check("detail-two-revisions")
    leader.submit(f"#revisjoner a[href='{base}/revisjoner/']")
    assert later in page.locator("main").inner_text()
    assert "Øve i testmiljøet" in page.locator("main ins").all_inner_texts()
    leader.check("revisions-compared")


def test_two_tabs_editing_the_same_note_get_a_conflict_not_a_lost_edit(
    visitor_factory, demo, browser, live_server
):
    conversation = Conversation.objects.get(employee=demo["employee"], status="invited")
    url = f"/samtaler/{conversation.pk}/forberedelse/"
    key = conversation.guide_version.themes[0]["key"]
    first = visitor_factory("conflict-tab-1")
    first.login(demo["employee"].email, DEMO_PASSWORD)
    # A second tab in the same browser session.
    second_page = first.page.context.new_page()
    first.goto(url)
    second_page.goto(live_server.url + url)
    first.page.fill(f"#note-{key}", "Skrevet i første fane")
    first.wait_saved(f"note-{key}")
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
