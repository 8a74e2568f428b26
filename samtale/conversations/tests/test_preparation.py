import pytest
from django.core.exceptions import PermissionDenied

from samtale.conversations import policy
from samtale.conversations.models import Conversation, LikertAnswer, Note
from samtale.conversations.services import preparation
from samtale.core.concurrency import EditConflict
from samtale.core.errors import DomainError


def _texts(user, conversation):
    return sorted(n.text for n in policy.notes_visible_to(user, conversation))


def test_a_note_is_its_authors_alone_until_shared(conversation, people):
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Jeg trives",
        base_version=0,
    )
    assert _texts(people.employee, conversation) == ["Jeg trives"]
    assert _texts(people.leader, conversation) == []
    for outsider in (people.other_leader, people.leaders_leader, people.hr, people.admin):
        assert _texts(outsider, conversation) == []
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert _texts(people.leader, conversation) == ["Jeg trives"]
    assert _texts(people.hr, conversation) == []


def test_saving_bumps_the_version_and_an_old_version_is_a_conflict_not_an_overwrite(
    conversation, people
):
    note = preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Første",
        base_version=0,
    )
    assert note.version == 1
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Andre",
        base_version=1,
    )
    with pytest.raises(EditConflict) as conflict:
        # Another tab that still had version 1 open.
        preparation.note_save(
            actor=people.employee,
            conversation=conversation,
            theme_key="motivasjon",
            text="Fra fane to",
            base_version=1,
        )
    assert conflict.value.theirs == "Andre"
    assert conflict.value.version == 2
    assert Note.objects.get().text == "Andre"


def test_the_same_text_arriving_twice_is_not_a_conflict(conversation, people):
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Hei",
        base_version=0,
    )
    note = preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Hei",
        base_version=0,
    )
    assert note.version == 1


def test_the_employee_does_not_write_in_the_leaders_theme(conversation, people):
    with pytest.raises(DomainError):
        preparation.note_save(
            actor=people.employee,
            conversation=conversation,
            theme_key="prioriterte-mal",
            text="x",
            base_version=0,
        )
    preparation.note_save(
        actor=people.leader,
        conversation=conversation,
        theme_key="prioriterte-mal",
        text="Mål",
        base_version=0,
    )


def test_an_unknown_theme_is_refused(conversation, people):
    with pytest.raises(DomainError):
        preparation.note_save(
            actor=people.employee,
            conversation=conversation,
            theme_key="lonn",
            text="x",
            base_version=0,
        )


def test_outsiders_cannot_write_notes(conversation, people):
    with pytest.raises(PermissionDenied):
        preparation.note_save(
            actor=people.leaders_leader,
            conversation=conversation,
            theme_key="motivasjon",
            text="x",
            base_version=0,
        )


def test_notes_lock_when_the_conversation_is_signed(conversation, people):
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.SIGNED)
    conversation.refresh_from_db()
    with pytest.raises(DomainError):
        preparation.note_save(
            actor=people.employee,
            conversation=conversation,
            theme_key="motivasjon",
            text="x",
            base_version=0,
        )


def test_the_employee_answers_the_statements_from_1_to_5(conversation, people):
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=4
    )
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=5
    )
    assert LikertAnswer.objects.get().value == 5
    with pytest.raises(DomainError):
        preparation.likert_answer(
            actor=people.employee, conversation=conversation, statement_key="s-styrker", value=6
        )
    with pytest.raises(DomainError):
        preparation.likert_answer(
            actor=people.leader, conversation=conversation, statement_key="s-styrker", value=3
        )
    with pytest.raises(DomainError):
        preparation.likert_answer(
            actor=people.employee, conversation=conversation, statement_key="ukjent", value=3
        )
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=None
    )
    assert not LikertAnswer.objects.exists()


def test_the_leader_sees_the_answers_only_when_the_employee_shares(conversation, people):
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=4
    )
    assert policy.may_see_likert_answers(people.employee, conversation)
    assert not policy.may_see_likert_answers(people.leader, conversation)
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert policy.may_see_likert_answers(people.leader, conversation)
    assert not policy.may_see_likert_answers(people.hr, conversation)


def test_the_leaders_checklist_is_theirs(conversation, people):
    prep = preparation.leader_checklist_set(
        actor=people.leader, conversation=conversation, done=[0, 3, 3]
    )
    assert prep.checklist == [0, 3]
    with pytest.raises(DomainError):
        preparation.leader_checklist_set(actor=people.employee, conversation=conversation, done=[1])
    with pytest.raises(DomainError):
        preparation.leader_checklist_set(actor=people.leader, conversation=conversation, done=[99])
