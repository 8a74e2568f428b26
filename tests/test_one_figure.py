"""One definition for each figure, one word for each status (issue 46, item 5).

Each figure that several places show is counted by one function: overdue actions
(actions.selectors.overdue_q), people missing a conversation (rounds.coverage.coverage_q)
and a round participant's status (rounds.selectors.STATE_OF_STATUS). Here every page, the
API and the export that show one of them are read over the demo organization, and must
agree with each other and with that function."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samtale.actions import nudges
from samtale.actions import policy as actions_policy
from samtale.actions import selectors as action_selectors
from samtale.api.tests.helpers import Api, token_for
from samtale.demo import conversations as conversations_demo
from samtale.demo import org as org_demo
from samtale.demo import rounds as rounds_demo
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.insight import tallies
from samtale.org import policy as org_policy
from samtale.rounds import coverage as rounds_coverage
from samtale.rounds import selectors as rounds_selectors
from samtale.rounds.models import Participant, Round


@pytest.fixture
def demo(db):
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    logins = org_demo.load(password="samtale-demo-2026")
    conversations_demo.load()
    rounds_demo.load()
    tallies.refresh()
    return logins


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def stat_before(html: str, words: str) -> int:
    """The number a home card shows before its words."""
    found = re.search(r'<span class="stat">(\d+)</span>\s*' + re.escape(words), html)
    assert found, words
    return int(found[1])


def csv_column(response, heading: str, first: str) -> str:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index(heading)
    return next(row[column] for row in rows[1:] if row[1] == first)


def test_overdue_actions_are_one_figure_for_hr(demo):
    hr = demo["hr"]
    today = action_selectors.today()
    counted = nudges.pitfall_actions(
        kind="overdue", actions=actions_policy.actions_countable_by(hr), on=today
    ).count()
    assert counted, "the demo has overdue actions"
    client = signed_in(hr)
    home = client.get(reverse("home"))
    assert stat_before(home.content.decode(), "Tiltak som har passert fristen") == counted
    listed = client.get(reverse("pitfall_list", args=["forfalt"]))
    assert listed.context["page"].paginator.count == counted
    insight = client.get(reverse("status_analysis"))
    assert insight.context["overdue_now"] == counted
    assert f'href="{reverse("pitfall_list", args=["forfalt"])}">{counted} tiltak</a>' in (
        insight.content.decode()
    )


def test_overdue_actions_are_one_figure_for_the_leader(demo, settings):
    settings.SAMTALE_API_KEYS_FOR_EVERYONE = True  # for the leader's own key
    leader = demo["leader"]
    today = action_selectors.today()
    led = action_selectors.agreed(actions_policy.actions_led_by(leader))
    counted = led.filter(action_selectors.overdue_q(today)).count()
    assert counted, "the demo's leader has overdue actions"
    client = signed_in(leader)
    home = client.get(reverse("home"))
    assert home.context["led_overdue"] == counted
    follow_up = client.get(reverse("follow_up"))
    # The overview counts per report, in SQL (actions.overview.BUCKET_SQL).
    assert sum(row.overdue for row in follow_up.context["rows"]) == counted
    listed = client.get(reverse("follow_up_pitfall", args=["forfalt"]))
    assert listed.context["page"].paginator.count == counted
    api = Api(token_for(leader, scopes=("read",)))
    body = api.get("/actions", status="overdue", page_size=100).json()
    led_ids = set(led.values_list("pk", flat=True))
    assert sum(1 for a in body["items"] if a["id"] in led_ids) == counted
    assert all(a["overdue"] for a in body["items"])


def test_people_missing_a_conversation_are_one_figure(demo):
    hr = demo["hr"]
    counted = rounds_coverage.missing(
        people=org_policy.people_visible_to(hr), today=timezone.localdate()
    ).count()
    assert counted, "the demo has people missing a conversation"
    client = signed_in(hr)
    home = client.get(reverse("home"))
    assert stat_before(home.content.decode(), "faste ansatte mangler samtale") == counted
    coverage = client.get(reverse("round_coverage"))
    assert coverage.context["totals"]["overdue"] == counted
    listed = client.get(reverse("round_coverage"), {"which": "overdue"})
    assert listed.context["page"].paginator.count == counted
    insight = client.get(reverse("status_analysis"))
    assert insight.context["current"].missing == counted
    exported = client.get(reverse("status_analysis"), {"format": "csv"})
    assert csv_column(exported, "Mangler samtale", "Hele organisasjonen") == str(counted)
    api = Api(token_for(hr, scopes=("read",)))
    assert api.get("/insight/status").json()["node"]["figures"]["missing"] == counted


def test_a_round_participant_has_one_status_everywhere(demo):
    hr = demo["hr"]
    current = Round.objects.get(
        closed_at__isnull=True, name__endswith=str(timezone.localdate().year)
    )
    counted = rounds_selectors.counted(Participant.objects.filter(round=current))
    by_state = {state: counted.filter(q).count() for state, q in rounds_selectors.STATES.items()}
    assert by_state["missing"] and by_state["invited"], "the demo's round has both"
    client = signed_in(hr)
    page = client.get(reverse("round_detail", args=[current.pk]))
    totals = page.context["progress"]["totals"]
    assert {state: totals[state] for state in by_state} == by_state
    api = Api(token_for(hr, scopes=("read",)))
    progress = api.get(f"/rounds/{current.pk}/progress").json()["totals"]
    assert {state: progress[state] for state in by_state} == by_state
    for state, n in by_state.items():
        filtered = client.get(reverse("round_detail", args=[current.pk]), {"state": state})
        assert filtered.context["page"].paginator.count == n, state
    # Each row says its conversation's status in the word its parties read on it.
    html = page.content.decode()
    for participant in page.context["page"].object_list:
        if participant.state == "removed":
            continue
        conversation = participant.conversation
        if conversation is None:
            assert participant.status_label == "Ingen samtale"
        else:
            assert participant.status_label == conversation.get_status_display()
            detail = signed_in(conversation.leader).get(
                reverse("conversation_detail", args=[conversation.pk])
            )
            assert str(participant.status_label) in detail.content.decode()
    assert "Ingen samtale" in html


# Issue 61: the actions on Innsikt and on the unit goals' follow-up are two figures, each
# labelled with what it counts; a published figure says when it was published, never that
# it is recounted; a withheld one says why.


@pytest.fixture
def published(demo):
    from samtale.demo import priorities as priorities_demo
    from samtale.insight.publication import publish

    priorities_demo.load()  # the unit's goals, and agreed goals serving them
    publish.publish_due()
    return timezone.localdate().year - 1


def test_the_actions_on_innsikt_are_every_action_of_the_years_conversations(demo, published):
    from samtale.actions.models import Action
    from samtale.conversations.models import Conversation
    from samtale.insight.publication.periods import year_bounds

    year = published
    page = signed_in(demo["hr"]).get(reverse("status_analysis"), {"year": year})
    figure = page.context["current"].published_follow_up
    assert figure is not None, "the demo's organization has its actions published"
    start, end = year_bounds(year)
    agreed = Action.objects.filter(
        goal__conversation__kind=Conversation.Kind.ANNUAL,
        goal__conversation__status=Conversation.Status.SIGNED,
        goal__conversation__signed_at__gte=start,
        goal__conversation__signed_at__lt=end,
    )
    # Published just now, so as they stood then is as they stand now.
    assert figure.actions == agreed.count()
    assert figure.done == agreed.filter(status=Action.Status.DONE).count()
    html = page.content.decode()
    label = f"Alle tiltak avtalt i samtalene signert i {year}, slik de sto da året ble publisert"
    assert label in html
    assert f"{figure.done} utført · {figure.overdue} forfalt · {figure.untouched} urørt" in html
    assert f"av {figure.actions} tiltak" in html


def test_the_unit_goals_follow_up_counts_only_the_actions_serving_a_goal_now(demo, published):
    from samtale.actions.models import Action

    leader = demo["leader"]
    year = timezone.localdate().year
    page = signed_in(leader).get(reverse("follow_up_goals"), {"year": year})
    rows = [counts for _goal, counts in page.context["rows"] if counts]
    assert rows, "the demo's leader has agreed goals serving the unit's goals"
    served = Action.objects.filter(
        followed=True,
        goal__serves__year=year,
        goal__conversation__leader=leader,
        goal__conversation__status="signed",
    )
    assert sum(c["n_actions"] for c in rows) == served.count()
    assert sum(c["n_done"] for c in rows) == served.filter(status=Action.Status.DONE).count()
    html = page.content.decode()
    # Labelled as what it is: the served goals' actions, now, and a word that Innsikt's
    # figure counts every action as published, so the two are not read as one.
    assert "Tiltakene deres utført nå" in html
    assert "alle tiltak avtalt i årets samtaler, ikke bare dem som tjener et mål her" in html
    first = rows[0]
    assert f"{first['n_done']} av {first['n_actions']} tiltak" in html
    innsikt = signed_in(leader).get(reverse("status_analysis"), {"year": year}).content.decode()
    assert "Tiltakene deres utført nå" not in innsikt


def test_a_published_year_says_when_it_was_published_not_that_it_is_recounted(demo, published):
    client = signed_in(demo["hr"])
    past = client.get(reverse("status_analysis"), {"year": published}).content.decode()
    assert 'class="muted published-at"' in past and "og er endelige" in past
    assert "telles på nytt hver time" not in past
    now = client.get(reverse("status_analysis")).content.decode()
    assert "published-at" not in now and "er endelige" not in now
    assert "telles på nytt hver time" in now
    # The proof's certificate is folded below the figures, not above them.
    assert past.index('id="key-figures"') < past.index("Kontrollert da tallene ble publisert")


def test_a_withheld_figure_says_why_and_the_minimum(demo, published):
    from samtale.insight.publication.figures import Withheld

    client = signed_in(demo["hr"])
    page = client.get(reverse("status_analysis"), {"year": published})
    whys = [
        why
        for row in page.context["compared"]
        for _heading, _value, why in row["cells"]
        if isinstance(why, Withheld) and why.code == "withheld"
    ]
    assert whys, "the demo withholds some unit's figures"
    html = page.content.decode()
    for why in whys:
        assert why.cause in ("few", "beside"), "kept with the figure when it was published"
        assert str(why.text) in html
        assert "5" in str(why.text)  # the minimum
    # A unit hidden although enough answered says so, not "too few".
    beside = [w for w in whys if w.cause == "beside"]
    assert beside and str(beside[0].text).startswith("Minst 5 svarte")


def test_a_number_on_a_key_figure_carries_its_noun(demo, published):
    html = (
        signed_in(demo["hr"]).get(reverse("status_analysis"), {"year": published}).content.decode()
    )
    figures = html[html.index('<dl class="key-figures">') : html.index("</dl>")]
    for dd in re.findall(r"<dd>(.*?)</dd>", figures, flags=re.S):
        text = re.sub(r"<[^>]+>", " ", dd)
        # Every number is followed by a word or a unit (%), or is the scale's top (av 5).
        for number in re.finditer(r"\d[\d,]*", text):
            if text[: number.start()].rstrip().endswith(" av"):
                continue
            after = text[number.end() :].lstrip()
            assert after and not after[0].isdigit() and after[0] not in "·(", (dd, number[0])
