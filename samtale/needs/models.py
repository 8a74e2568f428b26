"""The shared-needs register (seed 002: needs that call for common solutions are raised at
leader level; those that cost money go into the autumn budget).

A need is raised in a conversation (RaisedNeed), written without personal details, and
stays between the two until the signed conclusion shares it: then it reaches the register
(Need) for the unit's leaders and HR, who see how many conversations raised it, never
which. Similar needs are merged; each has a status with its history (NeedChange)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtale.conversations.models import CompetenceKind


class Category(models.TextChoices):
    ROUTINE = "routine", _("A routine to change")
    COMPETENCE = "competence", _("Competence to build")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other")


class Need(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONSIDERING = "considering", _("Under consideration")
        BUDGET = "budget", _("In the budget")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="needs")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # Which kind of competence (a need of Category.COMPETENCE only): the plan groups by it.
    competence = models.CharField(
        _("kind of competence"), max_length=20, choices=CompetenceKind.choices, blank=True
    )
    text = models.TextField(_("the need"))
    cost = models.PositiveIntegerField(_("estimated cost (NOK)"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    # The year it reached the register: the budget year's work starts from it.
    year = models.PositiveSmallIntegerField()
    # How many signed conversations raised it (this need's and those merged into it).
    conversations = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # Put in the budget from a unit's competence plan (competence.services), not raised in
    # a conversation: the unit's leaders see it as they see the plan.
    from_plan = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "category", "year"], name="need_unit_category")]

    def __str__(self) -> str:
        return self.text[:60]


class NeedChange(models.Model):
    """A step in a need's history: its status set, with a comment, or another merged in."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=20, choices=Need.Status.choices)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.status}"


class RaisedNeed(models.Model):
    """A need raised in a conversation by either party; both see it. It reaches the register
    only if `share` is set when both sign (the conclusion shares it explicitly)."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="raised_needs"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    competence = models.CharField(
        _("kind of competence"), max_length=20, choices=CompetenceKind.choices, blank=True
    )
    text = models.TextField(_("the need"))
    cost = models.PositiveIntegerField(_("estimated cost (NOK)"), null=True, blank=True)
    share = models.BooleanField(default=False)
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="raised"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
