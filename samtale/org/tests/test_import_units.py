"""The units import (org.imports.units): a tree of levels, checked and applied."""

from django.utils.translation import gettext as _

from samtale.org.imports import units as units_import
from samtale.org.models import Unit
from samtale.org.tests.import_rows import FIXTURE_UNITS, plan_units, problems_of, snapshot


def test_units_are_created_as_a_tree_of_levels(db):
    result = plan_units(
        [
            ["4211", "Team 1", "Team", "4210"],
            ["4210", "Barnetrinnet", "Avdeling", "4200"],
            ["4200", "Fjordvik skole", "Virksomhet", ""],
            ["4212", "Team 2", "gruppe", "4200"],
        ]
    )
    assert problems_of(result) == []
    units_import.apply(result)
    tree = {u.code: (u.kind, u.parent and u.parent.code) for u in Unit.objects.all()}
    assert tree == {
        "4200": ("enterprise", None),
        "4210": ("department", "4200"),
        "4211": ("team", "4210"),
        "4212": ("team", "4200"),
    }


def test_a_unit_level_must_be_one_of_the_known_words(db):
    result = plan_units([["1", "A", "seksjon", ""], ["2", "B", "", ""]])
    assert problems_of(result) == [
        (
            2,
            "Nivå",
            _("“%(value)s” is not a level. Write “virksomhet”, “avdeling” or “team”.")
            % {"value": "seksjon"},
        ),
        (3, "Nivå", _("The level is missing. Write “virksomhet”, “avdeling” or “team”.")),
    ]


def test_a_parent_unit_must_be_in_the_file(people):
    result = plan_units([*FIXTURE_UNITS, ["T2", "Team 2", "team", "D9"]])
    assert problems_of(result) == [
        (
            7,
            "Overordnet enhetskode",
            _("No unit in the file has the code “%(code)s”.") % {"code": "D9"},
        )
    ]


def test_a_unit_must_lie_deeper_than_its_parent_and_only_an_enterprise_at_the_top(db):
    result = plan_units(
        [
            ["E", "Skole", "virksomhet", ""],
            ["D", "Avd", "avdeling", "E"],
            ["T", "Team", "team", "D"],
            ["D2", "Avd 2", "avdeling", "T"],
            ["E2", "Skole 2", "virksomhet", "E"],
            ["D3", "Avd 3", "avdeling", ""],
        ]
    )
    top = _("Only an enterprise can be at the top; name the parent unit.")
    assert [(r, c) for r, c, _m in problems_of(result)] == [
        (5, "Nivå"),
        (6, "Nivå"),
        (7, "Overordnet enhetskode"),
    ]
    assert problems_of(result)[2][2] == top


def test_units_in_a_circle_and_duplicate_codes_are_problems(db):
    result = plan_units(
        [
            ["E", "Skole", "virksomhet", ""],
            ["A", "A", "team", "B"],
            ["B", "B", "team", "A"],
            ["E", "Skole igjen", "virksomhet", ""],
            ["C", "C", "team", "C"],
        ]
    )
    circle = _("The parent units go in a circle.")
    assert (
        5,
        "Enhetskode",
        _("The unit code is also on row %(row)d.") % {"row": 2},
    ) in problems_of(result)
    assert (6, "Overordnet enhetskode", _("A unit cannot be its own parent.")) in problems_of(
        result
    )
    assert (3, "Overordnet enhetskode", circle) in problems_of(result)
    assert (4, "Overordnet enhetskode", circle) in problems_of(result)


def test_units_missing_from_the_file_are_deactivated_once_they_have_no_active_people(people):
    Unit.objects.create(
        code="T9", name="Tomt team", kind=Unit.Kind.TEAM, parent=Unit.objects.get(code="D2")
    )
    result = plan_units(FIXTURE_UNITS)
    assert problems_of(result) == [] and result.deactivate_names == ["Tomt team (T9)"]
    units_import.apply(result)
    assert Unit.objects.filter(code="T9", is_active=False).exists()


def test_a_unit_with_active_people_cannot_leave_the_file(people):
    result = plan_units([u for u in FIXTURE_UNITS if u[0] != "D2"])
    message = _(
        "The unit “%(name)s” (%(code)s) is not in the file but still has %(count)d active people. Keep it in the file, or move the people first."
    )
    assert problems_of(result) == [
        (1, "Enhetskode", message % {"name": "Avdeling 2", "code": "D2", "count": 2})
    ]


def test_importing_the_same_units_again_changes_nothing(people):
    before = snapshot(Unit)
    result = plan_units(FIXTURE_UNITS)
    assert result.counts() == {"rows": 5, "create": 0, "update": 0, "unchanged": 5, "deactivate": 0}
    units_import.apply(result)
    assert snapshot(Unit) == before


def test_a_unit_that_moves_or_is_renamed_is_updated(people):
    rows = [list(u) for u in FIXTURE_UNITS]
    rows[4] = ["T1", "Team én", "team", "D2"]
    result = plan_units(rows)
    assert result.counts()["update"] == 1
    units_import.apply(result)
    team = Unit.objects.get(code="T1")
    assert (team.name, team.parent.code) == ("Team én", "D2")
