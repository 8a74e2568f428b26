"""Conversation templates (samtaleskjema): themes with prompts, Likert statements
and, in one theme, the goals-and-actions table. Versioned: a conversation keeps
the exact version it was held with.

Texts are stored per language, {"nb": "...", "nn": "...", "en": "..."}: the
built-in templates carry all three; a template HR writes carries the language
it was written in, and readers of other languages see that text.

A version's themes are a JSON list, each theme:
    {"key": "motivasjon",
     "title": {...}, "help": {...},
     "prompts": [{...}, ...],
     "statements": [{"key": "s-...", "group": {...}, "text": {...}}, ...],
     "goals": false,          # this theme is the Mål · Tiltak · Tidsfrist · Ansvar table
     "leader_only": false,    # only the leader writes here (e.g. the workplace's goals)
     "about_leader": false}   # its statements are upward feedback about the leader: answered
                              # privately, published only as a round's aggregate (insight)
Statement keys stay the same across versions while the text is the same, so
answers stay comparable.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def localized(text: dict | str | None, language: str | None = None) -> str:
    """The text in the reader's language, else bokmål, else whatever there is."""
    if not text:
        return ""
    if isinstance(text, str):
        return text
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    for code in (language, language.split("-")[0], "nb", "nn", "en"):
        if text.get(code):
            return text[code]
    return next((value for value in text.values() if value), "")


class Guide(models.Model):
    # Built-in templates have a key; templates HR writes have none.
    key = models.SlugField(max_length=50, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        current = self.versions.order_by("-number").first()
        return localized(current.name) if current else f"Guide {self.pk}"


class GuideVersion(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual conversation")
        CHECK_IN = "check_in", _("Check-in")

    class SummaryAuthor(models.TextChoices):
        EMPLOYEE = "employee", _("The employee")
        LEADER = "leader", _("The leader")

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.JSONField()
    description = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    summary_author = models.CharField(
        max_length=20, choices=SummaryAuthor.choices, default=SummaryAuthor.EMPLOYEE
    )
    duration_minutes = models.PositiveIntegerField(default=90)
    themes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["guide", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="guide_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{localized(self.name)} v{self.number}"

    @property
    def display_name(self) -> str:
        return localized(self.name)

    def theme(self, key: str) -> dict | None:
        return next((t for t in self.themes if t["key"] == key), None)

    def statements(self) -> list[dict]:
        return [s for t in self.themes for s in t.get("statements", [])]

    def leadership_keys(self) -> set[str]:
        """The keys of the statements about the leader (themes marked about_leader)."""
        return {
            s["key"] for t in self.themes if t.get("about_leader") for s in t.get("statements", [])
        }

    def goals_theme(self) -> dict | None:
        return next((t for t in self.themes if t.get("goals")), None)
