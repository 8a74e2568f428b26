"""A competence plan's downloads: CSV and Excel through the one spreadsheet writer, and a
printable PDF."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samtale.competence.selectors import Plan
from samtale.core.spreadsheet import csv_bytes, download, file_name, xlsx_bytes
from samtale.insight.anonymity import min_group

FORMATS = ("csv", "xlsx", "pdf")
FONTS = settings.BASE_DIR / "static" / "vendor" / "inter"


def _name(plan: Plan) -> str:
    return plan.unit.name if plan.unit is not None else _("The organization")


def _lines(plan: Plan) -> list[list[object]]:
    hidden = plan.figure.reason.label if plan.figure and plan.figure.reason else ""
    lines: list[list[object]] = [
        [
            _("Year"),
            _("Unit"),
            _("Kind"),
            _("Agreed as actions"),
            _("Estimated cost (NOK)"),
            _("Shared needs"),
            _("Their cost (NOK)"),
            _("Priority"),
            _("Status"),
            _("Note"),
        ]
    ]
    for row in plan.rows:
        lines.append(
            [
                plan.year,
                _name(plan),
                row.label,
                row.count if row.count is not None else str(hidden),
                row.cost if row.cost is not None else "",
                len(row.needs),
                row.needs_cost,
                row.line.get_priority_display() if row.line else "",
                row.line.get_status_display() if row.line else "",
                row.line.note if row.line else "",
            ]
        )
    if plan.unkinded_needs:
        # The shared needs that say no kind: counted with the rest, as on the page.
        lines.append(
            [
                plan.year,
                _name(plan),
                _("No kind stated"),
                "",
                "",
                len(plan.unkinded_needs),
                plan.unkinded_cost,
                "",
                "",
                "",
            ]
        )
    return [[c if isinstance(c, int) else str(c) for c in line] for line in lines]


def plan(plan: Plan, *, fmt: str):
    # Named for the unit and the year (kompetanseplan-skole-a-2026), not its number.
    unit = plan.unit.name if plan.unit else _("The whole organization")
    name = file_name("kompetanseplan", unit, plan.year)
    if fmt == "pdf":
        import weasyprint  # Pango is loaded on first use, not when Django starts.

        html = render_to_string(
            "competence/plan_pdf.html",
            # k: the sentences saying why a figure is hidden name the minimum.
            {"plan": plan, "name": _name(plan), "fonts": FONTS.as_uri(), "k": min_group()},
        )
        content = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
        return download(content, filename=f"{name}.pdf")
    lines = _lines(plan)
    if fmt == "csv":
        return download(csv_bytes(lines), filename=f"{name}.csv")
    return download(xlsx_bytes(lines, sheet_title=_("Competence plan")), filename=f"{name}.xlsx")
