"""HTML for the leader overview's list, built in Python.

The overview is the page a leader opens most, and the benchmark measures it: twenty
cards rendered by the template engine cost more than all its queries. Each value
goes through format_html, so everything is escaped as in a template.
"""

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _day(value) -> str:
    # Dates as Norwegians write them, in every UI language (config/formats).
    return value.strftime("%d.%m.%Y") if value else "—"


def report_cards(rows) -> SafeString:
    """The cards of the overview: one per report, counts first, actions on demand."""
    labels = (
        _("In progress"),
        _("Remaining"),
        _("Overdue"),
        _("Nearest deadline"),
        _("Last conversation"),
    )
    show, open_list = _("Show the actions"), _("Open the list")

    def card(row):
        details = (
            format_html(
                '<details><summary>{}<span class="visually-hidden"> – {}</span></summary>'
                '<div hx-get="{}" hx-trigger="toggle once from:closest details" hx-swap="outerHTML">'
                '<p><a href="{}">{}</a></p></div></details>',
                show,
                row.person.full_name,
                row.actions_url,
                row.actions_url,
                open_list,
            )
            if row.in_progress or row.remaining
            else ""
        )
        return (
            " attention" if row.overdue else "",
            row.url,
            row.person.full_name,
            row.person.job_title,
            labels[0],
            row.in_progress,
            labels[1],
            row.remaining,
            mark_safe(' class="bad"') if row.overdue else "",  # noqa: S308 - a fixed literal
            labels[2],
            row.overdue,
            labels[3],
            _day(row.nearest_deadline),
            labels[4],
            _day(timezone.localdate(row.last_conversation) if row.last_conversation else None),
            details,
        )

    return format_html_join(
        "\n",
        '<li class="card report{}"><div class="report-head"><h2><a href="{}">{}</a></h2>'
        '<p class="muted">{}</p></div><dl class="counts">'
        "<div><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd>{}</dd></div>"
        "<div{}><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd>{}</dd></div>"
        "<div><dt>{}</dt><dd>{}</dd></div></dl>{}</li>",
        (card(row) for row in rows),
    )
