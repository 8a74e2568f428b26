"""What the API reads and answers, as the OpenAPI schema shows it.

Input schemas refuse fields they do not know (extra="forbid"): a typo is an error, not a
change silently left out. Outputs hold only what the web shows the same person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_args

from ninja import Field, Schema
from pydantic import ConfigDict

from samtale.actions.models import Action

# Errors -----------------------------------------------------------------------------


class Error(Schema):
    """Every refusal: 400 (bad input, or a rule of the domain: `field` names the field),
    401, 403, 404 (missing, or not yours to see: the same body), 405, 413, 429."""

    detail: str
    field: str | None = None


class ValidationErrors(Schema):
    """422: the request's parameters or body did not match the schema; one item per error,
    with where it is (`loc`), what is wrong (`msg`) and its kind (`type`)."""

    detail: list[dict[str, Any]]


# Paging -----------------------------------------------------------------------------

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# No list is this long; a larger page number is refused before it reaches the database.
MAX_PAGE = 100_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1 for the first page")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class Page(Schema):
    count: int = Field(description="how many there are in all, on every page")
    page: int
    page_size: int


# People and units -------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    name: str


class UnitRef(Schema):
    id: int
    name: str


class Roles(Schema):
    employee: bool = Field(description="always true: everyone has their own conversations")
    leader: bool = Field(description="has direct reports")
    leaders_leader: bool = Field(description="leads leaders")
    hr: bool
    admin: bool
    archivist: bool
    union_rep: bool = Field(description="a union representative (tillitsvalgt)")


class TokenInfo(Schema):
    name: str
    prefix: str
    kind: Literal["personal", "service"]
    scopes: list[str]
    expires_at: datetime


class Me(Schema):
    id: int
    name: str
    email: str
    unit: UnitRef | None
    manager: PersonRef | None
    roles: Roles
    token: TokenInfo | None = Field(description="the token used; null for the browser session")


class Unit(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int = Field(description="how far below the top the unit is, in tree order")
    is_active: bool


class UnitPage(Page):
    items: list[Unit]


class Person(Schema):
    id: int
    name: str
    first_name: str
    last_name: str
    email: str
    employee_number: str | None
    job_title: str
    unit: UnitRef | None
    manager: PersonRef | None
    is_active: bool


class PersonDetail(Person):
    reports: list[PersonRef] = Field(description="active direct reports the caller may see")


class PersonPage(Page):
    items: list[Person]


# Conversations ----------------------------------------------------------------------


class RoundRef(Schema):
    id: int
    name: str


class Conversation(Schema):
    id: int
    status: str
    kind: str
    scheduled_at: datetime | None
    duration_minutes: int
    held_at: datetime | None
    # The time the web pages give it: held_at, else scheduled_at (a meeting may be held on
    # another day than planned).
    held_or_planned_at: datetime | None
    signed_at: datetime | None
    employee: PersonRef
    leader: PersonRef
    round: RoundRef | None


class ConversationPage(Page):
    items: list[Conversation]


class Summary(Schema):
    number: int
    text: str
    conclusion: str
    shared_outside: str
    submitted_at: datetime | None
    approved_at: datetime | None
    employee_signed_at: datetime | None
    leader_signed_at: datetime | None


CompetenceKind = Literal["", "course", "training", "further_education", "guidance"]


class ActionBrief(Schema):
    id: int
    text: str
    deadline: date | None
    responsible: str
    status: str
    added_after_signing: bool
    competence: CompetenceKind = Field(description="the kind of competence need; empty: none")
    cost: int | None = Field(description="the competence need's estimated cost in kroner")


class PriorityRef(Schema):
    id: int
    title: str


class Goal(Schema):
    id: int
    text: str
    result: str
    serves: PriorityRef | None = Field(description="the workplace's goal for the year it serves")
    actions: list[ActionBrief]


class ConversationDetail(Conversation):
    party: Literal["employee", "leader"] = Field(description="the caller's side")
    place: str
    summary: Summary | None = Field(
        description="the summary being written or in force, once the caller may read it "
        "(its drafter always; the other party once it is sent for comment)"
    )
    summary_in_force: Summary | None = Field(description="the latest revision both have signed")
    goals: list[Goal]


# Actions ----------------------------------------------------------------------------

ActionStatus = Literal["not_started", "in_progress", "done", "dropped"]
assert set(get_args(ActionStatus)) == set(Action.Status.values)  # noqa: S101 - kept in step


class GoalRef(Schema):
    id: int
    text: str


class ActionItem(Schema):
    id: int
    conversation_id: int
    goal: GoalRef
    text: str
    deadline: date | None
    responsible: str
    status: str
    overdue: bool
    added_after_signing: bool
    competence: CompetenceKind = Field(description="the kind of competence need; empty: none")
    cost: int | None = Field(description="the competence need's estimated cost in kroner")
    employee: PersonRef
    leader: PersonRef
    updated_at: datetime


class ActionPage(Page):
    items: list[ActionItem]


class ActionUpdateOut(Schema):
    at: datetime
    actor: PersonRef | None
    from_status: str
    to_status: str
    comment: str


class ActionDetail(ActionItem):
    followed_up: bool = Field(description="its conversation is signed: the status may change")
    history: list[ActionUpdateOut]


class ActionUpdateIn(Schema):
    """A new status, a comment, or both; dropping an action takes a comment saying why."""

    model_config = ConfigDict(extra="forbid")

    status: ActionStatus | None = None
    comment: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")


# Rounds -----------------------------------------------------------------------------


class Round(Schema):
    id: int
    name: str
    kind: str
    period_start: date
    period_end: date
    closed_at: datetime | None
    participants: int
    signed: int


class RoundPage(Page):
    items: list[Round]


class Counts(Schema):
    total: int
    missing: int
    planned: int
    invited: int
    held: int
    signed: int
    postponed: int


class UnitProgress(Counts):
    unit: UnitRef | None


class LeaderProgress(Counts):
    leader: PersonRef | None


class RoundProgress(Schema):
    round: RoundRef
    totals: Counts
    removed: int
    by_unit: list[UnitProgress]
    by_leader: list[LeaderProgress] = Field(description="a page of them (page, page_size)")
    leaders: int = Field(description="how many rows by_leader has on every page")
    page: int
    page_size: int


# Insight ----------------------------------------------------------------------------


class StatusFigures(Schema):
    """One group's status analysis for the year (or the round). Counted live for any group:
    that conversations happen (planned, held, signed, postponed) and who is covered. As
    published for the closed period (insight.publication), else null with why in `withheld`:
    what the conversations agreed and how it went (goals agreed, days to signature, the talk,
    the actions), the goal results and the satisfaction. Shares are in whole percent, beside
    the published counts they are shares of."""

    permanent: int | None = Field(description="this year only")
    covered_percent: int | None
    missing: int | None
    planned: int
    held: int
    signed: int
    postponed: int
    median_days_to_signature: int | None
    signed_with_goals: int | None
    signed_with_goals_percent: int | None
    actions: int | None
    actions_done: int | None
    actions_overdue: int | None
    actions_untouched: int | None
    goals_rated: int | None
    goals_achieved_percent: int | None
    goals_partly_percent: int | None
    goals_not_achieved_percent: int | None
    leader_talk_percent: int | None
    satisfaction_mean: float | None
    satisfaction_people: int | None
    withheld: dict[str, str] = Field(
        description=(
            "for each published figure that is null because it is not shown, why, in "
            "words: too few to show without revealing someone, or not published until the "
            "year has ended or the round is closed"
        )
    )


class StatusRow(Schema):
    unit: UnitRef | None = Field(description="null: the caller's whole scope")
    figures: StatusFigures


class StatusAnalysis(Schema):
    year: int | None = Field(description="null when a round is chosen")
    round: RoundRef | None
    scope: Literal["organization", "line"]
    min_group: int = Field(description="k: the fewest people a figure from answers is shown for")
    counted_at: datetime | None
    node: StatusRow
    below: list[StatusRow] = Field(description="the units right below the node")


# The workplace's goals and the competence plans --------------------------------------


class Priority(Schema):
    id: int
    year: int
    unit: UnitRef | None = Field(description="null: the organization's own goal")
    kind: Literal["goal", "focus"]
    title: str
    description: str
    serves: PriorityRef | None = Field(description="the organization's goal it serves")


class PlanRow(Schema):
    kind: Literal["course", "training", "further_education", "guidance"]
    agreed: int | None = Field(
        description="competence needs agreed as actions, as published; null when not shown"
    )
    cost: int | None = Field(description="their estimated cost in kroner, as published")
    shared_needs: int
    shared_needs_cost: int
    priority: Literal["high", "normal", "low"] | None
    status: Literal["proposed", "approved", "budget", "done", "declined"] | None
    note: str
    budget_need_id: int | None = Field(description="the shared need it put in the budget list")


class PlanNeed(Schema):
    id: int
    unit: UnitRef
    kind: CompetenceKind
    text: str
    cost: int | None
    status: str


class ServedGoal(Schema):
    goal: PriorityRef
    agreed_goals: int | None = Field(description="agreed goals serving it, as published")
    done: int | None
    under_way: int | None
    not_started: int | None
    withheld: str | None = Field(description="why the figures are not shown, in words")


class PlanComment(Schema):
    at: datetime
    author: PersonRef | None
    text: str


class CompetencePlan(Schema):
    year: int
    unit: UnitRef | None = Field(description="null: the whole organization")
    withheld: str | None = Field(description="why the figures are not shown, in words")
    rounds: list[str] = Field(
        description="the rounds whose published figures are summed; empty: the year's own"
    )
    people: int | None = Field(description="people with competence needs agreed (the year's)")
    min_group: int
    rows: list[PlanRow]
    shared_needs: list[PlanNeed]
    served: list[ServedGoal]
    comments: list[PlanComment]
