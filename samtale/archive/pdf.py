"""The signed follow-up form as PDF/A-2a: tagged for screen readers (its structure tree
finished by archive.pdf_tags), fonts embedded.

WeasyPrint renders `archive/form.html` in the conversation's language from the frozen
content (archive.content). The typeface is the interface's own Inter, read from the vendored
files, so the document looks the same on every machine whatever fonts it has.
"""

from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samtale.archive.pdf_tags import finish_structure

# PDF/A-2 level A: the archival profile with a tagged structure (PRONOM fmt/476).
PDF_VARIANT = "pdf/a-2a"
PRONOM = "fmt/476"
FONTS = settings.BASE_DIR / "static" / "vendor" / "inter"


def _when(value: str | None) -> datetime | None:
    return timezone.localtime(datetime.fromisoformat(value)) if value else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def form_html(content: dict, fingerprint: str) -> str:
    """The form as HTML, in its own language."""
    with translation.override(content["language"]):
        return render_to_string(
            "archive/form.html",
            {
                "form": content,
                "fingerprint": fingerprint,
                "held_at": _when(content["held_at"]),
                "employee_signed_at": _when(content["signed"]["employee"]),
                "leader_signed_at": _when(content["signed"]["leader"]),
                "goals": [
                    {
                        "goal": goal["goal"],
                        "serves": goal.get("serves", ""),
                        "actions": [
                            action | {"deadline": _day(action["deadline"])}
                            for action in goal["actions"]
                        ],
                    }
                    for goal in content["goals"]
                ],
                "fonts": FONTS.as_uri(),
            },
        )


def render_pdf(content: dict, fingerprint: str) -> bytes:
    """The PDF/A bytes of the form. Raises whatever WeasyPrint raises: the caller records it."""
    import weasyprint  # Pango is loaded on first use, not when Django starts.

    return weasyprint.HTML(
        string=form_html(content, fingerprint), base_url=str(settings.BASE_DIR)
    ).write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_identifier=fingerprint[:32].encode(),
        # The structure tree mended for screen readers (archive.pdf_tags).
        finisher=finish_structure,
    )
