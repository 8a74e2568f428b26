"""The people import's checks (org.imports.people, forms.PersonRowForm): each problem on
its row and in its column as the file names it, in the words the administrator reads.

Messages are compared with what gettext gives for the English msgid, so the tests hold
whether or not the bokmål catalogue is filled in."""

from datetime import date

import pytest
from django.utils.translation import gettext as _

from samtale.org.imports.common import parse_date
from samtale.org.models import Person, Unit
from samtale.org.tests.import_rows import PEOPLE_HEADER, plan_people, problems_of, roster, row


def test_every_problem_names_the_row_and_the_column_as_written_in_the_file(people):
    header = [h.upper() for h in PEOPLE_HEADER]
    result = plan_people([*roster(), row("200", email="not-an-address")], header)
    assert problems_of(result) == [
        (9, "E-POST", _("“%(value)s” is not an e-mail address.") % {"value": "not-an-address"})
    ]


def test_a_missing_email_is_a_problem(people):
    result = plan_people([*roster(), row("200", email="")])
    assert problems_of(result) == [(9, "E-post", _("The e-mail address is missing."))]


def test_an_email_longer_than_the_database_holds_is_a_problem(people):
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".no"
    result = plan_people([*roster(), row("200", email=email)])
    assert [(r, c) for r, c, _m in problems_of(result)] == [(9, "E-post")]


def test_missing_values_in_required_columns_are_problems(people):
    result = plan_people(
        [
            *roster(),
            ["", "Ola", "Berg", "ola@test.example", "", "", "", "", "", "T1", ""],
            row("201", first="", unit="", email="per@test.example"),
        ]
    )
    assert problems_of(result) == [
        (9, "Ansattnummer", _("The employee number is missing.")),
        (10, "Fornavn", _("This field is required.")),
        (10, "Enhetskode", _("The unit code is missing.")),
    ]


def test_a_duplicate_employee_number_names_the_other_row(people):
    result = plan_people([*roster(), row("200"), row("200", first="Per")])
    assert problems_of(result) == [
        (10, "Ansattnummer", _("The employee number is also on row %(row)d.") % {"row": 9})
    ]


def test_a_duplicate_email_names_the_other_row_whatever_its_case(people):
    result = plan_people(
        [*roster(), row("200", email="Nina@Test.example"), row("201", email="nina@test.EXAMPLE")]
    )
    assert problems_of(result) == [
        (10, "E-post", _("The e-mail address is also on row %(row)d.") % {"row": 9})
    ]


def test_an_unknown_or_deactivated_unit_is_a_problem(people):
    Unit.objects.create(code="OLD", name="Nedlagt", kind=Unit.Kind.TEAM, is_active=False)
    result = plan_people([*roster(), row("200", unit="NOPE"), row("201", unit="OLD")])
    assert problems_of(result) == [
        (
            9,
            "Enhetskode",
            _("No unit has the code “%(code)s”. Import the units first.") % {"code": "NOPE"},
        ),
        (10, "Enhetskode", _("The unit “%(code)s” is deactivated.") % {"code": "OLD"}),
    ]


def test_bad_dates_and_an_end_before_the_start_are_problems(people):
    result = plan_people(
        [
            *roster(),
            row("200", start="31.02.2024"),
            row("201", start="01.08.2024", end="2024-07-31"),
        ]
    )
    assert problems_of(result) == [
        (9, "Startdato", _("Not a date. Write it as 22.11.2026 or 2026-11-22.")),
        (10, "Sluttdato", _("The end date is before the start date.")),
    ]


@pytest.mark.parametrize(
    "value", ["22.11.2026", "2026-11-22", "22.11.26", "22/11/2026", "2026-11-22 00:00:00"]
)
def test_dates_are_read_as_payroll_systems_write_them(value):
    assert parse_date(value) == date(2026, 11, 22)


def test_an_unknown_manager_and_a_self_manager_are_problems(people):
    result = plan_people([*roster(), row("200", manager="999"), row("201", manager="201")])
    assert problems_of(result) == [
        (10, "Leders ansattnummer", _("A person cannot be their own line manager.")),
        (
            9,
            "Leders ansattnummer",
            _("No person in the file has the employee number “%(number)s”.") % {"number": "999"},
        ),
    ]


def test_managers_in_a_circle_are_problems_on_every_row_of_the_circle(people):
    result = plan_people(
        [*roster(), row("200", manager="201"), row("201", manager="200"), row("202", manager="200")]
    )
    message = _("The line managers go in a circle: this person ends up reporting to themselves.")
    assert problems_of(result) == [
        (9, "Leders ansattnummer", message),
        (10, "Leders ansattnummer", message),
    ]


def test_an_email_of_a_person_outside_the_file_is_a_problem(people):
    Person.objects.create_user("system@test.example", None, first_name="System", last_name="Konto")
    rows = [r for r in roster() if r[0] != "104"]
    result = plan_people(
        [
            *rows,
            row("200", email="other_employee@test.example"),
            row("201", email="system@test.example"),
        ]
    )
    message = _("Another person in Samtale already has this e-mail address.")
    assert problems_of(result) == [(8, "E-post", message), (9, "E-post", message)]


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("fast", "permanent"),
        ("Fast ansatt", "permanent"),
        ("FAST  STILLING", "permanent"),
        ("", "permanent"),
        ("midlertidig", "temporary"),
        ("Midlertidig ansatt", "temporary"),
        ("vikar", "temporary"),
        ("Vikariat", "temporary"),
        ("engasjement", "temporary"),
    ],
)
def test_employment_types_are_read_from_the_words_payroll_uses(people, word, kind):
    result = plan_people([*roster(), row("200", kind=word)])
    assert problems_of(result) == []
    assert result.create["200"]["employment_type"] == kind


def test_an_unknown_employment_type_is_a_problem(people):
    result = plan_people([*roster(), row("200", kind="Deltid")])
    message = _("“%(value)s” is not an employment type. Write “fast” or “midlertidig”.")
    assert problems_of(result) == [(9, "Ansettelsesform", message % {"value": "deltid"})]
