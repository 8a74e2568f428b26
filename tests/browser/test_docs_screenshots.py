"""The pictures of the user guide (docs/using/): the demo's pages as each role sees them,
checked like every other page (axe, console errors, no sideways scrolling) and kept as
test-results/screenshots/docs/<name>.png. `make docs-screenshots` runs this and copies them
into docs/images/, where the guide shows them."""

import pytest
from django.urls import reverse

from samtale.conversations.models import Conversation
from tests.browser.conftest import DEMO_PASSWORD, SCREENSHOTS

DOCS_SHOTS = SCREENSHOTS / "docs"
PHONE = "employee-preparation-phone"


def _open_conversation(employee) -> Conversation:
    return (
        Conversation.objects.filter(employee=employee)
        .exclude(status__in=Conversation.CLOSED)
        .order_by("scheduled_at")
        .first()
    )


def _signed_conversation(leader) -> Conversation:
    return Conversation.objects.filter(leader=leader, status="signed").order_by("-pk").first()


# (role, name of the picture, the page: a path or a function of the logins to one)
PAGES = [
    ("employee", "employee-home", lambda logins: "/"),
    (
        "employee",
        "employee-preparation",
        lambda logins: reverse("preparation", args=[_open_conversation(logins["employee"]).pk]),
    ),
    ("leader", "leader-home", lambda logins: "/"),
    ("leader", "leader-follow-up", lambda logins: reverse("follow_up")),
    (
        "leader",
        "leader-conversation",
        lambda logins: reverse(
            "conversation_detail", args=[_signed_conversation(logins["leader"]).pk]
        ),
    ),
    ("hr", "hr-home", lambda logins: "/"),
    ("hr", "hr-insight", lambda logins: reverse("status_analysis")),
    ("archive", "archive-queue", lambda logins: reverse("archive_queue")),
    ("admin", "admin-people", lambda logins: reverse("person_list")),
]


@pytest.mark.parametrize(
    "role,name,where", PAGES, ids=[f"{role}-{name}" for role, name, _ in PAGES]
)
def test_the_guide_shows_each_role_its_pages(visitor_factory, demo, role, name, where):
    logins = demo
    visitor = visitor_factory(f"docs-{name}", width=1280, height=800)
    visitor.login(logins[role].email, DEMO_PASSWORD)
    path = where(logins)
    response = visitor.goto(path)
    assert response.status == 200, f"{name}: {path} answered {response.status}"
    visitor.check(name)
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(DOCS_SHOTS / f"{name}.png"))


def test_the_guide_shows_the_preparation_on_a_phone(visitor_factory, demo):
    visitor = visitor_factory("docs-phone", width=390, height=844)
    visitor.login(demo["employee"].email, DEMO_PASSWORD)
    conversation = _open_conversation(demo["employee"])
    assert visitor.goto(reverse("preparation", args=[conversation.pk])).status == 200
    visitor.check("phone-preparation")
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(DOCS_SHOTS / f"{PHONE}.png"))
