"""What is published from people's answers: the measures, the values each is counted by, and
the kinds of group each is decided for."""

from samtale.actions.models import Goal

GOALS = "goals"
SATISFACTION = "satisfaction"
LIKERT = "likert:"  # + the statement's key
RESULTS = (Goal.Result.ACHIEVED, Goal.Result.PARTLY, Goal.Result.NOT_ACHIEVED)
VALUES = (1, 2, 3, 4, 5)

ORG = "org"
# The kinds of group each measure is decided for: u (units, for HR), p (units per profession
# group, HR's answers page), l (the line below a leader, the leader's status analysis),
# r (the conversations a leader held, HR's rating habits).
GROUPS = {GOALS: "ulr", SATISFACTION: "upl", LIKERT: "up"}


def kinds_of(measure: str) -> str:
    return GROUPS[LIKERT if measure.startswith(LIKERT) else measure]
