"""Rating habits: where leaders rate (the goals' results, achieved · partly · not), flag to HR
the leaders who rate nearly everyone alike, and those who are systematically stricter or
more lenient than their peers. A flag describes a leader's habit, never an employee, and is
raised only for a leader with at least k rated conversations.

A goal's result is scored 1 (not achieved), 2 (partly) or 3 (achieved). A leader's mean is
shrunk towards the organization's (empirical Bayes: the fewer the ratings and the larger the
spread within leaders, the more), so a leader with few ratings is not flagged for chance;
a leader is strict or lenient when the shrunk mean lies more than two standard errors
(the pooled spread within leaders over the root of their ratings) from the organization's.
Nearly alike: at least 90 % of their ratings are the same result.

The counts are the year's published goal results per leader who held the conversation
(insight.publication, groups "r:<leader>"): a leader whose results could reveal fewer than k
employees, on their own or beside any other published figure, is not assessed."""

import math
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from samtale.actions.models import Goal
from samtale.insight.publication.figures import Figure
from samtale.insight.publication.measures import RESULTS

SCORES = {Goal.Result.NOT_ACHIEVED: 1, Goal.Result.PARTLY: 2, Goal.Result.ACHIEVED: 3}
ALIKE = 0.9  # the share of one result that makes "nearly everyone alike"
Z = 2  # standard errors


@dataclass
class Habit:
    leader_id: int
    conversations: int
    counts: Counter  # ratings per result
    mean: float
    shrunk: float
    standard_error: float
    alike: bool = False
    strict: bool = False
    lenient: bool = False

    @property
    def ratings(self) -> int:
        return sum(self.counts.values())

    @property
    def most_common_share(self) -> float:
        return 100 * max(self.counts.values()) / self.ratings

    @property
    def flagged(self) -> bool:
        return self.alike or self.strict or self.lenient

    def share(self, result: str) -> float:
        return 100 * self.counts[result] / self.ratings


@dataclass
class Habits:
    organization_mean: float | None
    assessed: int  # leaders with at least k rated conversations
    habits: list[Habit]

    @property
    def flagged(self) -> list[Habit]:
        return [habit for habit in self.habits if habit.flagged]


def from_published(figures: dict[int, Figure]) -> tuple[dict[int, Counter], dict[int, int]]:
    """({leader: Counter of results}, {leader: rated conversations}) from the published
    figures of each leader's conversations."""
    counts = {
        leader: Counter(dict(zip(RESULTS, figure.counts, strict=True)))
        for leader, figure in figures.items()
    }
    return counts, {leader: figure.conversations or 0 for leader, figure in figures.items()}


def rating_habits(counts: dict[int, Counter], conversations: dict[int, int], *, k: int) -> Habits:
    """The habits of the leaders with at least k rated conversations, against each other."""
    assessed = {
        leader: c for leader, c in counts.items() if conversations.get(leader, 0) >= k and c.total()
    }
    if not assessed:
        return Habits(organization_mean=None, assessed=0, habits=[])

    def total(c: Counter) -> int:
        return sum(c.values())

    def score_sum(c: Counter) -> int:
        return sum(SCORES[result] * n for result, n in c.items())

    n_all = sum(total(c) for c in assessed.values())
    mu = sum(score_sum(c) for c in assessed.values()) / n_all
    means = {leader: score_sum(c) / total(c) for leader, c in assessed.items()}
    # The pooled variance within leaders, and the variance of the leaders' true means
    # (method of moments: the spread of the means less what chance alone gives them).
    within_ss = sum(
        (SCORES[result] - means[leader]) ** 2 * n
        for leader, c in assessed.items()
        for result, n in c.items()
    )
    within = within_ss / max(1, n_all - len(assessed))
    between_var = sum((means[leader] - mu) ** 2 for leader in assessed) / max(1, len(assessed) - 1)
    chance = sum(within / total(c) for c in assessed.values()) / len(assessed)
    tau2 = max(0.0, between_var - chance)
    habits = []
    for leader, c in assessed.items():
        n = total(c)
        noise = within / n
        weight = tau2 / (tau2 + noise) if tau2 + noise > 0 else 0.0
        shrunk = mu + weight * (means[leader] - mu)
        se = math.sqrt(noise)
        habit = Habit(
            leader_id=leader,
            conversations=conversations[leader],
            counts=c,
            mean=means[leader],
            shrunk=shrunk,
            standard_error=se,
        )
        habit.alike = max(c.values()) / n >= ALIKE
        outside = abs(shrunk - mu) > Z * se if se > 0 else False
        habit.strict = outside and shrunk < mu
        habit.lenient = outside and shrunk > mu
        habits.append(habit)
    habits.sort(key=lambda h: (not h.flagged, h.shrunk))
    return Habits(organization_mean=mu, assessed=len(assessed), habits=habits)


# A habit as HR's page and its files show it ----------------------------------------------

HEADINGS = [
    _("Leader"),
    _("Rated conversations"),
    _("Rated goals"),
    _("Achieved (%)"),
    _("Partly (%)"),
    _("Not achieved (%)"),
    _("Mean (1–3)"),
    _("Shrunk mean"),
    _("Standard error"),
    _("Flags"),
]


def cells(habit: Habit, name: str) -> list:
    """A habit's values under HEADINGS, the leader by `name`."""
    return [
        name,
        habit.conversations,
        habit.ratings,
        round(habit.share(Goal.Result.ACHIEVED), 1),
        round(habit.share(Goal.Result.PARTLY), 1),
        round(habit.share(Goal.Result.NOT_ACHIEVED), 1),
        round(habit.mean, 2),
        round(habit.shrunk, 2),
        round(habit.standard_error, 2),
        ", ".join(str(flag) for flag in flags(habit)),
    ]


def flags(habit: Habit) -> list:
    found = []
    if habit.alike:
        found.append(_("rates nearly everyone alike"))
    if habit.strict:
        found.append(_("stricter than peers"))
    if habit.lenient:
        found.append(_("more lenient than peers"))
    return found
