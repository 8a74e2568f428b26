"""The leader's list of their employees says, for each, where their conversation stands: the
one that is on by its status and time, linked; else when the last was signed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import formats, timezone

from samtale.conversations.services import lifecycle
from testkit.people import goals_version, signed_conversation


def _row(body: str, name: str) -> str:
    start = body.index(name, body.index('id="reports-heading"'))
    return body[start : body.index("</tr>", start)]


def test_each_employee_has_their_conversation_in_the_list(client_for, people):
    version = goals_version()
    signed = signed_conversation(people.employee, people.leader, version=version)
    body = client_for("leader").get(reverse("home")).content.decode()
    signed_day = formats.date_format(timezone.localtime(signed.signed_at), "SHORT_DATE_FORMAT")
    assert f"Sist signert {signed_day}" in _row(body, people.employee.full_name)

    at = timezone.now().replace(microsecond=0) + timedelta(days=5)
    planned = lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        scheduled_at=at,
        place="Rom 1",
    )
    body = client_for("leader").get(reverse("home")).content.decode()
    mine = _row(body, people.employee.full_name)
    assert f'href="{reverse("conversation_detail", args=[planned.pk])}"' in mine
    day = formats.date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")
    assert "Planlagt" in mine and day in mine
