"""Signing in and out, people and units and their imports, calendar connections."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from samtale.audit.sentences.base import W, Words
from samtale.org.models import RoleChange

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
    # The workplace's goals for a year (priorities): a unit's or the organization's own.
    "priority.add": W(_("%(actor)s added one of the workplace's goals for %(year)s")),
    "priority.update": W(_("%(actor)s changed one of the workplace's goals (%(fields)s)")),
    "priority.delete": W(_("%(actor)s deleted one of the workplace's goals for %(year)s")),
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
}
