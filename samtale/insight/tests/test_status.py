from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation, Feedback
from samtale.insight.analysis import status_analysis
from samtale.insight.models import Publication, PublishedFigure
from samtale.insight.policy import whole_organization_scope
from samtale.insight.publication import publish
from samtale.insight.selectors import ORGANIZATION, unit_tree
from samtale.insight.status import raw_status, status_figures, years_to
from samtale.org.models import Person, Unit
from samtale.org.selectors import position_of

YEAR = timezone.localdate().year


def figures(year=YEAR):
    """The whole organization's status, counted now."""
    years = years_to(year)
    raw = raw_status(whole_organization_scope(), years=years)
    return status_figures(raw, tree=unit_tree(Unit.objects.all()), years=years)


def signed_in(org, unit) -> Conversation:
    """A new person in the unit, with a conversation signed ten days ago."""
    n = Person.objects.count()
    person = Person.objects.create(
        email=f"p{n}@x.example", first_name="P", last_name=str(n), unit=unit
    )
    return Conversation.objects.create(
        employee=person,
        leader=org["leader"],
        guide_version=org["version"],
        status=Conversation.Status.SIGNED,
        held_at=timezone.now() - timedelta(days=10),
    )


def conversation_in(org, unit, **fields) -> Conversation:
    """A new person in the unit with an annual conversation planned for ten days ago."""
    c = signed_in(org, unit)
    when = timezone.now() - timedelta(days=10)
    fields = {"status": Conversation.Status.PLANNED, "held_at": None, **fields}
    Conversation.objects.filter(pk=c.pk).update(scheduled_at=when, **fields)
    c.refresh_from_db()
    return c


def test_conversations_are_counted_per_unit_and_summed_up_the_tree(org):
    held = timezone.now() - timedelta(days=10)
    a, b, top = org["a"].pk, org["b"].pk, org["top"].pk
    for days in (1, 3, 9):
        conversation_in(
            org,
            org["a"],
            status=Conversation.Status.SIGNED,
            held_at=held,
            signed_at=held + timedelta(days=days),
            has_goals=days != 9,
        )
    conversation_in(org, org["a"], postponed_count=1, status=Conversation.Status.POSTPONED)
    conversation_in(org, org["b"], status=Conversation.Status.HELD, held_at=held)
    conversation_in(org, org["b"], status=Conversation.Status.CANCELLED)
    Person.objects.create(email="new@x.example", first_name="N", last_name="Y", unit=org["b"])
    now = figures()[YEAR]
    assert (now[a].planned, now[a].held, now[a].signed, now[a].postponed) == (4, 3, 3, 1)
    assert (now[b].planned, now[b].held, now[b].signed) == (1, 1, 0)  # the cancelled: not
    assert now[top].planned == now[ORGANIZATION].planned == 5
    # What the conversations agreed and how it went is not counted live (published below).
    assert now[a].median_days is None and now[a].goals_share is None
    # Every conversation's employee is new and permanent, with no start date: covered only
    # where one is signed, and missing otherwise, by the coverage page's rule (a conversation
    # planned is not one held).
    assert (now[a].permanent, now[a].covered, now[a].missing) == (4, 3, 1)
    assert (now[b].permanent, now[b].covered, now[b].missing) == (3, 0, 3)
    assert now[ORGANIZATION].permanent == 8  # with the leader, who has no unit


def signed_last_year(org, unit, *, days=1, **fields) -> Conversation:
    """A new person in the unit, with an annual conversation held last June and signed
    `days` later, stamped in the unit."""
    c = signed_in(org, unit)
    held = timezone.make_aware(datetime(YEAR - 1, 6, 1, 12))
    fields = {"held_at": held, "signed_at": held + timedelta(days=days), **fields}
    Conversation.objects.filter(pk=c.pk).update(
        scheduled_at=held, counted_as=position_of(person_id=c.employee_id), **fields
    )
    c.refresh_from_db()
    return c


def last_year(org, *units) -> dict:
    """The published status of last year for the units, after publishing what is due."""
    publish.publish_due()
    analysis = status_analysis(whole_organization_scope(), year=YEAR - 1)
    analysis.with_answers(list(units))
    return analysis.figures[YEAR - 1]


def test_what_was_agreed_and_how_the_talk_went_is_read_as_published(org):
    """Goals agreed, the days to signature and the talk: last year's, as published for a
    team of five; its sibling of two is withheld, and so the team too (the enterprise minus
    the team would be the sibling)."""
    a, b = org["a"].pk, org["b"].pk
    for days, goals, talk in ((1, True, 300), (3, True, 0), (9, False, 200), (4, True, 0)):
        signed_last_year(
            org,
            org["a"],
            days=days,
            has_goals=goals,
            talk_leader_seconds=talk,
            talk_employee_seconds=700 if talk else 0,
        )
    signed_last_year(org, org["a"], days=2, has_goals=True)
    shown = last_year(org, ORGANIZATION, a, b)
    team = shown[a].published_signatures
    assert (team.with_goals, team.conversations, team.median_days, team.timed) == (4, 5, 3, 2)
    assert team.goals_share == 80 and team.talk_share == pytest.approx(100 * 500 / 1900)
    assert shown[ORGANIZATION].published_signatures == team
    assert shown[b].signatures is None  # nobody signed there

    for _ in range(2):
        signed_last_year(org, org["b"], days=1, has_goals=True)
    Publication.objects.all().delete()
    shown = last_year(org, ORGANIZATION, a, b)
    assert shown[b].why_not("signatures").code == "withheld"
    assert shown[a].why_not("signatures").code == "withheld"
    assert shown[ORGANIZATION].published_signatures.conversations == 7


