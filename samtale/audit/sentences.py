"""The audit log's sentences: action code → how its entries read (audit.words fills them in).

Each sentence is translatable and has named placeholders (listed in audit.words): the actor,
the subject, the conversation or signed form, and the entry's details by their keys. A new
action code gets its sentence here; audit/tests/test_words.py fails until it has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from samtale.actions.models import Goal
from samtale.archive.fiks import messages as fiks
from samtale.conversations.models import ActionStatus
from samtale.core import setaside
from samtale.core.audit import READ_ROLES
from samtale.needs.models import Need
from samtale.org.models import RoleChange
from samtale.privacy.models import AccessCopy


@dataclass(frozen=True)
class Words:
    """How the entries of one code read.

    `text` is the sentence; with `by`, the value of that detail (or of a fact: "self", the
    actor acting on their own person record; "object", whether the entry names an object;
    "subject", the subject's name as looked up) picks one of `variants` instead, and
    `text` is for any other value. `labels` shows a detail's codes in words."""

    text: Promise
    by: str = ""
    variants: Mapping[object, Promise] = field(default_factory=dict)
    labels: Mapping[str, Mapping] = field(default_factory=dict)

    def pick(self, facts: Mapping) -> Promise:
        if not self.by:
            return self.text
        return self.variants.get(facts.get(self.by), self.text)


W = Words


VIA = {
    "form": _("the person form"),
    "import": _("an import"),
    "undo": _("an import undone"),
    "provider": _("the identity provider"),
}


def _by_file(people: Promise, units: Promise, other: Promise) -> Words:
    """An import's words by what its file held: the subject of an import (org.ImportBatch) is
    its kind, "people" or "units"."""
    return W(other, by="subject", variants={"people": people, "units": units})


SENTENCES: dict[str, Words] = {
    # Signing in and out (accounts) ---------------------------------------------------
    "login.succeeded": W(_("%(actor)s signed in")),
    "login.failed": W(_("A sign-in as %(subject)s failed")),
    "login.refused": W(
        _("A sign-in as %(subject)s was turned away"),
        by="reason",
        variants={
            "wait": _(
                "A sign-in as %(subject)s was turned away: after several failed attempts, "
                "the next must wait"
            ),
            "stopped": _(
                "A sign-in as %(subject)s was turned away: sign-in with a password is stopped "
                "after very many failed attempts"
            ),
        },
    ),
    "logout": W(_("%(actor)s signed out")),
    "login.sso_refused": W(
        _("A single sign-on through %(provider)s failed"),
        by="reason",
        variants={
            "inactive": _(
                "A single sign-on through %(provider)s was turned away: the person's access "
                "has ended"
            ),
            "unknown": _(
                "A single sign-on through %(provider)s was turned away: Samtale does not know "
                "the account"
            ),
        },
    ),
    "login.sso_linked": W(
        _("%(actor)s signed in through %(provider)s for the first time, and the account was linked")
    ),
    "password_reset.held": W(
        _(
            "A password reset for %(subject)s was held: the e-mail address was changed "
            "recently, and the old address must confirm it"
        )
    ),
    "password_reset.confirmed": W(
        _("The old e-mail address of %(subject)s let a held password reset through")
    ),
    # People and units (org) ------------------------------------------------------------
    "person.create": W(_("%(actor)s added %(subject)s")),
    "person.update": W(_("%(actor)s changed the details of %(subject)s (%(fields)s)")),
    "person.role": W(
        _("%(actor)s changed the role %(role)s of %(subject)s"),
        by="granted",
        variants={
            True: _("%(actor)s gave %(subject)s the role %(role)s"),
            False: _("%(actor)s took the role %(role)s from %(subject)s"),
        },
        labels={"role": dict(RoleChange.Role.choices)},
    ),
    "person.email": W(_("%(actor)s changed the e-mail address of %(subject)s")),
    "person.email.release": W(
        _(
            "%(actor)s let password resets for %(subject)s go to the new e-mail address "
            "without the old address confirming"
        )
    ),
    "person.deactivation_held": W(
        _(
            "The identity provider's deactivation of %(subject)s was held for an "
            "administrator to confirm"
        )
    ),
    "person.deactivations_confirmed": W(
        ngettext_lazy(
            "%(actor)s deactivated %(count)s person the identity provider had asked to deactivate",
            "%(actor)s deactivated %(count)s people the identity provider had asked to deactivate",
            "count",
        )
    ),
    "person.deactivations_kept": W(
        ngettext_lazy(
            "%(actor)s kept %(count)s person active whom the identity provider had deactivated",
            "%(actor)s kept %(count)s people active whom the identity provider had deactivated",
            "count",
        )
    ),
    "person.leader_changed": W(
        _(
            "%(actor)s changed the line manager of %(subject)s from %(old_manager)s to "
            "%(new_manager)s, through %(via)s"
        ),
        labels={"via": VIA},
    ),
    "person.follow_up_passed": W(
        ngettext_lazy(
            "%(actor)s passed the follow-up of %(actions)s action on to their new line manager",
            "%(actor)s passed the follow-up of %(actions)s actions on to their new line manager",
            "actions",
        )
    ),
    "person.follow_up_kept": W(
        _("%(actor)s kept the follow-up of their actions with their earlier leader")
    ),
    "unit.create": W(_("%(actor)s added the unit %(subject)s")),
    "unit.update": W(_("%(actor)s changed the unit %(subject)s (%(fields)s)")),
    "import.preview": _by_file(
        ngettext_lazy(
            "%(actor)s checked a file of %(rows)s person to import (new: %(create)s, "
            "changed: %(update)s, to deactivate: %(deactivate)s)",
            "%(actor)s checked a file of %(rows)s people to import (new: %(create)s, "
            "changed: %(update)s, to deactivate: %(deactivate)s)",
            "rows",
        ),
        ngettext_lazy(
            "%(actor)s checked a file of %(rows)s unit to import (new: %(create)s, "
            "changed: %(update)s, to deactivate: %(deactivate)s)",
            "%(actor)s checked a file of %(rows)s units to import (new: %(create)s, "
            "changed: %(update)s, to deactivate: %(deactivate)s)",
            "rows",
        ),
        _("%(actor)s checked a file to import"),
    ),
    "import.apply": _by_file(
        ngettext_lazy(
            "%(actor)s imported a file of %(rows)s person (new: %(create)s, changed: "
            "%(update)s, deactivated: %(deactivate)s)",
            "%(actor)s imported a file of %(rows)s people (new: %(create)s, changed: "
            "%(update)s, deactivated: %(deactivate)s)",
            "rows",
        ),
        ngettext_lazy(
            "%(actor)s imported a file of %(rows)s unit (new: %(create)s, changed: "
            "%(update)s, deactivated: %(deactivate)s)",
            "%(actor)s imported a file of %(rows)s units (new: %(create)s, changed: "
            "%(update)s, deactivated: %(deactivate)s)",
            "rows",
        ),
        _("%(actor)s imported a file"),
    ),
    "import.undo": _by_file(
        _(
            "%(actor)s undid an import of people (put back: %(restored)s, left as changed "
            "since: %(kept)s, deactivated: %(deactivated)s)"
        ),
        _(
            "%(actor)s undid an import of units (put back: %(restored)s, left as changed "
            "since: %(kept)s, deactivated: %(deactivated)s)"
        ),
        _("%(actor)s undid an import"),
    ),
    # Calendars ---------------------------------------------------------------------------
    "calendar.connected": W(
        _("%(actor)s connected the calendar of %(subject)s, for busy times"),
        by="self",
        variants={True: _("%(actor)s connected their calendar, for busy times")},
    ),
    "calendar.changed": W(
        _("%(actor)s changed the calendar connection of %(subject)s"),
        by="self",
        variants={True: _("%(actor)s changed their calendar connection")},
    ),
    "calendar.removed": W(
        _("%(actor)s removed the calendar connection of %(subject)s"),
        by="self",
        variants={True: _("%(actor)s removed their calendar connection")},
    ),
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
    "goal.review": W(
        _("%(actor)s rated the result of a goal in %(conversation)s: %(result)s"),
        labels={"result": dict(Goal.Result.choices)},
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
    # Downloads -----------------------------------------------------------------------------
    "download.needs": W(
        _("%(actor)s downloaded the shared needs for %(year)s (%(format)s)"),
        by="year",
        variants={None: _("%(actor)s downloaded the shared needs (%(format)s)")},
    ),
    "download.likert_results": W(
        _("%(actor)s downloaded the answers to the statements for %(year)s (%(format)s)")
    ),
    "download.status_analysis": W(
        _("%(actor)s downloaded the status analysis for %(year)s (%(format)s)")
    ),
    "download.leadership_feedback": W(
        _("%(actor)s downloaded the feedback on leadership (%(format)s)")
    ),
    "download.rating_fairness": W(
        _("%(actor)s downloaded the rating habits for %(year)s (%(format)s)")
    ),
    "download.signed_form": W(_("%(actor)s downloaded %(form)s")),
    "download.archive_package": W(_("%(actor)s downloaded the archive package of %(form)s")),
    # The archive ---------------------------------------------------------------------------
    "archive.form": W(_("%(form)s was made, to go to the personnel file (revision %(revision)s)")),
    "archive.fiks_sent": W(
        _("Samtale sent a message about %(form)s to the archive (Fiks Arkiv)"),
        by="type",
        variants={
            fiks.SOK: _(
                "Samtale looked up the personnel file in the archive (Fiks Arkiv), to file %(form)s"
            ),
            fiks.ARKIVMELDING: _("Samtale sent %(form)s to the archive (Fiks Arkiv)"),
        },
    ),
    "archive.fiks_received": W(_("The archive (Fiks Arkiv) received %(form)s")),
    "archive.delivered": W(
        _("%(form)s was delivered to the archive"),
        by="to",
        variants={
            "fiks": _("%(form)s was filed in the archive (journal number %(journalpost)s)"),
            "folder": _("%(form)s was delivered to the archive's drop folder"),
            "download": _("%(actor)s confirmed that %(form)s is registered in the archive"),
        },
    ),
    "archive.delivery_failed": W(
        _("The delivery of %(form)s to the archive failed; Samtale tries again")
    ),
    "archive.refused": W(_("The archive refused %(form)s")),
    "archive.fiks_set_aside": W(
        _("A message on Samtale's Fiks account was set aside: %(reason)s"),
        by="object",
        variants={
            True: _("A message about %(form)s on Samtale's Fiks account was set aside: %(reason)s")
        },
        labels={"reason": setaside.REASONS},
    ),
    "archive.retry": W(_("%(actor)s had the delivery of %(form)s to the archive tried again")),
    "archive.confirm_undone": W(
        _(
            "%(actor)s undid the confirmation that %(form)s is registered in the archive; "
            "it waits again"
        )
    ),
    # Privacy: copies of data, legal holds, retention ----------------------------------------
    "privacy.export": W(_("%(actor)s downloaded a copy of their own data")),
    "privacy.copy_request": W(
        _("%(actor)s asked for a copy of the data of %(subject)s (delivery: %(channel)s)"),
        labels={"channel": dict(AccessCopy.Channel.choices)},
    ),
    "privacy.copy_delivered": W(_("%(subject)s downloaded the copy of their data HR asked for")),
    "privacy.copy_locked": W(
        ngettext_lazy(
            "The one-time link to the copy of the data of %(subject)s was locked after "
            "%(attempts)s wrong code",
            "The one-time link to the copy of the data of %(subject)s was locked after "
            "%(attempts)s wrong codes",
            "attempts",
        )
    ),
    "privacy.hold_set": W(
        _("%(actor)s put a legal hold on %(subject)s: their conversations are kept from deletion")
    ),
    "privacy.hold_release": W(_("%(actor)s released the legal hold on %(subject)s")),
    "retention.run": W(
        _("%(actor)s ran the retention policy"),
        by="dry_run",
        variants={
            True: _(
                "%(actor)s checked what the retention policy would delete, without deleting "
                "anything"
            ),
            False: _("%(actor)s ran the retention policy and deleted what was due"),
        },
    ),
    # API tokens ------------------------------------------------------------------------------
    "api.token_created": W(
        _("%(actor)s created an API token"),
        by="kind",
        variants={
            "personal": _("%(actor)s created a personal API token"),
            "service": _("%(actor)s created an API token for a service"),
        },
    ),
    "api.token_revoked": W(
        _("%(actor)s revoked an API token"),
        by="kind",
        variants={
            "personal": _("%(actor)s revoked a personal API token"),
            "service": _("%(actor)s revoked an API token for a service"),
        },
    ),
}
