"""The insight pages' CSV and Excel files: each holds the figures its page shows, and why
the others are not shown, in words, written by the one spreadsheet writer
(core.spreadsheet)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from samtale.core.spreadsheet import csv_bytes, download, file_name, xlsx_bytes
from samtale.insight import columns, fairness, leadership
from samtale.insight.analysis import Comparison
from samtale.insight.answers import Answers
from samtale.insight.publication.figures import Figure

FORMATS = ("csv", "xlsx")
HEADINGS_ANSWERS = (_("Year"), _("Statement"), _("Area"), _("Unit"), _("People"), _("Mean"))


def answers(page: Answers, *, profession: str | None, fmt: str) -> HttpResponse:
    """The year's figures the page shows: the unit and those right below it, each withheld
    figure with why, in words. The year's file holds that year alone (svar-2025.csv no row
    of 2024): the years before are each a file of their own."""
    lines: list[list[object]] = [
        [*(str(h) for h in HEADINGS_ANSWERS), "1", "2", "3", "4", "5", str(_("Note"))]
    ]
    for _kind, title, area, by_unit in page.shown_in(page.year, page.units):
        for unit, figure in by_unit.items():
            if isinstance(figure, Figure):
                numbers = [figure.people, round(figure.mean, 2), *figure.counts, ""]
            elif figure is not None:
                numbers = ["", "", "", "", "", "", "", str(figure)]
            else:
                continue
            lines.append([page.year, title, area, page.name(unit), *numbers])
    suffix = f"-{slugify(profession)}" if profession else ""
    return _file(lines, fmt, _("Answers to the statements"), f"svar-{page.year}{suffix}.{fmt}")


def status(page: Comparison, *, fmt: str) -> HttpResponse:
    """The unit and those right below it in the year (or the round), and the unit the years
    before."""
    year, round_ = page.analysis.year, page.analysis.round
    lines: list[list[object]] = [
        [str(h) for h in (_("Year"), _("Unit"), *(c.heading for c in columns.STATUS))]
    ]
    when = round_.name if round_ else year
    lines += [[when, page.name(unit), *columns.in_file(s)] for unit, s in page.compared]
    lines += [[y, page.name(page.node), *columns.in_file(s)] for y, s in page.trend if y != year]
    label = f"runde-{round_.pk}" if round_ else year
    return _file(lines, fmt, _("Status analysis"), f"statusanalyse-{label}.{fmt}")


def leadership_feedback(snapshots, texts: dict, *, fmt: str) -> HttpResponse:
    """Every snapshot the user may see, a line per statement."""
    lines: list[list[object]] = [
        [
            *(str(h) for h in (_("Round"), _("Leader"), _("Statement"), _("People"), _("Mean"))),
            *("1", "2", "3", "4", "5"),
        ]
    ]
    for snapshot in snapshots:
        for text, figure in leadership.snapshot_rows(snapshot, texts):
            lines.append(
                [
                    snapshot.round.name,
                    snapshot.leader.full_name,
                    text,
                    figure.people,
                    round(figure.mean, 2),
                    *figure.counts,
                ]
            )
    # Dated: the figures are as they stand the day it is downloaded.
    name = file_name("ledelse", day=timezone.localdate(), ext=fmt)
    return _file(lines, fmt, _("Feedback on leadership"), name)


def rating_habits(habits: list, names: dict, *, year: int, fmt: str) -> HttpResponse:
    """The flagged leaders, with the numbers behind each flag."""
    lines: list[list[object]] = [[str(h) for h in fairness.HEADINGS]]
    lines += [fairness.cells(h, names.get(h.leader_id, "–")) for h in habits]
    return _file(lines, fmt, _("Rating habits"), f"vurderingsvaner-{year}.{fmt}")


def _file(lines: list, fmt: str, sheet_title, filename: str) -> HttpResponse:
    content = csv_bytes(lines) if fmt == "csv" else xlsx_bytes(lines, sheet_title=str(sheet_title))
    return download(content, filename=filename)
