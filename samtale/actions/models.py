"""Goals and actions agreed in a conversation (Mål · Tiltak · Tidsfrist · Ansvar).

A conversation's goals each carry actions. What was agreed is frozen in the
signed summary; the goals and actions themselves live on and are followed up.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.conversations.models import ActionStatus, CompetenceKind, Responsible


class Goal(models.Model):
    class Result(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="goals"
    )
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("goal"))
    # The workplace's goal for the year it serves (priorities), chosen at the meeting.
    serves = models.ForeignKey(
        "priorities.Priority",
        verbose_name=_("serves the unit's goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="served_by",
    )
    # The "Resultat" of the basic template, recorded when the goal is reviewed.
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    learned = models.TextField(_("what we learned"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Where the employee stood when the result was recorded (org.selectors.position_of): it
    # counts there in the published figures (insight.publication), whoever moves afterwards.
    counted_as = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["conversation", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def reached_with_open_actions(self) -> bool:
        """Marked achieved while one of its actions is still open: the follow-up says so
        beside it (a hint, never a refusal: a goal may be reached another way). From the
        actions prefetched, where they are."""
        return self.result == self.Result.ACHIEVED and any(a.is_open for a in self.actions.all())


class Action(models.Model):
    # The conversation's words for what it agrees on (conversations.models).
    Responsible = Responsible
    Status = ActionStatus

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("action"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=Responsible.choices, default=Responsible.EMPLOYEE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    # A competence need (a course, training, further education, guidance) and its estimated
    # cost in kroner: the unit's competence plan counts them (competence.plan).
    competence = models.CharField(
        _("competence need"), max_length=20, choices=CompetenceKind.choices, blank=True
    )
    cost = models.PositiveIntegerField(_("estimated cost (NOK)"), null=True, blank=True)
    # Added after the conversation was signed: not part of the signed agreement.
    added_after_signing = models.BooleanField(default=False)
    # Copied from the conversation so the follow-up overviews need no joins (a leader with
    # 20 reports among a million actions): the two parties, and whether it is followed
    # up (the conversation is signed). Kept in step by the services that change them.
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    followed = models.BooleanField(default=False)
    # The open action of an earlier conversation this one continues (carried over in the
    # meeting): once this conversation is signed, the earlier one is followed up here, and
    # is no longer followed up there (actions.receivers).
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    # When the leader last reminded the employee of it (actions.services.action_remind): at
    # most once a week. A reminder is no update: updated_at stays as it was.
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Days from one reminder of an action to the next (by the date in Europe/Oslo).
    REMIND_EVERY_DAYS = 7

    class Meta:
        ordering = ["goal", "order", "pk"]
        indexes = [
            # Covers the leader overview (actions.overview.OVERVIEW_SQL): it reads only the
            # index, never the table, for a leader's open actions.
            models.Index(
                fields=["leader", "followed", "status", "deadline", "employee", "responsible"]
            ),
            models.Index(fields=["employee", "followed", "status", "deadline"]),
            models.Index(fields=["followed", "status", "deadline"]),
            # The organization's open actions (HR's pitfall counts and lists, at any size):
            # counted and listed by deadline from this index alone.
            models.Index(
                fields=["deadline", "id", "updated_at"],
                condition=Q(followed=True, status__in=["not_started", "in_progress"]),
                name="action_open_by_deadline",
            ),
            # ... and those without an update for a while, by when they were last updated.
            models.Index(
                fields=["updated_at"],
                condition=Q(followed=True, status__in=["not_started", "in_progress"]),
                name="action_open_by_update",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)

    @property
    def reminded_on(self) -> date | None:
        """The day of the last reminder, in Europe/Oslo."""
        return timezone.localdate(self.reminded_at) if self.reminded_at else None

    @property
    def next_reminder_on(self) -> date | None:
        """The first day another reminder may go (None: there was none yet)."""
        last = self.reminded_on
        return last + timedelta(days=self.REMIND_EVERY_DAYS) if last else None

    @property
    def remindable(self) -> bool:
        """Whether the leader may remind the employee of it today: open, the employee answers
        for it (alone or with the leader), and no reminder within the week."""
        return (
            self.is_open
            and self.responsible != Responsible.LEADER
            and (self.next_reminder_on is None or self.next_reminder_on <= timezone.localdate())
        )

    @property
    def reminder_pending(self) -> bool:
        """Reminded, still open, and not touched since: the employee's home shows it first."""
        return (
            self.is_open
            and self.reminded_at is not None
            and (self.updated_at is None or self.reminded_at >= self.updated_at)
        )


class ActionUpdate(models.Model):
    """One step in an action's life: a status change, a comment, or both. Both parties see it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Action.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Action.Status.choices, blank=True)
    comment = models.TextField(blank=True)
    # A new deadline (actions.services.action_deadline_move): the one before and the new one;
    # the comment says why.
    deadline_from = models.DateField(null=True, blank=True)
    deadline_to = models.DateField(null=True, blank=True)
    # The action passed from one leader to another (a change of line manager: the employee
    # passed their follow-up on, actions.services.follow_up_handover_decide).
    leader_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leader_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_status} → {self.to_status}"
