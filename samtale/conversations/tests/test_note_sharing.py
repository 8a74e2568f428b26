"""Each note is private until its author shares it, one at a time or all at once, and can
be taken back until the meeting is held (issue 11: per-note sharing)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from samtale.conversations import policy, selectors
from samtale.conversations.models import Conversation, Note, Preparation
from samtale.conversations.services import preparation
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.notifications.models import OutboundEmail

S = Conversation.Status
HTMX = {"HX-Request": "true"}


def _write(conversation, author, theme, text, base_version=0) -> Note:
    return preparation.note_save(
        actor=author, conversation=conversation, theme_key=theme, text=text, base_version=0
    )


def _visible(user, conversation) -> list[str]:
    return sorted(n.text for n in policy.notes_visible_to(user, conversation))


def _fresh(conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def _set_status(conversation, status) -> Conversation:
    Conversation.objects.filter(pk=conversation.pk).update(status=status)
    return _fresh(conversation)


@pytest.fixture(autouse=True)
def _in_english():
    """Services translate their messages when they raise: read them as the msgids."""
    with translation.override("en"):
        yield


def _message(error) -> str:
    return str(error.value.message)


@pytest.fixture
def english(people):
    """The parties read the app in English, so the pages show the msgids."""
    for person in (people.employee, people.leader):
        person.language = "en"
        person.save(update_fields=["language"])


# The services ---------------------------------------------------------------------------


def test_a_note_is_private_until_shared_and_private_again_when_taken_back(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    assert _visible(people.leader, conversation) == []
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    assert _visible(people.leader, conversation) == ["Jeg trives"]
    for outsider in (people.other_leader, people.leaders_leader, people.hr, people.admin):
        assert _visible(outsider, conversation) == []
    preparation.note_unshare(
        actor=people.employee, conversation=_fresh(conversation), theme_key="motivasjon"
    )
    assert _visible(people.leader, conversation) == []
    assert _visible(people.employee, conversation) == ["Jeg trives"]


def test_each_note_is_shared_on_its_own(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Delt")
    _write(conversation, people.employee, "mal-og-tiltak", "Privat")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    assert _visible(people.leader, conversation) == ["Delt"]


def test_what_is_written_in_a_shared_note_afterwards_can_be_read(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Først")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Først og så mer",
        base_version=1,
    )
    assert _visible(people.leader, conversation) == ["Først og så mer"]


@pytest.mark.parametrize("text", [None, "", "  \n "])
def test_an_empty_note_cannot_be_shared(conversation, people, text):
    if text is not None:
        _write(conversation, people.employee, "motivasjon", text)
    with pytest.raises(DomainError) as error:
        preparation.note_share(
            actor=people.employee, conversation=conversation, theme_key="motivasjon"
        )
    assert _message(error) == "Write something in the note before you share it."
    assert not Note.objects.filter(shared_at__isnull=False).exists()
    assert _fresh(conversation).status == S.PLANNED


def test_a_theme_not_in_the_template_is_refused(conversation, people):
    with pytest.raises(DomainError):
        preparation.note_share(actor=people.employee, conversation=conversation, theme_key="lonn")


@pytest.mark.parametrize("status", [S.PLANNED, S.INVITED, S.PREPARED, S.POSTPONED])
def test_a_note_can_be_taken_back_until_the_meeting_is_held(conversation, people, status):
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    conversation = _set_status(conversation, status)
    preparation.note_unshare(
        actor=people.employee, conversation=conversation, theme_key="motivasjon"
    )
    assert Note.objects.get().shared_at is None


@pytest.mark.parametrize("status", [S.HELD, S.SUMMARY_AGREED])
def test_taking_a_note_back_after_the_meeting_is_refused(conversation, people, status):
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    conversation = _set_status(conversation, status)
    with pytest.raises(DomainError) as error:
        preparation.note_unshare(
            actor=people.employee, conversation=conversation, theme_key="motivasjon"
        )
    assert "meeting has been held" in _message(error)
    assert _visible(people.leader, conversation) == ["Jeg trives"]


def test_nothing_is_shared_or_taken_back_once_signed_or_cancelled(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    for status in (S.SIGNED, S.CANCELLED):
        locked = _set_status(conversation, status)
        with pytest.raises(DomainError):
            preparation.note_share(
                actor=people.employee, conversation=locked, theme_key="motivasjon"
            )
        with pytest.raises(DomainError):
            preparation.preparation_share_all(actor=people.employee, conversation=locked)
    assert _visible(people.leader, conversation) == []


def test_the_first_note_the_employee_shares_makes_the_conversation_prepared(conversation, people):
    _write(conversation, people.leader, "motivasjon", "Lederens")
    preparation.note_share(actor=people.leader, conversation=conversation, theme_key="motivasjon")
    assert _fresh(conversation).status == S.PLANNED
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(
        actor=people.employee, conversation=_fresh(conversation), theme_key="motivasjon"
    )
    assert _fresh(conversation).status == S.PREPARED
    # Taking it back does not make the conversation unprepared again.
    preparation.note_unshare(
        actor=people.employee, conversation=_fresh(conversation), theme_key="motivasjon"
    )
    assert _fresh(conversation).status == S.PREPARED


def test_share_all_shares_the_notes_with_text_that_exist_and_none_written_later(
    conversation, people
):
    _write(conversation, people.employee, "motivasjon", "Motivasjon")
    _write(conversation, people.employee, "mal-og-tiltak", "   ")
    shared = preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert [n.theme_key for n in shared] == ["motivasjon"]
    assert _fresh(conversation).status == S.PREPARED
    assert _visible(people.leader, conversation) == ["Motivasjon"]
    # Written after sharing all: private until shared on its own.
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="mal-og-tiltak",
        text="Skrevet etterpå",
        base_version=1,
    )
    assert _visible(people.leader, conversation) == ["Motivasjon"]
    assert Note.objects.get(theme_key="mal-og-tiltak").shared_at is None


def test_share_all_shares_only_the_notes_the_person_saw_listed(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Listet")
    _write(conversation, people.employee, "mal-og-tiltak", "Skrevet i en annen fane")
    preparation.preparation_share_all(
        actor=people.employee, conversation=conversation, theme_keys=["motivasjon"]
    )
    assert _visible(people.leader, conversation) == ["Listet"]


def test_share_all_keeps_the_time_a_note_was_first_shared(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Først delt")
    first = preparation.note_share(
        actor=people.employee, conversation=conversation, theme_key="motivasjon"
    ).shared_at
    _write(conversation, people.employee, "mal-og-tiltak", "Så resten")
    shared = preparation.preparation_share_all(
        actor=people.employee, conversation=_fresh(conversation)
    )
    assert [n.theme_key for n in shared] == ["mal-og-tiltak"]
    assert Note.objects.get(theme_key="motivasjon").shared_at == first


def test_share_all_with_nothing_new_says_so(conversation, people):
    with pytest.raises(DomainError) as error:
        preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert _message(error) == "There is nothing new to share."
    assert _fresh(conversation).status == S.PLANNED


def test_nobody_shares_or_takes_back_someone_elses_note(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Emmas")
    # The leader's share names a theme: it can only ever be the leader's own note there.
    with pytest.raises(DomainError):
        preparation.note_share(
            actor=people.leader, conversation=conversation, theme_key="motivasjon"
        )
    with pytest.raises(DomainError):
        preparation.preparation_share_all(actor=people.leader, conversation=conversation)
    for outsider in (people.other_leader, people.leaders_leader, people.hr, people.admin):
        with pytest.raises(PermissionDenied):
            preparation.note_share(
                actor=outsider, conversation=conversation, theme_key="motivasjon"
            )
        with pytest.raises(PermissionDenied):
            preparation.preparation_share_all(actor=outsider, conversation=conversation)
    assert Note.objects.get().shared_at is None
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    preparation.note_unshare(actor=people.leader, conversation=conversation, theme_key="motivasjon")
    for outsider in (people.other_leader, people.hr, people.admin):
        with pytest.raises(PermissionDenied):
            preparation.note_unshare(
                actor=outsider, conversation=conversation, theme_key="motivasjon"
            )
    assert Note.objects.get().shared_at is not None


def test_sharing_and_taking_back_are_audited_without_content(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Hemmelig innhold")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    preparation.note_unshare(
        actor=people.employee, conversation=_fresh(conversation), theme_key="motivasjon"
    )
    preparation.preparation_share_all(actor=people.employee, conversation=_fresh(conversation))
    entries = AuditEntry.objects.filter(action__in=["note.share", "note.unshare"]).order_by("pk")
    assert [(e.action, e.data["theme"]) for e in entries] == [
        ("note.share", "motivasjon"),
        ("note.unshare", "motivasjon"),
    ]
    everything = AuditEntry.objects.get(action="preparation.share_all")
    assert everything.data["themes"] == ["motivasjon"]
    assert "Hemmelig" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


# The answers to the statements -------------------------------------------------------------


def _answer(conversation, people, value=4):
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=value
    )


def test_share_all_shares_the_answers_given_so_far(conversation, people):
    _answer(conversation, people)
    assert not policy.may_see_likert_answers(people.leader, conversation)
    shared = preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert shared == []
    assert policy.may_see_likert_answers(people.leader, conversation)
    assert _fresh(conversation).status == S.PREPARED


def test_answers_given_after_share_all_stay_private(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Et notat")
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    _answer(conversation, people)
    assert not policy.may_see_likert_answers(people.leader, conversation)


def test_share_all_without_the_answers_listed_leaves_them_private(conversation, people):
    _write(conversation, people.employee, "motivasjon", "Et notat")
    _answer(conversation, people)
    preparation.preparation_share_all(
        actor=people.employee, conversation=conversation, theme_keys=["motivasjon"], answers=False
    )
    assert not policy.may_see_likert_answers(people.leader, conversation)


def test_the_answers_are_shared_and_taken_back_on_their_own(conversation, people):
    with pytest.raises(DomainError):
        preparation.answers_share(actor=people.employee, conversation=conversation)
    _answer(conversation, people)
    with pytest.raises(DomainError):
        preparation.answers_share(actor=people.leader, conversation=conversation)
    preparation.answers_share(actor=people.employee, conversation=conversation)
    assert policy.may_see_likert_answers(people.leader, conversation)
    assert _visible(people.leader, conversation) == []
    preparation.answers_unshare(actor=people.employee, conversation=_fresh(conversation))
    assert not policy.may_see_likert_answers(people.leader, conversation)
    preparation.answers_share(actor=people.employee, conversation=_fresh(conversation))
    held = _set_status(conversation, S.HELD)
    with pytest.raises(DomainError):
        preparation.answers_unshare(actor=people.employee, conversation=held)
    assert policy.may_see_likert_answers(people.leader, held)
    assert not policy.may_see_likert_answers(people.hr, held)


# The leader is told -----------------------------------------------------------------------


def _notices():
    return OutboundEmail.objects.filter(kind="step_notice", ref__step="preparation_shared")


def test_the_leader_gets_one_notice_for_a_burst_of_shares_and_none_for_their_own(
    conversation, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _write(conversation, people.leader, "motivasjon", "Lederens")
        preparation.note_share(
            actor=people.leader, conversation=conversation, theme_key="motivasjon"
        )
        assert not _notices().exists()
        _write(conversation, people.employee, "motivasjon", "En")
        _write(conversation, people.employee, "mal-og-tiltak", "To")
        preparation.note_share(
            actor=people.employee, conversation=_fresh(conversation), theme_key="motivasjon"
        )
        preparation.note_share(
            actor=people.employee, conversation=_fresh(conversation), theme_key="mal-og-tiltak"
        )
        preparation.note_unshare(
            actor=people.employee, conversation=_fresh(conversation), theme_key="mal-og-tiltak"
        )
        preparation.preparation_share_all(actor=people.employee, conversation=_fresh(conversation))
    assert [n.to for n in _notices()] == [people.leader]


# Reads ------------------------------------------------------------------------------------


def test_what_a_party_has_shared_is_counted_never_read(conversation, people):
    _write(conversation, people.employee, "motivasjon", "En")
    _write(conversation, people.employee, "mal-og-tiltak", "To")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    _answer(conversation, people)
    preparation.answers_share(actor=people.employee, conversation=_fresh(conversation))
    state = selectors.sharing_state(conversation=conversation)
    assert state["employee"].notes == 1 and state["employee"].answers_at is not None
    assert not state["leader"].anything
    shared = selectors.preparations_shared().filter(conversation=conversation)
    assert [p.author for p in shared] == [people.employee]


def test_a_party_who_shared_a_note_counts_as_having_shared_for_the_reminder(conversation, people):
    _write(conversation, people.leader, "motivasjon", "Lederens")
    assert not selectors.preparations_shared().exists()
    preparation.note_share(actor=people.leader, conversation=conversation, theme_key="motivasjon")
    assert [p.author for p in selectors.preparations_shared()] == [people.leader]
    assert Preparation.objects.get(author=people.leader).shared_at is None


# The pages --------------------------------------------------------------------------------


def _page(client, conversation, name="preparation") -> str:
    return client.get(reverse(name, args=[conversation.pk])).content.decode()


def test_every_note_on_the_page_says_who_can_read_it(client_for, conversation, people, english):
    _write(conversation, people.employee, "motivasjon", "Delt notat")
    _write(conversation, people.employee, "mal-og-tiltak", "Privat notat")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    body = _page(client_for("employee"), conversation)
    assert body.count("Only you can read this note.") == 1
    assert f"{people.leader.full_name} can read this note." in body
    # Said in text, in a live region, next to a share button per note.
    assert 'id="sharing-motivasjon-state" aria-live="polite"' in body
    assert reverse("note_unshare", args=[conversation.pk, "motivasjon"]) in body
    assert reverse("note_share", args=[conversation.pk, "mal-og-tiltak"]) in body
    # The leader's own theme: the employee writes nothing there, so there is nothing to share.
    assert reverse("note_share", args=[conversation.pk, "prioriterte-mal"]) not in body


def test_the_other_party_reads_only_the_shared_notes(client_for, conversation, people):
    _write(conversation, people.employee, "motivasjon", "Delt notat")
    _write(conversation, people.employee, "mal-og-tiltak", "Privat notat")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    leader = client_for("leader")
    for page in ("preparation", "meeting", "conversation_detail"):
        body = _page(leader, conversation, page)
        assert "Privat notat" not in body, page
    assert "Delt notat" in _page(leader, conversation, "preparation")
    assert "Delt notat" in _page(leader, conversation, "meeting")
    preparation.note_unshare(
        actor=people.employee, conversation=_fresh(conversation), theme_key="motivasjon"
    )
    for page in ("preparation", "meeting"):
        assert "Delt notat" not in _page(leader, conversation, page), page


def test_the_meeting_screen_shows_ones_own_note_only_once_shared(client_for, conversation, people):
    _write(conversation, people.leader, "motivasjon", "Lederens notat")
    leader = client_for("leader")
    assert "Lederens notat" not in _page(leader, conversation, "meeting")
    preparation.note_share(actor=people.leader, conversation=conversation, theme_key="motivasjon")
    assert "Lederens notat" in _page(leader, conversation, "meeting")


def test_the_leader_sees_the_answers_only_while_shared(client_for, conversation, people):
    _answer(conversation, people, value=5)
    leader = client_for("leader")
    assert 'class="answers"' not in _page(leader, conversation)
    preparation.answers_share(actor=people.employee, conversation=conversation)
    body = _page(leader, conversation)
    assert 'class="answers"' in body and "<strong>5</strong>" in body
    preparation.answers_unshare(actor=people.employee, conversation=_fresh(conversation))
    assert 'class="answers"' not in _page(leader, conversation)


def test_htmx_shares_a_note_and_gets_its_control_and_new_state(
    client_for, conversation, people, english
):
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    url = reverse("note_share", args=[conversation.pk, "motivasjon"])
    response = client_for("employee").post(url, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert reverse("note_unshare", args=[conversation.pk, "motivasjon"]) in body
    # The new state goes into the page's live region, so it is announced.
    assert 'hx-swap-oob="innerHTML:#sharing-motivasjon-state"' in body
    assert f"{people.leader.full_name} can read this note." in body
    assert 'id="sharing-motivasjon-button"' in body
    assert Note.objects.get().shared_at is not None

    response = client_for("employee").post(
        reverse("note_unshare", args=[conversation.pk, "motivasjon"]), headers=HTMX
    )
    body = response.content.decode()
    assert "Only you can read this note." in body and url in body
    assert Note.objects.get().shared_at is None


def test_htmx_sharing_an_empty_note_says_why_in_the_fragment(client_for, conversation, english):
    response = client_for("employee").post(
        reverse("note_share", args=[conversation.pk, "motivasjon"]), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in body
    assert "Write something in the note before you share it." in body
    assert "Only you can read this note." in body


def test_without_javascript_sharing_a_note_is_a_form_post_and_a_message(
    client_for, conversation, people, english
):
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    client = client_for("employee")
    response = client.post(reverse("note_share", args=[conversation.pk, "motivasjon"]))
    target = reverse("preparation", args=[conversation.pk]) + "#tema-motivasjon"
    assert response.status_code == 302 and response["Location"] == target
    body = client.get(target).content.decode()
    assert f"{people.leader.full_name} can read this note now." in body
    response = client.post(reverse("note_unshare", args=[conversation.pk, "motivasjon"]))
    assert response.status_code == 302
    assert "Only you can read this note now." in client.get(target).content.decode()


def test_taking_back_after_the_meeting_gets_a_message_and_changes_nothing(
    client_for, conversation, people, english
):
    _write(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    _set_status(conversation, S.HELD)
    client = client_for("employee")
    body = _page(client, conversation)
    assert reverse("note_unshare", args=[conversation.pk, "motivasjon"]) not in body
    assert "The meeting has been held; the note stays shared." in body
    response = client.post(
        reverse("note_unshare", args=[conversation.pk, "motivasjon"]), headers=HTMX
    )
    assert "meeting has been held" in response.content.decode()
    assert Note.objects.get().shared_at is not None


def test_share_all_lists_what_it_will_share_and_shares_only_that(
    client_for, conversation, people, english
):
    _write(conversation, people.employee, "motivasjon", "Skal deles")
    _answer(conversation, people)
    client = client_for("employee")
    url = reverse("preparation_share", args=[conversation.pk])
    body = client.get(url).content.decode()
    assert "Skal deles" in body and "Motivation" in body
    assert 'name="theme" value="motivasjon"' in body and 'name="answers"' in body
    assert Note.objects.get().shared_at is None  # looking at the list shares nothing
    # Written in another tab after the list was shown: not in the confirmation.
    _write(conversation, people.employee, "mal-og-tiltak", "Skrevet etterpå")
    response = client.post(url, {"theme": ["motivasjon"], "answers": "1"})
    assert response.status_code == 302
    assert _visible(people.leader, conversation) == ["Skal deles"]
    assert policy.may_see_likert_answers(people.leader, conversation)
    said = f"Shared with {people.leader.full_name}: 1 note and your answers to the statements."
    assert said in client.get(response["Location"]).content.decode()


def test_share_all_with_nothing_to_share_says_so_on_the_page(client_for, conversation, english):
    client = client_for("employee")
    body = client.get(reverse("preparation_share", args=[conversation.pk])).content.decode()
    assert "There is nothing new to share" in body
    assert 'method="post"' not in body.split("<main", 1)[1].split("</main>", 1)[0]
    response = client.post(reverse("preparation_share", args=[conversation.pk]))
    assert response.status_code == 302
    assert "There is nothing new to share." in client.get(response["Location"]).content.decode()


def test_the_answers_are_shared_by_a_form_post(client_for, conversation, people, english):
    _answer(conversation, people)
    client = client_for("employee")
    body = _page(client, conversation)
    assert "Only you can read your answers." in body
    response = client.post(reverse("answers_share", args=[conversation.pk]))
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert f"{people.leader.full_name} can read your answers." in body
    assert reverse("answers_unshare", args=[conversation.pk]) in body
    client.post(reverse("answers_unshare", args=[conversation.pk]))
    assert not policy.may_see_likert_answers(people.leader, conversation)


def test_the_conversation_page_counts_what_each_has_shared(
    client_for, conversation, people, english
):
    _write(conversation, people.employee, "motivasjon", "En")
    _write(conversation, people.employee, "mal-og-tiltak", "To")
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    body = _page(client_for("leader"), conversation, "conversation_detail")
    assert "Employee: 2 notes (last" in " ".join(body.split())
    assert "Leader: not yet" in " ".join(body.split())
    assert "En" not in body.split("facts-heading", 1)[1].split("</dl>", 1)[0]
