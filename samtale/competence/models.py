"""The unit's competence plan for a year (Hovedtariffavtalen ch. 3: the yearly mapping of
competence needs, a joint task with the union representatives): what the year's
conversations agreed as competence needs, counted by kind from the published figures
(insight.publication), beside the shared needs for competence in the register.

What is kept here is only what the plan's readers write: per kind of competence, the
leader's priority and status (PlanLine), and the comments of the leader, HR and the union
representatives (PlanComment). The counts and costs are never stored here: they are read
from what was published, so the plan shows no figure the publication rule held back.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtale.conversations.models import CompetenceKind


class PlanLine(models.Model):
    """The leader's decision on one kind of competence need in a unit's plan for a year."""

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        BUDGET = "budget", _("In the budget")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    # None: the organization's own plan, which HR keeps.
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=CompetenceKind.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.TextField(_("note"), blank=True)
    # The shared need it put in the budget list (needs.Need), once its status was "budget".
    need = models.ForeignKey(
        "needs.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "kind"],
                condition=models.Q(unit__isnull=False),
                name="plan_line_unit_year_kind",
            ),
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=models.Q(unit__isnull=True),
                name="plan_line_org_year_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id or 'org'} {self.year} {self.kind}"


class PlanComment(models.Model):
    """A comment on a unit's plan for a year: by its leader, HR or a union representative."""

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["unit", "year", "at"], name="plan_comment_unit_year")]

    def __str__(self) -> str:
        return self.text[:60]
