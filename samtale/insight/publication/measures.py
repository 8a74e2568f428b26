"""What is published from people's answers and from what their conversations agreed and
how it went: the measures, the values each is counted by, and the kinds of group each is
decided for."""

from samtale.actions.models import Goal
from samtale.actions.selectors import BUCKETS as FOLLOW_UP_BUCKETS
from samtale.conversations.models import CompetenceKind

GOALS = "goals"
SATISFACTION = "satisfaction"
LIKERT = "likert:"  # + the statement's key
# The agreed goals that serve one of the workplace's goals (priorities): + the goal's id.
# Counted per agreed goal by how far its actions had come when the year was published.
SERVES = "serves:"
# The competence needs agreed as actions: counted per action by its kind, with its cost.
COMPETENCE = "competence"
# The actions agreed in the period's signed conversations, per action by where it stood when
# the period was published (actions.selectors.BUCKETS), and how many nobody had touched for
# STALE_ACTION_DAYS.
FOLLOW_UP = "actions"
# The period's signed conversations, per conversation by whether it agreed goals, with the
# days from meeting to signature and the talk timed (the leader's seconds of the whole).
SIGNED = "signed"
RESULTS = (Goal.Result.ACHIEVED, Goal.Result.PARTLY, Goal.Result.NOT_ACHIEVED)
VALUES = (1, 2, 3, 4, 5)
PROGRESS = ("done", "under_way", "not_started")
KINDS = tuple(CompetenceKind.values)
BUCKETS = FOLLOW_UP_BUCKETS  # where an action stands, each in one (actions.selectors)
UNTOUCHED = "untouched"
HAS_GOALS = ("with_goals", "without_goals")
TALK = ("timed", "talk_leader", "talk_all")  # sums over the period's signed conversations

ORG = "org"
# The kinds of group each measure is decided for: u (units, for HR), p (units per profession
# group, HR's answers page), l (the line below a leader, the leader's status analysis),
# r (the conversations a leader held, HR's rating habits).
GROUPS = {
    GOALS: "ulr",
    SATISFACTION: "upl",
    LIKERT: "up",
    SERVES: "u",
    COMPETENCE: "u",
    FOLLOW_UP: "ul",
    SIGNED: "ul",
}
# Published per year only: a goal's result is recorded at the next conversation, and how far
# a served goal's actions have come is a year's work.
YEARLY = (GOALS, SERVES)


def family(measure: str) -> str:
    """The measure's kind: a statement's and a served goal's measures share their prefix's."""
    for prefix in (LIKERT, SERVES):
        if measure.startswith(prefix):
            return prefix
    return measure


def kinds_of(measure: str) -> str:
    return GROUPS[family(measure)]
