"""HR's home names the open rounds with leaders behind (progress.py, the one definition),
each a link straight to the round filtered to those behind, where HR reminds them (issue 61,
first-time task 5). Nobody else's home, and no round once it is closed or nobody is behind."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samtale.rounds.models import Round
from samtale.rounds.tests.conftest import hr_round
from samtale.rounds.tests.test_chase import halfway
from samtale.rounds.tests.test_views import body


def _link(round_: Round) -> str:
    return f'href="{reverse("round_detail", args=[round_.pk])}?bak=1#progress-heading"'


def test_hrs_home_names_the_round_with_leaders_behind_and_links_to_them(client_for, round_):
    page = body(client_for("hr").get(reverse("home")))
    assert "rounds-behind" not in page  # the round has just begun: nobody behind yet

    halfway(round_)
    page = body(client_for("hr").get(reverse("home")))
    assert "Runder med ledere som ligger etter" in page
    assert "<strong>Medarbeidersamtaler 2027</strong>: 1 leder ligger etter" in page
    assert _link(round_) in page and "Se hvem og minn dem på" in page
    # The link leads to the round's page showing only those behind, with the reminder.
    behind = body(client_for("hr").get(reverse("round_detail", args=[round_.pk]) + "?bak=1"))
    assert "Minn på lederne" in behind


def test_no_one_else_is_told_and_a_closed_round_is_not_named(client_for, round_):
    halfway(round_)
    for role in ("leaders_leader", "leader", "employee"):
        assert "rounds-behind" not in body(client_for(role).get(reverse("home"))), role
    Round.objects.filter(pk=round_.pk).update(closed_at=timezone.now())
    assert "rounds-behind" not in body(client_for("hr").get(reverse("home")))


def test_the_rounds_cost_hrs_home_two_queries_and_none_more_per_round(
    client_for, round_, people, guide, school
):
    client = client_for("hr")
    client.get(reverse("home"))  # warm the session and the caches
    halfway(round_)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    halfway(hr_round(people, guide, school))
    with CaptureQueriesContext(connection) as two:
        page = body(client.get(reverse("home")))
    assert page.count("1 leder ligger etter") == 2
    assert len(two) == len(one)
    rounds = [q["sql"] for q in one.captured_queries if 'FROM "rounds_round" ' in q["sql"]]
    counts = [q["sql"] for q in one.captured_queries if 'FROM "rounds_roundcount"' in q["sql"]]
    assert len(rounds) == 1 and len(counts) == 1
