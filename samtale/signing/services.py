"""Signing a conversation's summary, and what both signatures cause, in one transaction.

The signature itself is the conversation's (conversations.services.summary.signature_add:
who signed and when, the conversation signed). When both have signed, every effect the
law and the follow-up depend on is called here, in order, so that it stands or falls with
the signing:

- the agreement: a first summary's goals and actions are frozen in it and followed up from
  now on, passed to the new line manager where the employee asked for that; a correction's
  draft is applied to them (actions.agreement, actions.handover);
- the needs the conclusion shares reach the register (needs.services);
- the follow-up form is filed for the employee's personnel file (archive.services): a legal
  record, delivered to the archive after the commit.

Then the other party hears of it (a step notice). Decision record:
docs/developing/decision-agreement-owner.md.
"""

from django.db import transaction

from samtale.actions import agreement, handover
from samtale.archive.services import signed_form_record
from samtale.conversations import selectors
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.conversations.services import summary
from samtale.needs.services import needs_register_from
from samtale.org.models import Person


@transaction.atomic
def conversation_sign(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """`actor` signs the agreed summary of `conversation`; when both have, it takes effect."""
    signature = summary.signature_add(actor=actor, conversation=conversation)
    revision, conversation = signature.revision, signature.conversation
    if revision.is_signed and signature.correcting:
        # Only now do the live goals and actions change; until this moment the revision
        # before was in force, and its actions were followed up as they were.
        revision.agreed_goals = agreement.agreement_apply(
            actor=actor, conversation=conversation, revision=revision
        )
    elif revision.is_signed:
        revision.agreed_goals = selectors.goals_as_agreed(conversation)
        agreement.agreement_follow(conversation=conversation)
        handover.follow_up_passed_on(conversation=conversation)
        needs_register_from(conversation=conversation)
    if revision.is_signed:
        revision.save(update_fields=["agreed_goals"])
        signed_form_record(revision=revision)
    summary.signature_notice(actor=actor, signature=signature)
    return revision
