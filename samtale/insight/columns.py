"""The status analysis's columns, once: the page's table, the CSV and Excel files and the API
all read a group's figures through these, so they never show a figure differently or one
that the other withholds."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samtale.insight.publication.figures import Withheld
from samtale.insight.status import Status


@dataclass(frozen=True)
class Column:
    name: str  # the API's field
    heading: str | Promise  # the page's and the files' heading (translated when shown)
    value: Callable[[Status], object]  # a number, None (nothing to count), or Withheld


def _percent(value):
    """A share in whole percent: shown only beside the published counts it is a share of
    (the figure's, under the rule), so that nothing can be read from it they do not say."""
    return None if value is None else round(value)


def _nth(values, n):
    return None if values is None else values[n]


def _published(measure: str, read):
    """A column of a published figure (Status.published): the value read from it, why it
    is not shown (Withheld), or None (nothing to count)."""

    def value(s: Status):
        why = s.why_not(measure)
        if why is not None:
            return why
        figure = s.published(measure)
        return None if figure is None else read(figure)

    return value


def _untouched() -> str:
    return gettext("Actions untouched for %(days)s days") % {"days": settings.STALE_ACTION_DAYS}


STATUS = [
    # That conversations happen, and who has one: counted live.
    Column("permanent", _("Permanent employees"), lambda s: _nth(s.coverage, 0)),
    Column(
        "covered_percent",
        _("Signed within the interval (%)"),
        lambda s: _percent(s.covered_share) if s.today else None,
    ),
    Column("missing", _("Missing a conversation"), lambda s: _nth(s.coverage, 2)),
    Column("planned", _("Planned"), lambda s: s.planned),
    Column("held", _("Held"), lambda s: s.held),
    Column("signed", _("Signed"), lambda s: s.signed),
    Column("postponed", _("Postponed"), lambda s: s.postponed),
    # What the conversations agreed and how it went: published (insight.publication).
    Column(
        "median_days_to_signature",
        _("Median days to signature"),
        _published("signatures", lambda f: f.median_days),
    ),
    Column(
        "signed_with_goals",
        _("Signed with goals"),
        _published("signatures", lambda f: f.with_goals),
    ),
    Column(
        "signed_with_goals_percent",
        _("Signed with goals (%)"),
        _published("signatures", lambda f: _percent(f.goals_share)),
    ),
    Column("actions", _("Actions"), _published("follow_up", lambda f: f.actions)),
    Column("actions_done", _("Actions done"), _published("follow_up", lambda f: f.done)),
    Column("actions_overdue", _("Actions overdue"), _published("follow_up", lambda f: f.overdue)),
    Column(
        "actions_untouched",
        lazy(_untouched, str)(),
        _published("follow_up", lambda f: f.untouched),
    ),
    Column("goals_rated", _("Goals rated"), _published("goals", lambda f: f.answers)),
    Column(
        "goals_achieved_percent",
        _("Goals achieved (%)"),
        _published("goals", lambda f: _percent(f.shares()[0])),
    ),
    Column(
        "goals_partly_percent",
        _("Goals partly achieved (%)"),
        _published("goals", lambda f: _percent(f.shares()[1])),
    ),
    Column(
        "goals_not_achieved_percent",
        _("Goals not achieved (%)"),
        _published("goals", lambda f: _percent(f.shares()[2])),
    ),
    Column(
        "leader_talk_percent",
        _("The leader's share of the talk (%)"),
        _published("signatures", lambda f: _percent(f.talk_share)),
    ),
    Column(
        "satisfaction_mean",
        _("Satisfaction with the conversation (1–5)"),
        _published("satisfaction", lambda f: round(f.mean, 2)),
    ),
    Column(
        "satisfaction_people",
        _("Rated the conversation"),
        _published("satisfaction", lambda f: f.people),
    ),
]


def cells(s: Status) -> list[tuple[str | Promise, object, Withheld | None]]:
    """(heading, value, why not) per column, for the page."""
    result: list[tuple[str | Promise, object, Withheld | None]] = []
    for column in STATUS:
        value = column.value(s)
        why = value if isinstance(value, Withheld) else None
        result.append((column.heading, None if why else value, why))
    return result


def in_file(s: Status) -> list:
    """The values per column for CSV and Excel: why a figure is withheld in its words."""
    return [str(v) if isinstance(v, Withheld) else v for v in (c.value(s) for c in STATUS)]


def in_api(s: Status) -> dict:
    """{field: value} for the API, and under "withheld" {field: why} for each figure that is
    null because it is not shown (not for those with nothing to count)."""
    values: dict[str, object] = {}
    why: dict[str, str] = {}
    for column in STATUS:
        value = column.value(s)
        if isinstance(value, Withheld):
            values[column.name] = None
            why[column.name] = str(value)
        else:
            values[column.name] = value
    return {**values, "withheld": why}


def reasons(rows: list[list]) -> list[Withheld]:
    """The reasons shown in some rows of cells, each once, for the words under a table."""
    seen: dict = {}
    for row in rows:
        for _heading, _value, why in row:
            if why is not None:
                seen.setdefault((why.code, why.cause), why)
    return list(seen.values())
