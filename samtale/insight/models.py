from django.conf import settings
from django.db import models


class Tally(models.Model):
    """The organization's status counts for the insight pages (conversations, actions and
    people: never answers), counted by the worker (insight.jobs) rather than on every visit:
    at 50,000 people the grouped queries over five years of conversations and 2.5 million
    actions take seconds.

    One row per year (or round), holding each unit's own counts by the unit each employee is
    in now, before the tree is summed up: the pages sum them up the tree on every visit, so
    a changed tree takes effect at once. The figures from answers are not counted here: they
    are published once per period (Publication)."""

    class Kind(models.TextChoices):
        STATUS = "status"  # insight.status.raw_status: one year's Counters per unit
        ROUND = "round"  # insight.status.raw_round_status: one round's Counters per unit

    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    # The round counted (Kind.ROUND), else none: its year is the round's first.
    round = models.ForeignKey(
        "rounds.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField()
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(round__isnull=True),
                name="tally_kind_year_unique",
            ),
            models.UniqueConstraint(
                fields=["round"], condition=models.Q(round__isnull=False), name="tally_round_unique"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}"


class Publication(models.Model):
    """The figures from people's answers of one closed period, published once and never
    changed (insight.publication): a year when it has ended, a round when it closed.

    `cutoff` is where the period ends: the start of the next year, or when the round closed;
    a round holds the answers of its conversations final before it. `tree` is the units'
    tree as it was ({unit: parent}), so the groups it was decided for can be told again when
    a later period is decided beside it."""

    class Kind(models.TextChoices):
        YEAR = "year"
        ROUND = "round"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()  # the year; for a round, the year it closed
    round = models.OneToOneField(
        "rounds.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cutoff = models.DateTimeField()
    k = models.PositiveSmallIntegerField()
    tree = models.JSONField(default=dict)
    published_at = models.DateTimeField()
    # What the proof checked before it was kept (insight.publication.proof.Certificate);
    # empty for a period published before there was a proof.
    proof = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["cutoff", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(kind="year"),
                name="publication_one_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.round_id or self.year}"


class PublishedFigure(models.Model):
    """One group's figure in a Publication: how many people answered and the counts per
    value (statements and satisfaction: 1–5; goal results: conversations, achieved, partly,
    not), or, withheld (people None), only why: {"why": "few"} (fewer than k answered) or
    {"why": "beside"} (shown beside the others it would give away a smaller group); None in
    periods published before issue 61. A group not here had no answers.

    `measure`: "likert:<statement>", "satisfaction" or "goals". `group`: who the figure is
    of (insight.publication.measures.GROUPS): u:org, u:<unit>, u:<unit>@<profession group>,
    l:<leader>, l:<leader>:<unit>, r:<leader>."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="figures")
    measure = models.CharField(max_length=100)
    group = models.CharField(max_length=160)
    people = models.PositiveIntegerField(null=True)  # None: withheld
    values = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "measure", "group"], name="published_figure_unique"
            )
        ]
        indexes = [models.Index(fields=["publication", "group"], name="published_figure_group")]

    def __str__(self):
        return f"{self.publication_id} {self.measure} {self.group}"


class LeadershipSnapshot(models.Model):
    """Upward feedback for one leader from one round, frozen when the round closed
    (insight.leadership): never counted live, so one more answer can never be isolated by
    comparing two visits.

    `answered` is how many of the leader's conversations in the round have an answer about
    them; `figures` holds, per statement answered by at least k, the count of each value
    1–5 ({"key": [n1, n2, n3, n4, n5]}), and nothing when fewer than k answered."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField()
    figures = models.JSONField(default=dict)
    k = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["-taken_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "leader"], name="leadership_one_per_round")
        ]

    def __str__(self):
        return f"{self.round_id}/{self.leader_id}: {self.answered}"
