import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from samtale.org.models import Person, Unit

TABLES = ["org_person", "org_unit", "rounds_round", "rounds_participant", "rounds_window"]


def _snapshot():
    rows = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - fixed table names
            rows[table] = cursor.fetchall()
    return rows


@pytest.fixture
def demo_env(monkeypatch):
    monkeypatch.setenv("SAMTALE_DEMO_PASSWORD", "demo-password-for-tests")


def test_the_demo_loads_an_organization_with_every_role(db, demo_env, capsys):
    call_command("demo_data", force=True)
    out = capsys.readouterr().out
    for email in [
        "kari.nilsen@fjordvik.example",
        "ola.berg@fjordvik.example",
        "ingrid.haugen@fjordvik.example",
        "lise.hansen@fjordvik.example",
        "nils.jensen@fjordvik.example",
        "berit.vik@fjordvik.example",
        "jonas.lie@fjordvik.example",
    ]:
        assert email in out
        assert Person.objects.get(email=email).check_password("demo-password-for-tests")
    assert "demo-password-for-tests" in out
    assert Person.objects.filter(is_active=True).count() > 50
    assert Unit.objects.filter(kind=Unit.Kind.TEAM).exists()
    assert Person.objects.get(email="lise.hansen@fjordvik.example").is_hr
    assert Person.objects.get(email="nils.jensen@fjordvik.example").is_org_admin
    assert Person.objects.get(email="berit.vik@fjordvik.example").is_archivist
    jonas = Person.objects.get(email="jonas.lie@fjordvik.example")
    assert (jonas.is_union_rep, jonas.union_unit.code) == (True, "4200")
    kari = Person.objects.get(email="kari.nilsen@fjordvik.example")
    assert kari.manager.email == "ola.berg@fjordvik.example"
    assert kari.manager.manager.email == "ingrid.haugen@fjordvik.example"


def test_loading_the_demo_twice_changes_nothing(db, demo_env):
    call_command("demo_data", force=True)
    before = _snapshot()
    call_command("demo_data", force=True)
    assert _snapshot() == before


def test_the_demo_refuses_to_load_without_debug(db, demo_env):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data")


def test_the_demo_needs_a_password(db, monkeypatch):
    monkeypatch.delenv("SAMTALE_DEMO_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="SAMTALE_DEMO_PASSWORD"):
        call_command("demo_data", force=True)


def test_the_demo_keeps_a_unit_with_one_person_of_its_own_beside_its_teams(db, demo_env):
    """Barnetrinnet has two teams and one person placed in it directly (its leader): the
    unit's figures minus its teams' are that one person's, the case the status figures'
    publication rule must withhold (issue 60). The demo keeps it, so it is always there to
    try."""
    call_command("demo_data", force=True)
    barnetrinnet = Unit.objects.get(code="4210", name="Barnetrinnet")
    assert barnetrinnet.children.count() == 2
    assert Person.objects.filter(unit=barnetrinnet, is_active=True).count() == 1


def test_no_demo_goal_is_reached_beside_an_open_action(db, demo_env):
    """Issue 61: not "Achieved" beside its only action "Not started · Overdue"."""
    from samtale.actions.models import Action, Goal

    call_command("demo_data", force=True)
    assert Goal.objects.filter(result=Goal.Result.ACHIEVED).exists()
    reached_open = Action.objects.filter(
        goal__result=Goal.Result.ACHIEVED, status__in=["not_started", "in_progress"]
    )
    assert not reached_open.exists()
