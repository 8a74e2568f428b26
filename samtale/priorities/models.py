"""The workplace's priority goals and focus areas for a year (theme 7 of the form: "Prioriterte
mål og satsingsområder for arbeidsplassen", seed 001): written once a year by a leader for
their unit, and by HR for any unit and for the organization itself, instead of again in each
of the year's conversations. Every conversation of the year shows its unit's.

Not confidential, as the unit's name is not: the people of a unit read their unit's goals in
their preparation. A unit's goal may fall under one of the organization's goals of the same
year (parent).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.Model):
    class Kind(models.TextChoices):
        GOAL = "goal", _("Goal")
        FOCUS = "focus", _("Focus area")

    year = models.PositiveSmallIntegerField(_("year"))
    # None: the organization's own goals, which HR writes.
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GOAL)
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("what it means for us"), blank=True)
    # The organization's goal of the same year this one serves.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("serves the organization's goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year", "order", "pk"]
        indexes = [models.Index(fields=["unit", "year", "order"])]
        verbose_name = _("priority goal")
        verbose_name_plural = _("priority goals")

    def __str__(self) -> str:
        return self.title
