"""The leader's comment on the summary, in two browsers: sent, seen by the employee at once,
sent back with, approved with, and still there for both after signing."""

import pytest

from samtale.conversations.models import Conversation, SummaryComment
from samtale.conversations.services import lifecycle, summary
from samtale.guides.models import Guide
from samtale.guides.selectors import current_version
from tests.browser.conftest import DEMO_PASSWORD


@pytest.fixture
def sent(demo):
    """The demo, and a held conversation of Kari's whose summary she has sent to Ola."""
    employee, leader = demo["employee"], demo["leader"]
    # One open annual conversation at a time: the demo's invited one makes way.
    lifecycle.conversation_cancel(
        actor=leader,
        conversation=Conversation.objects.get(employee=employee, status="invited"),
        reason="Holdt på en annen dag",
    )
    c = lifecycle.conversation_plan(
        actor=leader,
        employee=employee,
        leader=leader,
        guide_version=current_version(Guide.objects.get(key="skjema-8-tema")),
    )
    lifecycle.conversation_hold(actor=leader, conversation=c, confirmed=True)
    c = Conversation.objects.get(pk=c.pk)
    summary.summary_save(
        actor=employee, conversation=c, text="Vi snakket om arbeidsmengde.", base_version=0
    )
    summary.summary_conclusion_set(
        actor=employee, conversation=c, conclusion="no_actions", shared_outside=""
    )
    summary.summary_submit(actor=employee, conversation=c)
    return demo, c


def test_the_leaders_comment_reaches_the_employee_and_stays_on_the_record(visitor_factory, sent):
    logins, conversation = sent
    base = f"/samtaler/{conversation.pk}"
    leader = visitor_factory("comments-leader")
    employee = visitor_factory("comments-employee", width=360, height=800)
    leader.login(logins["leader"].email, DEMO_PASSWORD)
    employee.login(logins["employee"].email, DEMO_PASSWORD)
    _comment_reaches_the_employee(leader, employee, base)
    _sent_back_with_a_comment_only(leader, conversation, base)
    _employee_changes_and_sends_again(employee, base)
    _approved_with_a_comment_and_signed(leader, employee, conversation, base)
    _comments_kept_after_signing(leader, employee, base)


def _comment_reaches_the_employee(leader, employee, base):
    """The leader comments; the employee sees it on her next page load."""
    leader.goto(f"{base}/oppsummering/")
    leader.check("review")
    leader.page.fill("#summary-comment", "Kan du ta med kurset vi ble enige om?")
    leader.wait_saved("summary-comment")
    leader.submit(f"#summary-review button[formaction='{base}/oppsummering/kommentar/send/']")
    assert leader.page.locator("#kommentarer").inner_text().count("kurset vi ble enige om") == 1
    assert leader.page.input_value("#summary-comment") == ""
    leader.check("comment-sent")
    employee.goto(f"{base}/oppsummering/")
    assert (
        "Kan du ta med kurset vi ble enige om?"
        in employee.page.locator("#kommentarer").inner_text()
    )
    employee.check("comment-received")


def _sent_back_with_a_comment_only(leader, conversation, base):
    """Sending back without a comment is refused at the comment; with one, it goes back."""
    leader.submit(f"#summary-review button[formaction='{base}/oppsummering/send-tilbake/']")
    leader.page.locator("#summary-review .ds-error-summary").wait_for()
    assert leader.page.get_attribute("#summary-comment", "aria-invalid") == "true"
    assert summary.summary_current(conversation).submitted_at is not None
    leader.page.fill("#summary-comment", "Kurset mangler fortsatt.")
    leader.wait_saved("summary-comment")
    leader.submit(f"#summary-review button[formaction='{base}/oppsummering/send-tilbake/']")
    assert summary.summary_current(conversation).submitted_at is None
    leader.check("sent-back")


def _employee_changes_and_sends_again(employee, base):
    """The employee sees why, changes the text and sends it again."""
    employee.goto(f"{base}/oppsummering/")
    assert "Kurset mangler fortsatt." in employee.page.locator("#kommentarer").inner_text()
    assert employee.page.locator(".ds-alert[data-color=warning]").count() == 1
    employee.check("sent-back-to-me")
    employee.page.fill("#summary-text", "Vi snakket om arbeidsmengde og et kurs i januar.")
    employee.wait_saved("summary-text")
    employee.submit(f"#summary-draft button[formaction='{base}/oppsummering/send/']")


def _approved_with_a_comment_and_signed(leader, employee, conversation, base):
    """The leader approves with a last comment; both sign."""
    leader.goto(f"{base}/oppsummering/")
    leader.page.fill("#summary-comment", "Takk, nå er den god.")
    leader.submit("#summary-review button:not([formaction])")
    leader.page.check("#sign-confirm")
    leader.submit(f"form[action='{base}/signer/'] button")
    employee.goto(f"{base}/oppsummering/")
    employee.page.check("#sign-confirm")
    employee.submit(f"form[action='{base}/signer/'] button")
    assert Conversation.objects.get(pk=conversation.pk).status == "signed"
    kinds = list(
        SummaryComment.objects.filter(revision__conversation=conversation).values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["comment", "sent_back", "approved"]


def _comments_kept_after_signing(leader, employee, base):
    """After signing, every comment is still there for both, on both pages."""
    for visitor in (employee, leader):
        for path, label in (
            (f"{base}/oppsummering/", "signed-summary"),
            (f"{base}/", "signed-detail"),
        ):
            visitor.goto(path)
            text = visitor.page.locator("main").inner_text()
            for said in (
                "Kan du ta med kurset",
                "Kurset mangler fortsatt.",
                "Takk, nå er den god.",
            ):
                assert said in text, (visitor.name, path, said)
            visitor.check(label)
