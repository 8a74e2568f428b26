"""A conversation between an employee and the leader who holds it, from plan to signature.

Salary is deliberately not a field anywhere: it is not a topic of the conversation.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from samtale.conversations.parties import Party
from samtale.guides.models import GuideVersion

# Conversations a leader holds a day, where a round does not set its own (Round.max_per_day):
# the guide's "at most one or two a day".
MAX_PER_DAY = 2


# What a conversation agrees on is goals, each with actions (Mål · Tiltak · Tidsfrist ·
# Ansvar): the actions app keeps and follows them up; their words are the conversation's,
# spoken by its summary, its corrections and their forms.
class Responsible(models.TextChoices):
    EMPLOYEE = "employee", _("The employee")
    LEADER = "leader", _("The leader")
    BOTH = "both", _("Both")


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


# An action or a shared need can be a competence need (Hovedtariffavtalen ch. 3: the yearly
# mapping of competence needs): the unit's competence plan counts them by kind.
class CompetenceKind(models.TextChoices):
    COURSE = "course", _("Course")
    TRAINING = "training", _("Training")
    FURTHER_EDUCATION = "further_education", _("Further education")
    GUIDANCE = "guidance", _("Guidance")


# The highest estimated cost of one action or need, in kroner.
MAX_COST = 100_000_000


class Conversation(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        INVITED = "invited", _("Invited")
        PREPARED = "prepared", _("Prepared")
        HELD = "held", _("Held")
        SUMMARY_AGREED = "summary_agreed", _("Summary agreed")
        SIGNED = "signed", _("Signed")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    Kind = GuideVersion.Kind
    SummaryAuthor = GuideVersion.SummaryAuthor
    # Done with: in this order everywhere, as the partial index "conversation_open" has it.
    # SQLite uses a partial index only for a WHERE written as the index's own: a query with
    # ('cancelled', 'signed') read all 250,000 conversations of the benchmark (0.5 s).
    CLOSED = (Status.SIGNED, Status.CANCELLED)
    # Booked: a time set, not yet held (the guide's limit a day counts these).
    BOOKED = (Status.PLANNED, Status.INVITED, Status.PREPARED)

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversations"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="held_conversations"
    )
    guide_version = models.ForeignKey(
        GuideVersion, on_delete=models.PROTECT, related_name="conversations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    scheduled_at = models.DateTimeField(_("time"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("length in minutes"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    # Where a postponed conversation returns to when it gets a new time.
    status_before_postponement = models.CharField(max_length=20, blank=True)
    postponed_count = models.PositiveIntegerField(default=0)
    summary_author = models.CharField(
        max_length=20, choices=SummaryAuthor.choices, default=SummaryAuthor.EMPLOYEE
    )
    # The meeting
    covered_themes = models.JSONField(default=list, blank=True)
    closing_steps = models.JSONField(default=list, blank=True)
    talk_leader_seconds = models.PositiveIntegerField(default=0)
    talk_employee_seconds = models.PositiveIntegerField(default=0)
    # When the meeting was held (closed): beside the planned time, which it never replaces.
    held_at = models.DateTimeField(null=True, blank=True)
    # Said up front on the meeting screen before the day it is planned for ("We hold the
    # conversation now": lifecycle.conversation_hold_now), so that closing it asks nothing
    # more; cleared when it is moved or postponed instead.
    started_early_at = models.DateTimeField(null=True, blank=True)
    # Whether any goal was agreed: kept by database triggers (actions migration 0011) however a
    # goal is written or deleted, so that HR's count of signed conversations without goals
    # reads an index and not every goal there is.
    has_goals = models.BooleanField(default=False)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The round it was planned in, if any.
    round = models.ForeignKey(
        "rounds.Round",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    # The calendar invitation's SEQUENCE: raised by every update and the cancellation.
    ics_sequence = models.PositiveIntegerField(default=0)
    # Where the employee stood when it was signed and its answers to the statements became
    # final (org.selectors.position_of): they count there in the published figures
    # (insight.publication), whoever moves afterwards.
    counted_as = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        indexes = [
            models.Index(fields=["employee", "status"]),
            models.Index(fields=["leader", "status"]),
            # The follow-up overview's "last conversation" per report, from the index alone.
            models.Index(fields=["leader", "employee", "held_at"]),
            # Who is missing a conversation (rounds.coverage.coverage_by_unit): everyone's
            # last signed annual conversation, read from the index alone.
            models.Index(
                fields=["employee", "signed_at"],
                condition=models.Q(status="signed", kind="annual"),
                name="conversation_signed_annual",
            ),
            # The pitfalls of open conversations (actions.nudges.pitfall_counts): the few
            # that are neither signed nor cancelled, without reading the years behind them.
            models.Index(
                fields=["scheduled_at"],
                condition=~models.Q(status__in=["signed", "cancelled"]),  # = CLOSED
                name="conversation_open",
            ),
            # HR's pitfalls of the last year (actions.nudges.pitfall_counts), from the index
            # alone: the leader's talk-time share, and signed conversations without goals.
            models.Index(
                fields=["held_at", "talk_leader_seconds", "talk_employee_seconds"],
                condition=models.Q(talk_leader_seconds__gt=0),
                name="conversation_talk",
            ),
            models.Index(
                fields=["held_at"],
                condition=models.Q(status="signed", has_goals=False),
                name="conversation_signed_no_goals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} / {self.leader} ({self.get_status_display()})"

    @property
    def is_locked(self) -> bool:
        """Signed or cancelled: the content can no longer change (a correction is a new revision)."""
        return self.status in (self.Status.SIGNED, self.Status.CANCELLED)

    @property
    def goals_editable(self) -> bool:
        """Goals and actions are written in the meeting and while the summary is drafted;
        once the summary is agreed, what was agreed no longer changes there."""
        S = self.Status
        return self.status in (S.PLANNED, S.INVITED, S.PREPARED, S.HELD)

    @property
    def is_followed_up(self) -> bool:
        """Signed (at least once) and not cancelled: its actions are agreed and followed up."""
        return self.signed_at is not None and self.status == self.Status.SIGNED

    @property
    def held_or_planned_at(self):
        """The time every page, e-mail, export and the API give as the conversation's: when
        it was held, else when it is planned for. A meeting held on another day than
        planned (lifecycle.conversation_hold_now) keeps its planned time in scheduled_at,
        shown beside it where both matter; this is the day it was held.
        held_or_planned_at_sql is the same in a query."""
        return self.held_at or self.scheduled_at

    @property
    def talk_leader_share(self) -> int | None:
        total = self.talk_leader_seconds + self.talk_employee_seconds
        return round(100 * self.talk_leader_seconds / total) if total else None

    def party(self, person) -> str | None:
        """'employee', 'leader' or None: the side a person is on in this conversation."""
        if person.pk == self.employee_id:
            return "employee"
        if person.pk == self.leader_id:
            return "leader"
        return None


def held_or_planned_at_sql(prefix: str = "") -> Coalesce:
    """Conversation.held_or_planned_at in a query (to order or filter by it); `prefix` is the
    path to the conversation, e.g. "conversation__"."""
    return Coalesce(f"{prefix}held_at", f"{prefix}scheduled_at")


class StatusChange(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Conversation.Status.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class InvitationAnswer(models.Model):
    """A party's answer to the calendar invitation, as their mail program sent it back to
    Samtale's calendar address (an iMIP REPLY or COUNTER: conversations.services.replies).
    One per party, the latest. It holds for the invitation whose SEQUENCE it answered: after
    a move (SEQUENCE + 1) both are asked again. No text from the reply is kept (its COMMENT
    could be content): the answer, the time proposed, and when. In the app: TimeProposal (imported below)."""

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        TENTATIVE = "tentative", _("Maybe")
        DECLINED = "declined", _("Declined")
        # A new time proposed without accepting or declining the one there is.
        NEEDS_ACTION = "needs_action", _("Not answered")

    Party = Party

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="invitation_answers"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    answer = models.CharField(max_length=20, choices=Answer.choices)
    # A counter-proposal (COUNTER): the time the party proposed instead.
    proposed_start = models.DateTimeField(null=True, blank=True)
    proposed_end = models.DateTimeField(null=True, blank=True)
    # The invitation's SEQUENCE it answered, and its DTSTAMP: of two answers to the same
    # invitation the later one counts, whatever order they arrive in.
    sequence = models.PositiveIntegerField()
    stamped_at = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "party"], name="invitation_answer_one_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.party}: {self.answer}"

    @property
    def proposed_minutes(self) -> int | None:
        if self.proposed_start is None or self.proposed_end is None:
            return None
        return int((self.proposed_end - self.proposed_start).total_seconds() // 60)


class Preparation(models.Model):
    """One party's preparation: notes per theme, private until shared."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="preparations"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(null=True, blank=True)
    # The leader's private checklist of the guide's preparation questions (their indexes).
    checklist = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "author"], name="preparation_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} – {self.conversation_id}"


