"""Each note is private until its author shares it, one at a time or all at once, and can
be taken back until the meeting is held (issue 11: per-note sharing)."""

import pytest
from django.core.exceptions import PermissionDenied

from samtale.conversations import policy, selectors
from samtale.conversations.models import Note, Preparation
from samtale.conversations.services import preparation
from samtale.conversations.tests.note_sharing import (  # noqa: F401 - fixtures too
    HTMX,
    S,
    answer,
    english,
    fresh,
    in_english,
    message,
    set_status,
    visible,
    write_note,
)
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.notifications.models import OutboundEmail

# The services ---------------------------------------------------------------------------


def test_a_note_is_private_until_shared_and_private_again_when_taken_back(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    assert visible(people.leader, conversation) == []
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    assert visible(people.leader, conversation) == ["Jeg trives"]
    for outsider in (people.other_leader, people.leaders_leader, people.hr, people.admin):
        assert visible(outsider, conversation) == []
    preparation.note_unshare(
        actor=people.employee, conversation=fresh(conversation), theme_key="motivasjon"
    )
    assert visible(people.leader, conversation) == []
    assert visible(people.employee, conversation) == ["Jeg trives"]


def test_each_note_is_shared_on_its_own(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Delt")
    write_note(conversation, people.employee, "mal-og-tiltak", "Privat")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    assert visible(people.leader, conversation) == ["Delt"]


def test_what_is_written_in_a_shared_note_afterwards_can_be_read(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Først")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Først og så mer",
        base_version=1,
    )
    assert visible(people.leader, conversation) == ["Først og så mer"]


@pytest.mark.parametrize("text", [None, "", "  \n "])
def test_an_empty_note_cannot_be_shared(conversation, people, text):
    if text is not None:
        write_note(conversation, people.employee, "motivasjon", text)
    with pytest.raises(DomainError) as error:
        preparation.note_share(
            actor=people.employee, conversation=conversation, theme_key="motivasjon"
        )
    assert message(error) == "Write something in the note before you share it."
    assert not Note.objects.filter(shared_at__isnull=False).exists()
    assert fresh(conversation).status == S.PLANNED


def test_a_theme_not_in_the_template_is_refused(conversation, people):
    with pytest.raises(DomainError):
        preparation.note_share(actor=people.employee, conversation=conversation, theme_key="lonn")


@pytest.mark.parametrize("status", [S.PLANNED, S.INVITED, S.PREPARED, S.POSTPONED])
def test_a_note_can_be_taken_back_until_the_meeting_is_held(conversation, people, status):
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    conversation = set_status(conversation, status)
    preparation.note_unshare(
        actor=people.employee, conversation=conversation, theme_key="motivasjon"
    )
    assert Note.objects.get().shared_at is None


@pytest.mark.parametrize("status", [S.HELD, S.SUMMARY_AGREED])
def test_taking_a_note_back_after_the_meeting_is_refused(conversation, people, status):
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    conversation = set_status(conversation, status)
    with pytest.raises(DomainError) as error:
        preparation.note_unshare(
            actor=people.employee, conversation=conversation, theme_key="motivasjon"
        )
    assert "meeting has been held" in message(error)
    assert visible(people.leader, conversation) == ["Jeg trives"]


def test_nothing_is_shared_or_taken_back_once_signed_or_cancelled(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    for status in (S.SIGNED, S.CANCELLED):
        locked = set_status(conversation, status)
        with pytest.raises(DomainError):
            preparation.note_share(
                actor=people.employee, conversation=locked, theme_key="motivasjon"
            )
        with pytest.raises(DomainError):
            preparation.preparation_share_all(actor=people.employee, conversation=locked)
    assert visible(people.leader, conversation) == []


def test_the_first_note_the_employee_shares_makes_the_conversation_prepared(conversation, people):
    write_note(conversation, people.leader, "motivasjon", "Lederens")
    preparation.note_share(actor=people.leader, conversation=conversation, theme_key="motivasjon")
    assert fresh(conversation).status == S.PLANNED
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(
        actor=people.employee, conversation=fresh(conversation), theme_key="motivasjon"
    )
    assert fresh(conversation).status == S.PREPARED
    # Taking it back does not make the conversation unprepared again.
    preparation.note_unshare(
        actor=people.employee, conversation=fresh(conversation), theme_key="motivasjon"
    )
    assert fresh(conversation).status == S.PREPARED


def test_share_all_shares_the_notes_with_text_that_exist_and_none_written_later(
    conversation, people
):
    write_note(conversation, people.employee, "motivasjon", "Motivasjon")
    write_note(conversation, people.employee, "mal-og-tiltak", "   ")
    shared = preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert [n.theme_key for n in shared] == ["motivasjon"]
    assert fresh(conversation).status == S.PREPARED
    assert visible(people.leader, conversation) == ["Motivasjon"]
    # Written after sharing all: private until shared on its own.
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="mal-og-tiltak",
        text="Skrevet etterpå",
        base_version=1,
    )
    assert visible(people.leader, conversation) == ["Motivasjon"]
    assert Note.objects.get(theme_key="mal-og-tiltak").shared_at is None


def test_share_all_shares_only_the_notes_the_person_saw_listed(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Listet")
    write_note(conversation, people.employee, "mal-og-tiltak", "Skrevet i en annen fane")
    preparation.preparation_share_all(
        actor=people.employee, conversation=conversation, theme_keys=["motivasjon"]
    )
    assert visible(people.leader, conversation) == ["Listet"]


def test_share_all_keeps_the_time_a_note_was_first_shared(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Først delt")
    first = preparation.note_share(
        actor=people.employee, conversation=conversation, theme_key="motivasjon"
    ).shared_at
    write_note(conversation, people.employee, "mal-og-tiltak", "Så resten")
    shared = preparation.preparation_share_all(
        actor=people.employee, conversation=fresh(conversation)
    )
    assert [n.theme_key for n in shared] == ["mal-og-tiltak"]
    assert Note.objects.get(theme_key="motivasjon").shared_at == first


def test_share_all_with_nothing_new_says_so(conversation, people):
    with pytest.raises(DomainError) as error:
        preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert message(error) == "There is nothing new to share."
    assert fresh(conversation).status == S.PLANNED


def test_nobody_shares_or_takes_back_someone_elses_note(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Emmas")
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
    write_note(conversation, people.employee, "motivasjon", "Hemmelig innhold")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    preparation.note_unshare(
        actor=people.employee, conversation=fresh(conversation), theme_key="motivasjon"
    )
    preparation.preparation_share_all(actor=people.employee, conversation=fresh(conversation))
    entries = AuditEntry.objects.filter(action__in=["note.share", "note.unshare"]).order_by("pk")
    assert [(e.action, e.data["theme"]) for e in entries] == [
        ("note.share", "motivasjon"),
        ("note.unshare", "motivasjon"),
    ]
    everything = AuditEntry.objects.get(action="preparation.share_all")
    assert everything.data["themes"] == ["motivasjon"]
    assert "Hemmelig" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


# The answers to the statements -------------------------------------------------------------


def test_share_all_shares_the_answers_given_so_far(conversation, people):
    answer(conversation, people)
    assert not policy.may_see_likert_answers(people.leader, conversation)
    shared = preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert shared == []
    assert policy.may_see_likert_answers(people.leader, conversation)
    assert fresh(conversation).status == S.PREPARED


def test_answers_given_after_share_all_stay_private(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Et notat")
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    answer(conversation, people)
    assert not policy.may_see_likert_answers(people.leader, conversation)


def test_share_all_without_the_answers_listed_leaves_them_private(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Et notat")
    answer(conversation, people)
    preparation.preparation_share_all(
        actor=people.employee, conversation=conversation, theme_keys=["motivasjon"], answers=False
    )
    assert not policy.may_see_likert_answers(people.leader, conversation)


def test_the_answers_are_shared_and_taken_back_on_their_own(conversation, people):
    with pytest.raises(DomainError):
        preparation.answers_share(actor=people.employee, conversation=conversation)
    answer(conversation, people)
    with pytest.raises(DomainError):
        preparation.answers_share(actor=people.leader, conversation=conversation)
    preparation.answers_share(actor=people.employee, conversation=conversation)
    assert policy.may_see_likert_answers(people.leader, conversation)
    assert visible(people.leader, conversation) == []
    preparation.answers_unshare(actor=people.employee, conversation=fresh(conversation))
    assert not policy.may_see_likert_answers(people.leader, conversation)
    preparation.answers_share(actor=people.employee, conversation=fresh(conversation))
    held = set_status(conversation, S.HELD)
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
        write_note(conversation, people.leader, "motivasjon", "Lederens")
        preparation.note_share(
            actor=people.leader, conversation=conversation, theme_key="motivasjon"
        )
        assert not _notices().exists()
        write_note(conversation, people.employee, "motivasjon", "En")
        write_note(conversation, people.employee, "mal-og-tiltak", "To")
        preparation.note_share(
            actor=people.employee, conversation=fresh(conversation), theme_key="motivasjon"
        )
        preparation.note_share(
            actor=people.employee, conversation=fresh(conversation), theme_key="mal-og-tiltak"
        )
        preparation.note_unshare(
            actor=people.employee, conversation=fresh(conversation), theme_key="mal-og-tiltak"
        )
        preparation.preparation_share_all(actor=people.employee, conversation=fresh(conversation))
    assert [n.to for n in _notices()] == [people.leader]


# Reads ------------------------------------------------------------------------------------


def test_what_a_party_has_shared_is_counted_never_read(conversation, people):
    write_note(conversation, people.employee, "motivasjon", "En")
    write_note(conversation, people.employee, "mal-og-tiltak", "To")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    answer(conversation, people)
    preparation.answers_share(actor=people.employee, conversation=fresh(conversation))
    state = selectors.sharing_state(conversation=conversation)
    assert state["employee"].notes == 1 and state["employee"].answers_at is not None
    assert not state["leader"].anything
    shared = selectors.preparations_shared().filter(conversation=conversation)
    assert [p.author for p in shared] == [people.employee]


def test_a_party_who_shared_a_note_counts_as_having_shared_for_the_reminder(conversation, people):
    write_note(conversation, people.leader, "motivasjon", "Lederens")
    assert not selectors.preparations_shared().exists()
    preparation.note_share(actor=people.leader, conversation=conversation, theme_key="motivasjon")
    assert [p.author for p in selectors.preparations_shared()] == [people.leader]
    assert Preparation.objects.get(author=people.leader).shared_at is None
