"""What leaves Samtale and what it keeps: downloads, the archive, copies of data, legal
holds and retention, API tokens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from samtale.archive.fiks import messages as fiks
from samtale.audit.sentences.base import W, Words
from samtale.core import setaside
from samtale.privacy.models import AccessCopy

SENTENCES: dict[str, Words] = {
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
    "download.competence_plan": W(
        _("%(actor)s downloaded a competence plan for %(year)s (%(format)s)")
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