class Note(models.Model):
    preparation = models.ForeignKey(Preparation, on_delete=models.CASCADE, related_name="notes")
    theme_key = models.CharField(max_length=80)
    text = models.TextField(blank=True)
    # Bumped on every save; an edit based on an older version is a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=0)
    # When its author shared it with the other party; None: private to the author.
    shared_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["preparation", "theme_key"], name="note_one_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.preparation_id}:{self.theme_key}"


class StatementAnswer(models.Model):
    """An answer (1–5) to one of a template's statements, in one conversation."""

    statement_key = models.CharField(max_length=80)
    value = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.statement_key}={self.value}"


class LikertAnswer(StatementAnswer):
    """The employee's answer (1–5) to one of the template's statements."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="likert_answers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "statement_key"], name="likert_one_per_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5), name="likert_value_1_to_5"
            ),
        ]


class LeadershipAnswer(StatementAnswer):
    """The employee's answer (1–5) to a statement about their leader (upward feedback).

    Kept apart from LikertAnswer so that nothing that reads or shares the answers of a
    conversation can reach these: only the employee reads their own, and the leader and
    their leader see them only as a round's frozen aggregate for at least k people
    (samtale.insight.leadership)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="leadership_answers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "statement_key"], name="leadership_one_per_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5), name="leadership_value_1_to_5"
            ),
        ]


