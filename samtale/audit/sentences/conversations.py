"""Conversations and what is read, shared and signed in them, goals and actions, shared
needs, rounds and templates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from samtale.actions.models import Goal
from samtale.audit.sentences.base import W, Words
from samtale.conversations.models import ActionStatus
from samtale.core.audit import READ_ROLES
from samtale.needs.models import Need

SENTENCES: dict[str, Words] = {
    # Conversations ---------------------------------------------------------------------
    "conversation.planned": W(_("%(actor)s planned %(conversation)s")),
    "conversation.invited": W(_("%(actor)s sent the invitation to %(conversation)s")),
    "conversation.prepared": W(
        _("%(conversation)s became prepared when %(actor)s shared their preparation")
    ),
    "conversation.held": W(_("%(actor)s marked %(conversation)s as held")),
    "conversation.held_now": W(
        _("%(actor)s said %(conversation)s is held now, before the day it was planned for")
    ),
    "conversation.summary_agreed": W(
        _("The summary of %(conversation)s was agreed when %(actor)s approved it")
    ),
    "conversation.signed": W(_("%(conversation)s was signed by both when %(actor)s signed")),
    "conversation.postponed": W(_("%(actor)s postponed %(conversation)s")),
    "conversation.cancelled": W(_("%(actor)s cancelled %(conversation)s")),
    "conversation.scheduled": W(_("%(actor)s set the time and place of %(conversation)s")),
    "conversation.moved": W(_("%(actor)s moved %(conversation)s to the new line manager")),
    "conversation.invitation_answered": W(
        _("%(actor)s answered the invitation to %(conversation)s"),
        by="answer",
        variants={
            "accepted": _("%(actor)s accepted the invitation to %(conversation)s"),
            "declined": _("%(actor)s declined the invitation to %(conversation)s"),
            "tentative": _("%(actor)s answered maybe to the invitation to %(conversation)s"),
            "needs_action": _("%(actor)s proposed a new time for %(conversation)s"),
        },
    ),
    "conversation.moved_to_proposal": W(_("%(actor)s moved %(conversation)s to the time proposed")),
    "conversation.time_proposed": W(_("%(actor)s proposed other times for %(conversation)s")),
    "conversation.time_proposal_accepted": W(
        _("%(actor)s accepted a time proposed for %(conversation)s")
    ),
    "conversation.read": W(
        _("%(actor)s (%(as)s) read %(conversation)s"),
        by="what",
        variants={
            "shared_conclusion": _(
                "%(actor)s (%(as)s) read what the conclusion of %(conversation)s shares"
            ),
            "signed_form": _(
                "%(actor)s (%(as)s) read the signed follow-up form of %(conversation)s"
            ),
            "archive_package": _(
                "%(actor)s (%(as)s) read the signed form of %(conversation)s, in the archive's "
                "package"
            ),
            "shared_summary": _(
                "%(actor)s (%(as)s) read the signed summary of %(conversation)s, which its "
                "employee shared with them"
            ),
        },
        labels={"as": READ_ROLES},
    ),
    # HR's reads of a shared conclusion before the reads had one action (conversation.read).
    "summary.shared.read": W(
        _("%(actor)s (HR) read what the conclusion of %(conversation)s shares")
    ),
    "preparation.share_all": W(_("%(actor)s shared all of their preparation for %(conversation)s")),
    "note.share": W(_("%(actor)s shared a note in %(conversation)s")),
    "note.unshare": W(_("%(actor)s took back a shared note in %(conversation)s")),
    "answers.share": W(_("%(actor)s shared their answers to the statements in %(conversation)s")),
    "answers.unshare": W(
        _("%(actor)s took back their answers to the statements in %(conversation)s")
    ),
    "summary.submit": W(_("%(actor)s sent the summary of %(conversation)s for comment")),
    "summary.comment": W(_("%(actor)s commented on the summary of %(conversation)s")),
    "summary.send_back": W(_("%(actor)s sent the summary of %(conversation)s back")),
    "summary.approve": W(_("%(actor)s approved the summary of %(conversation)s")),
    "summary.reopen": W(_("%(actor)s reopened the summary of %(conversation)s")),
    "summary.sign": W(_("%(actor)s signed the summary of %(conversation)s")),
    "summary.correction": W(
        _("%(actor)s started a correction of the signed summary of %(conversation)s")
    ),
    "summary.correction.apply": W(
        _("%(actor)s changed the goals of %(conversation)s in a correction")
    ),
    "summary.correction_withdraw": W(
        _("%(actor)s withdrew the correction of the summary of %(conversation)s")
    ),
    "summary.shared_with_leader": W(
        _(
            "%(actor)s let %(reader)s, their new line manager, read the signed summary of an "
            "earlier conversation"
        )
    ),
    # Goals and actions -------------------------------------------------------------------
    "goal.add": W(_("%(actor)s added a goal in %(conversation)s")),
    "goal.delete": W(_("%(actor)s deleted a goal in %(conversation)s")),
    "goal.serves": W(
        _("%(actor)s chose which of the unit's goals a goal in %(conversation)s serves")
    ),
    "goal.review": W(
        _("%(actor)s rated the result of a goal in %(conversation)s: %(result)s"),
        labels={"result": dict(Goal.Result.choices)},
    ),
    "action.competence": W(
        _("%(actor)s marked whether an action in %(conversation)s is a competence need")
    ),
    "action.add_after_signing": W(
        _("%(actor)s added an action after signing, in %(conversation)s")
    ),
    "action.update": W(
        _("%(actor)s set the status of an action in %(conversation)s to “%(status)s”"),
        by="commented",
        variants={
            True: _(
                "%(actor)s wrote an update on an action in %(conversation)s (status: “%(status)s”)"
            )
        },
        labels={"status": dict(ActionStatus.choices)},
    ),
    "action.remind": W(_("%(actor)s reminded %(person)s of an action in %(conversation)s")),
    "action.carry_over": W(
        _(
            "%(actor)s carried an open action of the previous conversation over into %(conversation)s"
        )
    ),
    "action.deadline_move": W(
        _("%(actor)s gave an action in %(conversation)s a new deadline: %(deadline)s")
    ),
    # Shared needs --------------------------------------------------------------------------
    "need.raise": W(_("%(actor)s raised a shared need in %(conversation)s")),
    "need.withdraw": W(_("%(actor)s withdrew a shared need in %(conversation)s")),
    "need.share": W(
        _("%(actor)s chose to share a need in %(conversation)s with the register of shared needs")
    ),
    "need.unshare": W(
        _(
            "%(actor)s chose not to share a need in %(conversation)s with the register of "
            "shared needs"
        )
    ),
    "need.status": W(
        _("%(actor)s set the status of a shared need to “%(status)s”"),
        labels={"status": dict(Need.Status.choices)},
    ),
    "need.merge": W(_("%(actor)s merged a shared need into another")),
    "need.from_plan": W(_("%(actor)s put a line of a competence plan in the budget list")),
    # The competence plans ----------------------------------------------------------------
    "competence.line": W(
        _("%(actor)s set the priority and status of a competence plan for %(year)s"),
    ),
    "competence.comment": W(_("%(actor)s commented on a competence plan for %(year)s")),
    # Rounds --------------------------------------------------------------------------------
    "round.created": W(
        ngettext_lazy(
            "%(actor)s created the round %(subject)s with %(participants)s participant",
            "%(actor)s created the round %(subject)s with %(participants)s participants",
            "participants",
        )
    ),
    "round.updated": W(_("%(actor)s changed the round %(subject)s")),
    "round.opened": W(_("%(actor)s opened the round %(subject)s")),
    "round.closed": W(_("%(actor)s closed the round %(subject)s")),
    "round.participant_added": W(_("%(actor)s added %(person)s to the round %(subject)s")),
    "round.participant_removed": W(_("%(actor)s took %(person)s out of the round %(subject)s")),
    "round.holder_set": W(
        _("%(actor)s let %(holder)s hold the conversation with %(person)s in the round %(subject)s")
    ),
    "round.shared": W(
        ngettext_lazy(
            "%(actor)s gave %(holder)s %(moved)s conversation in the round %(subject)s",
            "%(actor)s gave %(holder)s %(moved)s conversations in the round %(subject)s",
            "moved",
        )
    ),
    "round.window_added": W(
        _("%(actor)s added times for the conversations of %(leader)s in the round %(subject)s")
    ),
    "round.window_deleted": W(
        _("%(actor)s deleted times for the conversations of %(leader)s in the round %(subject)s")
    ),
    "round.schedule_accepted": W(
        ngettext_lazy(
            "%(actor)s accepted the proposed times for %(conversations)s conversation of "
            "%(leader)s in the round %(subject)s",
            "%(actor)s accepted the proposed times for %(conversations)s conversations of "
            "%(leader)s in the round %(subject)s",
            "conversations",
        )
    ),
    "round.leaders_reminded": W(
        ngettext_lazy(
            "%(actor)s reminded %(reminded)s leader behind in the round %(subject)s of their "
            "people without a time",
            "%(actor)s reminded %(reminded)s leaders behind in the round %(subject)s of their "
            "people without a time",
            "reminded",
        ),
        # Entries since the leaders were named: who, and who was not reminded and why.
        by="skipped",
        variants={
            "none": _(
                "%(actor)s reminded %(leaders)s, behind in the round %(subject)s, of their "
                "people without a time"
            ),
            "recent": _(
                "%(actor)s reminded %(leaders)s, behind in the round %(subject)s, of their "
                "people without a time; not %(recent)s, reminded in the last week"
            ),
            "all_timed": _(
                "%(actor)s reminded %(leaders)s, behind in the round %(subject)s, of their "
                "people without a time; not %(all_timed)s, whose conversations all have a time"
            ),
            "recent+all_timed": _(
                "%(actor)s reminded %(leaders)s, behind in the round %(subject)s, of their "
                "people without a time; not %(recent)s, reminded in the last week, nor "
                "%(all_timed)s, whose conversations all have a time"
            ),
        },
    ),
    "round.conversations_linked": W(
        ngettext_lazy(
            "%(actor)s counted %(conversations)s conversation planned outside the round in the "
            "round %(subject)s",
            "%(actor)s counted %(conversations)s conversations planned outside the round in the "
            "round %(subject)s",
            "conversations",
        )
    ),
    # Templates -----------------------------------------------------------------------------
    "guide.create": W(_("%(actor)s created the template %(subject)s")),
    "guide.copy": W(_("%(actor)s made the template %(subject)s as a copy of %(source)s")),
    "guide.update": W(_("%(actor)s changed the template %(subject)s")),
    "guide.version": W(_("%(actor)s made version %(version)s of the template %(subject)s")),
    "guide.retire": W(_("%(actor)s retired the template %(subject)s")),
    "guide.restore": W(_("%(actor)s restored the template %(subject)s")),
}
