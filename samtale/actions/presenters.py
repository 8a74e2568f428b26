"""HTML for the leader overview's list, built in Python.

The overview is the page a leader opens most, and the benchmark measures it: twenty
cards through the template engine cost more than all of the page's queries, and so
do twenty format_html calls. Every text from the database goes through html.escape
(the same five characters Django escapes); the numbers are integers.
"""

from functools import cache
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samtale.actions.forms import FilterForm
from samtale.actions.selectors import Filters
from samtale.core.fragments import fragment


def _day(value) -> str:
    # Dates as Norwegians write them, in every UI language (config/formats).
    # (strftime took a tenth of the cards' time; %-formatting is the fastest way here.)
    return "%02d.%02d.%d" % (value.day, value.month, value.year) if value else "—"  # noqa: UP031


@cache
def _links() -> tuple[str, str]:
    """A report's page and their actions in the overview, with {pk} for the person."""
    return tuple(
        reverse(name, args=[0]).replace("/0/", "/{pk}/")
        for name in ("person_detail", "follow_up_person")
    )


@cache
def _labels(language: str) -> tuple[str, ...]:
    """The cards' texts in `language` (the active one), escaped."""
    return tuple(
        escape(label)
        for label in (
            _("In progress"),
            _("Remaining"),
            _("Overdue"),
            _("Nearest deadline"),
            _("Last conversation"),
            _("Show the actions"),
            _("Open the list"),
        )
    )


def report_cards(rows, *, query: str = "") -> SafeString:
    """The cards of the overview: one per report, counts first, actions on demand. The
    links to a report's actions keep the overview's filters (`query`)."""
    person_link, actions_link = (escape(link) for link in _links())
    suffix = escape(f"?{query}") if query else ""
    tz = timezone.get_current_timezone()
    in_progress, remaining, overdue, nearest, last, show, open_list = _labels(get_language())
    cards = []
    for row in rows:
        name = escape(row.person.full_name)
        url = person_link.format(pk=int(row.person.pk))
        actions_url = actions_link.format(pk=int(row.person.pk)) + suffix
        last_held = row.last_conversation.astimezone(tz).date() if row.last_conversation else None
        details = (
            f'<details><summary>{show}<span class="visually-hidden"> – {name}</span></summary>'
            f'<div hx-get="{actions_url}" hx-trigger="toggle once from:closest details" hx-swap="outerHTML">'
            f'<p><a href="{actions_url}">{open_list}</a></p></div></details>'
            if row.in_progress or row.remaining
            else ""
        )
        cards.append(
            f'<li class="card report{" attention" if row.overdue else ""}">'
            f'<div class="report-head"><h2><a href="{url}">{name}</a></h2>'
            f'<p class="muted">{escape(row.person.job_title)}</p></div><dl class="counts">'
            f"<div><dt>{in_progress}</dt><dd>{int(row.in_progress)}</dd></div>"
            f"<div><dt>{remaining}</dt><dd>{int(row.remaining)}</dd></div>"
            f"<div{' class="bad"' if row.overdue else ''}><dt>{overdue}</dt><dd>{int(row.overdue)}</dd></div>"
            f"<div><dt>{nearest}</dt><dd>{_day(row.nearest_deadline)}</dd></div>"
            f"<div><dt>{last}</dt><dd>{_day(last_held)}</dd></div></dl>{details}</li>"
        )
    return mark_safe("\n".join(cards))  # noqa: S308 - every interpolated text is escaped above


def filter_form(filters: Filters) -> SafeString:
    """The overview's filter form: it depends on the chosen filters and the language only."""
    return fragment(
        "actions/_filters.html", filters, lambda: {"selects": FilterForm.selects(filters)}
    )