class SummaryRevision(models.Model):
    """The written summary and conclusion. After signing it is locked; a correction
    is a new revision, signed again, and the earlier ones are kept."""

    class Conclusion(models.TextChoices):
        ACTIONS = "actions", _("The goals and actions we agreed")
        NO_ACTIONS = "no_actions", _("No special actions needed")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="summaries"
    )
    number = models.PositiveIntegerField(default=1)
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    conclusion = models.CharField(max_length=20, choices=Conclusion.choices, blank=True)
    # What, if anything, may be told outside the two. Empty: nothing.
    shared_outside = models.TextField(blank=True)
    # A correction (number > 1): why, and who proposed it (created_at says when).
    reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An open correction either party withdrew (with why) before both signed it: kept,
    # never in force, and no longer the revision being written.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    # The reviewer's comment while they write it (autosaved); it becomes part of the
    # record as a SummaryComment when they send it, send the draft back or approve.
    comment = models.TextField(blank=True)
    comment_version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    employee_signed_at = models.DateTimeField(null=True, blank=True)
    leader_signed_at = models.DateTimeField(null=True, blank=True)
    # The goals and actions as agreed, frozen when both have signed.
    agreed_goals = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="summary_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} rev {self.number}"

    @property
    def is_signed(self) -> bool:
        return bool(self.employee_signed_at and self.leader_signed_at)


class SummaryComment(models.Model):
    """A comment on one revision of the summary, kept with it after approval and signing."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        SENT_BACK = "sent_back", _("Sent back")
        APPROVED = "approved", _("Approved")

    revision = models.ForeignKey(SummaryRevision, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.revision_id}: {self.kind}"


class Feedback(models.Model):
    """The employee's answer to "how was the conversation?", asked once after signing.

    A rating of None means they chose not to answer; they are not asked again.
    """

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    # Where the employee stood when they rated (org.selectors.position_of): the rating counts
    # there in the published figures (insight.publication), whoever moves afterwards.
    counted_as = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.rating}"


class SummaryShare(models.Model):
    """The employee let a later leader read the summary in force of a signed conversation,
    after their line manager changed (actions.services.follow_up_handover_decide): that
    leader reads that text and the goals agreed, nothing else of the conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="summary_shares"
    )
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "reader"], name="summary_share_once_per_reader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} → {self.reader_id}"


from samtale.conversations.proposal_models import TimeProposal  # noqa: E402, F401, I001
