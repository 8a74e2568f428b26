"""The profile's step notices: one checkbox per kind, all on by default; the digest stays."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from samtale.actions.jobs import action_digests
from samtale.actions.models import Action
from samtale.conversations import notices
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.conversations.notices import KINDS, LEADERS_ONLY, OUTBOX_KIND
from samtale.conversations.services.summary import summary_submit
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.models import OutboundEmail
from samtale.org.models import Person
from testkit.people import goals_version, signed_conversation


def _checked(body: str, kind: str) -> bool:
    [tag] = [t for t in body.split("<input") if f'value="{kind}"' in t]
    return "checked" in tag.split(">")[0]


def _version() -> GuideVersion:
    return GuideVersion.objects.create(
        guide=Guide.objects.create(), number=1, name={"nb": "Mal"}, themes=[]
    )


def _notices_off(person) -> list[str]:
    return Person.objects.get(pk=person.pk).notices_off


def test_every_notice_is_on_by_default_and_the_page_says_the_digest_stays(client_for):
    response = client_for("leader").get(reverse("profile"))
    body = response.content.decode()
    assert reverse("profile_notices") in body
    for kind in KINDS:
        assert _checked(body, kind), kind
    with override("nb"):
        assert gettext("Notices") in body
    assert 'aria-describedby="notices-help"' in body and 'id="notices-help"' in body


def test_each_checkbox_has_its_own_label(client_for):
    body = client_for("leader").get(reverse("profile")).content.decode()
    for n in range(len(KINDS)):
        assert f'<label for="id_on_{n}">' in body


def test_someone_who_leads_nobody_is_not_offered_the_leaders_notice(client_for, people):
    """Only the leader of a conversation is told the employee shared; the employee's
    profile does not offer it, and saving theirs leaves that setting as it was."""
    Person.objects.filter(pk=people.employee.pk).update(notices_off=["preparation_shared"])
    client = client_for("employee")
    body = client.get(reverse("profile")).content.decode()
    assert 'value="preparation_shared"' not in body
    assert 'value="summary_submitted"' in body
    client.post(reverse("profile_notices"), {"on": ["summary_submitted"]})
    assert _notices_off(people.employee) == [
        "preparation_shared",
        *[k for k in KINDS if k not in (*LEADERS_ONLY, "summary_submitted")],
    ]


def test_unticking_a_kind_turns_it_off_with_a_message(client_for, people):
    client = client_for("leader")
    keep = [k for k in KINDS if k not in ("preparation_shared", "summary_signed")]
    response = client.post(reverse("profile_notices"), {"on": keep}, follow=True)
    assert response.redirect_chain == [(reverse("profile") + "#varsler", 302)]
    assert _notices_off(people.leader) == ["preparation_shared", "summary_signed"]
    body = response.content.decode()
    assert not _checked(body, "preparation_shared") and _checked(body, "summary_submitted")
    with override("nb"):
        assert gettext("Your choice of notices is saved.") in body


def test_ticking_them_again_turns_them_back_on(client_for, people):
    people.leader.notices_off = list(KINDS)
    people.leader.save()
    client_for("leader").post(reverse("profile_notices"), {"on": list(KINDS)})
    assert _notices_off(people.leader) == []


def test_nothing_ticked_turns_every_kind_off(client_for, people):
    client_for("leader").post(reverse("profile_notices"), {})
    assert _notices_off(people.leader) == list(KINDS)


def test_an_unknown_kind_is_refused_and_changes_nothing(client_for, people):
    response = client_for("employee").post(
        reverse("profile_notices"), {"on": ["summary_submitted", "salary"]}, follow=True
    )
    assert _notices_off(people.employee) == []
    with override("nb"):
        assert gettext("Choose among the notices in the list.") in response.content.decode()


def test_the_settings_are_only_posted(client_for):
    assert client_for("employee").get(reverse("profile_notices")).status_code == 405


def test_nobody_sets_anothers_notices(people):
    with pytest.raises(PermissionDenied):
        notices.person_notices_set(actor=people.admin, person=people.employee, off=[])


def test_a_kind_turned_off_in_the_profile_is_not_sent(
    client_for, people, django_capture_on_commit_callbacks, smtp
):
    client_for("leader").post(
        reverse("profile_notices"), {"on": [k for k in KINDS if k != "summary_submitted"]}
    )
    at = timezone.now() - timedelta(days=1)
    version = _version()
    conversation = Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        status=Conversation.Status.HELD,
        scheduled_at=at,
        held_at=at,
    )
    SummaryRevision.objects.create(
        conversation=conversation, number=1, text="Oppsummert.", conclusion="no_actions"
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary_submit(actor=people.employee, conversation=conversation)
    assert not OutboundEmail.objects.filter(kind=OUTBOX_KIND).exists()
    assert smtp.messages == []


def test_the_digest_still_goes_out_when_every_notice_is_off(
    people, django_capture_on_commit_callbacks, smtp
):
    people.employee.notices_off = list(KINDS)
    people.employee.save()
    overdue = timezone.localdate() - timedelta(days=2)
    signed_conversation(
        people.employee,
        people.leader,
        [(overdue, Action.Responsible.EMPLOYEE, Action.Status.IN_PROGRESS)],
        version=goals_version(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        action_digests.call()
    assert len(smtp.to(people.employee.email)) == 1
    assert OutboundEmail.objects.get(to=people.employee).kind == "action_digest"
