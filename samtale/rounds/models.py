"""A round: the conversations of a period (e.g. "Medarbeidersamtaler 2027"), or a
series of short check-ins, for the people of some units.

Who takes part is a Participant (all permanent employees by default, the routine
says); who holds their conversation is the participant's holder (the line
manager by default). A leader gives the Windows they can use, and the scheduling
assistant proposes times inside them. The conversations themselves are ordinary
conversations, planned through the conversation services, linked to the round.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtale.conversations.models import MAX_PER_DAY
from samtale.guides.models import Guide
from samtale.org.models import Unit


class Round(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual conversations")
        WEEKLY = "weekly", _("Check-ins every week")
        BIWEEKLY = "biweekly", _("Check-ins every second week")
        MONTHLY = "monthly", _("Check-ins every month")

    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    guide = models.ForeignKey(
        Guide, verbose_name=_("template"), on_delete=models.PROTECT, related_name="rounds"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("units"), related_name="rounds")
    # The scheduling rules (the guide: 1.5–2 hours, ideally one and at most two a day).
    duration_minutes = models.PositiveIntegerField(_("length in minutes"), default=90)
    buffer_minutes = models.PositiveIntegerField(_("break between conversations"), default=15)
    max_per_day = models.PositiveIntegerField(_("at most per leader per day"), default=MAX_PER_DAY)
    # The invitation goes out this many days before the conversation.
    lead_days = models.PositiveIntegerField(_("invitation days ahead"), default=14)
    # Proposals fall between these many days from today (the guide: 1–2 weeks ahead).
    min_days_ahead = models.PositiveIntegerField(_("propose from days ahead"), default=7)
    max_days_ahead = models.PositiveIntegerField(_("propose until days ahead"), default=14)
    reminder_days = models.PositiveIntegerField(_("reminder days ahead"), default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_series(self) -> bool:
        return self.kind != self.Kind.ANNUAL

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def interval(self) -> timedelta | None:
        """Time between two check-ins of a series (a month counts as four weeks)."""
        weeks: dict[str, timedelta] = {
            self.Kind.WEEKLY: timedelta(weeks=1),
            self.Kind.BIWEEKLY: timedelta(weeks=2),
            self.Kind.MONTHLY: timedelta(weeks=4),
        }
        return weeks.get(self.kind)


class Participant(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_participations"
    )
    # The leader who holds the conversation: the line manager unless HR shares it out.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="round_holdings",
    )
    included = models.BooleanField(default=True)
    removed_reason = models.TextField(blank=True)
    added_manually = models.BooleanField(default=False)
    # The participant's current conversation in this round (the latest of a series).
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # That conversation's status ("" without one), kept with the participant so a round's
    # counts read this table alone: written by database triggers (migration 0006) whenever a
    # participant is written or its conversation's status changes, however that happens. A
    # round of a whole organization has tens of thousands.
    conversation_status = models.CharField(max_length=20, blank=True, default="")
    # The person's unit and whether they still work here, for the same counts: written by
    # database triggers (migration 0003) whenever a participant is saved or the person
    # changes unit or leaves, however that happens (a form, an import, a bulk update).
    person_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="participant_once_per_round")
        ]
        indexes = [
            models.Index(fields=["round", "holder", "included"]),
            # A round's counts per leader, unit and state (selectors.progress), from the index.
            models.Index(
                fields=[
                    "round",
                    "included",
                    "person_active",
                    "holder",
                    "person_unit",
                    "conversation_status",
                ],
                name="participant_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.round_id}"


class RoundCount(models.Model):
    """How many of a round's participants who count (included, still working here) have a
    leader, a unit and a conversation status: written only by database triggers (migration
    0004) whenever a participant is added, changed or removed, so that a round's progress is
    read from a few thousand rows, not counted over tens of thousands. 0 stands for no
    leader and no unit; a combination nobody is in any longer stays with n = 0."""

    round_id = models.BigIntegerField()
    holder_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    status = models.CharField(max_length=20, blank=True)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_id", "holder_id", "unit_id", "status"], name="round_count_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.holder_id}/{self.unit_id}/{self.status}: {self.n}"


class Window(models.Model):
    """A time a leader can hold conversations, at a place (a room or a video link)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="windows")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_windows"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(_("place"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="window_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader_id}: {self.starts_at}–{self.ends_at}"


class LeaderReminder(models.Model):
    """HR reminded a leader behind in a round (reminders.py) of their people without a time:
    at most once a week per leader and round, shown beside the leader on the round's page."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_reminders"
    )
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["round", "leader", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.leader_id} in {self.round_id} at {self.sent_at}"
