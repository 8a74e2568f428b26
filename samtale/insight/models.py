from django.conf import settings
from django.db import models


class Tally(models.Model):
    """What the organization's insight pages count, counted by the worker (insight.jobs)
    rather than on every visit: at 50,000 people the grouped queries over five years of
    conversations, 2.5 million actions and the answers take seconds.

    One row per kind and year, holding each unit's own counts (by the unit each employee is
    in now, before the tree is summed up and before the anonymity rule): the pages sum them
    up the tree and apply the rule on every visit, so a changed tree or k takes effect at
    once. Counts only: no person, conversation or answer can be read from them."""

    class Kind(models.TextChoices):
        STATUS = "status"  # insight.status.raw_status: one year's Counters per unit
        LIKERT = "likert"  # insight.selectors.raw_likert: per statement, Counters per unit
        # The same per profession group, and the ratings after signing (the filtered page)
        LIKERT_PROFESSIONS = "likert_professions"
        RATINGS = "ratings"  # insight.fairness.raw_ratings: per leader, goal results
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