def test_a_conversation_counts_in_the_year_it_was_planned_for(org):
    c = conversation_in(org, org["a"])
    Conversation.objects.filter(pk=c.pk).update(scheduled_at=timezone.now().replace(year=YEAR - 2))
    result = figures()
    assert result[YEAR - 2][org["a"].pk].planned == 1
    assert result[YEAR][org["a"].pk].planned == 0
    assert result[YEAR - 2][org["a"].pk].permanent == 0  # coverage is today's only


def test_actions_done_overdue_and_untouched_as_they_stood_when_the_year_was_published(org):
    """Five people with an action each (the people counted are those with actions, as for
    the competence needs): each bucket, and the one nobody touched."""
    goals = iter(
        Goal.objects.create(conversation=signed_last_year(org, org["a"]), text="Mål")
        for _ in range(5)
    )
    today = timezone.localdate()

    def action(status, deadline=None, touched_days_ago=0):
        goal = next(goals)
        made = Action.objects.create(
            goal=goal,
            text="Tiltak",
            status=status,
            deadline=deadline,
            employee=goal.conversation.employee,
        )
        Action.objects.filter(pk=made.pk).update(
            updated_at=timezone.now() - timedelta(days=touched_days_ago)
        )

    action(Action.Status.DONE, deadline=today - timedelta(days=5))
    action(Action.Status.DROPPED)
    action(Action.Status.IN_PROGRESS, deadline=today - timedelta(days=1))
    action(Action.Status.NOT_STARTED, deadline=today + timedelta(days=30), touched_days_ago=91)
    action(Action.Status.NOT_STARTED, touched_days_ago=89)
    figure = last_year(org, org["a"].pk)[org["a"].pk].published_follow_up
    assert (figure.actions, figure.done, figure.dropped, figure.overdue) == (5, 1, 1, 1)
    assert (figure.in_progress, figure.not_started, figure.untouched) == (0, 2, 1)
    assert figure.people == 5
    # Frozen: the overdue one done after the year was published changes nothing shown.
    Action.objects.filter(status=Action.Status.IN_PROGRESS).update(status=Action.Status.DONE)
    assert last_year(org, org["a"].pk)[org["a"].pk].published_follow_up == figure


def test_goal_results_and_ratings_are_not_counted_live_but_read_as_published(org):
    """This year's results and ratings exist, but the counts have none of them; the analysis
    reads them from the publications, which have none for a year not ended: it says so."""
    for result, rating in (
        ("achieved", 5),
        ("partly", 4),
        ("achieved", 4),
        ("achieved", 3),
        ("not_achieved", 5),
    ):
        c = conversation_in(org, org["a"], status=Conversation.Status.SIGNED)
        Goal.objects.create(conversation=c, text="Mål", result=result, reviewed_at=timezone.now())
        Feedback.objects.create(conversation=c, rating=rating)
    now = figures()[YEAR]
    assert now[org["a"].pk].goals is None and now[org["a"].pk].satisfaction is None
    assert now[org["a"].pk].planned == 5
    analysis = status_analysis(whole_organization_scope(), year=YEAR)
    analysis.with_answers([ORGANIZATION, org["a"].pk])
    team = analysis.figures[YEAR][org["a"].pk]
    for measure in ("goals", "satisfaction", "signatures", "follow_up"):
        assert team.why_not(measure).code == "year_open"
        assert team.published(measure) is None


@pytest.mark.parametrize("people", [5, 25])
def test_the_queries_do_not_grow_with_the_data(org, people, django_assert_num_queries):
    for n in range(people):
        c = conversation_in(org, org["a" if n % 2 else "b"], status=Conversation.Status.SIGNED)
        Feedback.objects.create(conversation=c, rating=4)
        Goal.objects.create(conversation=c, text="Mål", result="achieved")
    with django_assert_num_queries(2):  # conversations, people
        raw_status(whole_organization_scope(), years=years_to(YEAR))


def test_a_year_published_before_its_conversations_figures_existed_says_so(org):
    """A year kept without a proof was published before the signed conversations and the
    actions were: they read as not published for it, not as nothing to count."""
    for _ in range(5):
        signed_last_year(org, org["a"], has_goals=True)
    publish.publish_due()
    Publication.objects.update(proof={})
    PublishedFigure.objects.filter(measure__in=["signed", "actions"]).delete()
    shown = last_year(org, ORGANIZATION, org["a"].pk)
    for unit in (ORGANIZATION, org["a"].pk):
        assert shown[unit].why_not("signatures").code == "earlier"
        assert shown[unit].why_not("follow_up").code == "earlier"
