"""A realistic demo organization: Fjordvik kommune, with a school, health and care,
and the central administration. Deterministic, so loading it twice changes nothing.

It goes through the same import code an administrator uses, so the demo also
shows that re-importing an unchanged roster changes nothing.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import check_password, make_password

from samtale.org.imports import people as people_import
from samtale.org.imports import units as units_import
from samtale.org.imports.reader import Table
from samtale.org.models import Person, Unit

DOMAIN = "fjordvik.example"


@dataclass(frozen=True)
class Profile:
    """One demo organization: Fjordvik, or Nordvik, its smaller neighbour (a second tenant
    on `make run`), with the same structure under other names: its own people and logins."""

    slug: str
    place: str
    domain: str
    seed: int
    # Named people's other names: {employee number: (first, last)}.
    names: dict
    # The share of each unit's staff (STAFF) it has.
    staff_share: float = 1.0


PROFILES = {
    "fjordvik": Profile("fjordvik", "Fjordvik", DOMAIN, 2026, {}),
    "nordvik": Profile(
        "nordvik",
        "Nordvik",
        "nordvik.example",
        2027,
        {
            "10001": ("Randi", "Aune"),
            "10002": ("Per", "Viken"),
            "10003": ("Tone", "Lien"),
            "10004": ("Siri", "Dahle"),
            "10005": ("Arne", "Foss"),
            "20001": ("Geir", "Sæter"),
            "20002": ("Liv", "Mo"),
            "20003": ("Knut", "Hoel"),
            "30001": ("Heidi", "Rud"),
            "30002": ("Ellen", "Krog"),
            "30003": ("Bente", "Lunde"),
            "30004": ("Rune", "Eng"),
            "30005": ("Tore", "Bye"),
            "30006": ("Gro", "Nes"),
        },
        staff_share=0.5,
    ),
}
_profile = {"now": PROFILES["fjordvik"]}


def use(slug: str) -> Profile:
    """Load the next data as `slug`'s organization (demo_data --organization)."""
    _profile["now"] = PROFILES[slug]
    return _profile["now"]


def profile() -> Profile:
    return _profile["now"]


def domain() -> str:
    """The e-mail domain of the organization being loaded."""
    return profile().domain


def person(number: str) -> Person:
    """A named person of the organization being loaded, by employee number."""
    return Person.objects.get(employee_number=number, email__endswith=f"@{domain()}")


UNITS = [
    # code, name, level, parent
    ("4200", "Fjordvik skole", "virksomhet", ""),
    ("4210", "Barnetrinnet", "avdeling", "4200"),
    ("4211", "Team 1.–4. trinn", "team", "4210"),
    ("4212", "Team 5.–7. trinn", "team", "4210"),
    ("4220", "Ungdomstrinnet", "avdeling", "4200"),
    ("5100", "Helse og omsorg", "virksomhet", ""),
    ("5110", "Hjemmetjenesten", "avdeling", "5100"),
    ("5120", "Fjordvik sykehjem", "avdeling", "5100"),
    ("5121", "Sykehjemmet post A", "team", "5120"),
    ("5122", "Sykehjemmet post B", "team", "5120"),
    ("1100", "Sentraladministrasjonen", "virksomhet", ""),
    ("1110", "Personal og organisasjon", "avdeling", "1100"),
    ("1120", "IT og digitalisering", "avdeling", "1100"),
]


@dataclass(frozen=True)
class Named:
    """A demo person with a fixed name, because the README and the tests name them."""

    number: str
    first: str
    last: str
    title: str
    group: str
    unit: str
    manager: str
    role: str = ""


NAMED = [
    Named("10001", "Ingrid", "Haugen", "Rektor", "Ledelse", "4200", "", "leaders_leader"),
    Named(
        "10002", "Ola", "Berg", "Avdelingsleder barnetrinnet", "Ledelse", "4210", "10001", "leader"
    ),
    Named("10003", "Silje", "Moen", "Avdelingsleder ungdomstrinnet", "Ledelse", "4220", "10001"),
    Named("10004", "Kari", "Nilsen", "Lærer", "Undervisning", "4211", "10002", "employee"),
    # Tillitsvalgt for Fjordvik skole (UNION_UNIT): the school's competence plan.
    Named("10005", "Jonas", "Lie", "Lektor", "Undervisning", "4220", "10003", "union"),
    Named("20001", "Tor", "Eriksen", "Kommunalsjef helse og omsorg", "Ledelse", "5100", ""),
    Named("20002", "Hilde", "Strand", "Avdelingsleder hjemmetjenesten", "Ledelse", "5110", "20001"),
    Named("20003", "Per", "Dahl", "Avdelingsleder sykehjem", "Ledelse", "5120", "20001"),
    Named("30001", "Anne", "Lund", "Kommunedirektør", "Ledelse", "1100", ""),
    Named("30002", "Marte", "Solberg", "Personalsjef", "Ledelse", "1110", "30001"),
    Named("30003", "Lise", "Hansen", "HR-rådgiver", "Personal", "1110", "30002", "hr"),
    Named("30004", "Erik", "Bakke", "IT-leder", "Ledelse", "1120", "30001"),
    Named("30005", "Nils", "Jensen", "Systemansvarlig", "IT", "1120", "30004", "admin"),
    Named("30006", "Berit", "Vik", "Arkivleder", "Arkiv", "1110", "30002", "archive"),
]

# The unit the demo's union representative is elected for.
UNION_UNIT = "4200"

# (unit, manager, how many, job titles with profession group)
STAFF = [
    ("4211", "10002", 6, [("Lærer", "Undervisning"), ("Assistent", "Skoleassistent")]),
    ("4212", "10002", 6, [("Lærer", "Undervisning"), ("Spesialpedagog", "Undervisning")]),
    (
        "4220",
        "10003",
        8,
        [("Lektor", "Undervisning"), ("Lærer", "Undervisning"), ("Rådgiver", "Undervisning")],
    ),
    ("5110", "20002", 10, [("Sykepleier", "Sykepleie"), ("Helsefagarbeider", "Helsefag")]),
    (
        "5121",
        "20003",
        7,
        [("Sykepleier", "Sykepleie"), ("Helsefagarbeider", "Helsefag"), ("Assistent", "Helsefag")],
    ),
    ("5122", "20003", 7, [("Helsefagarbeider", "Helsefag"), ("Sykepleier", "Sykepleie")]),
    ("1110", "30002", 3, [("Lønnskonsulent", "Personal"), ("Rådgiver", "Personal")]),
    ("1120", "30004", 3, [("IT-konsulent", "IT"), ("Systemutvikler", "IT")]),
]

FIRST = [
    "Anders",
    "Astrid",
    "Bjørn",
    "Camilla",
    "Eirik",
    "Elin",
    "Frode",
    "Gunn",
    "Hanne",
    "Håkon",
    "Ida",
    "Jan",
    "Kjersti",
    "Lars",
    "Linn",
    "Magnus",
    "Maria",
    "Nora",
    "Ole",
    "Ragnhild",
    "Sigrid",
    "Sindre",
    "Solveig",
    "Stian",
    "Thea",
    "Torunn",
    "Vegard",
    "Åse",
    "Øystein",
    "Mona",
]
LAST = [
    "Aas",
    "Bakken",
    "Brekke",
    "Eide",
    "Fjeld",
    "Hagen",
    "Halvorsen",
    "Holm",
    "Jakobsen",
    "Johansen",
    "Karlsen",
    "Knutsen",
    "Larsen",
    "Myhre",
    "Nygård",
    "Olsen",
    "Pedersen",
    "Rønning",
    "Sandvik",
    "Solheim",
    "Strøm",
    "Sæther",
    "Tangen",
    "Vik",
    "Ødegård",
    "Åsheim",
    "Kristiansen",
    "Berge",
]

# Fjordvik's (employee number, earlier line manager, new line manager): Maria Pedersen came
# from Ola Berg to Silje Moen two days ago (demo.handover), and the roster gives her new one.
HANDED_OVER = ("40007", "10002", "10003")

PEOPLE_HEADER = [c.label for c in people_import.COLUMNS]
UNITS_HEADER = [c.label for c in units_import.COLUMNS]

ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"})


def email_for(first: str, last: str, taken: set[str]) -> str:
    base = f"{first}.{last}".lower().translate(ASCII)
    email, n = f"{base}@{domain()}", 2
    while email in taken:
        email, n = f"{base}{n}@{domain()}", n + 1
    taken.add(email)
    return email


def people_rows() -> list[list[str]]:
    """The people file's rows: the named people, the staff drawn by chance, and one leaver.
    One random draw for all, in this order, so that every load gives the same people."""
    rng = random.Random(profile().seed)
    taken: set[str] = set()
    return [*_named_rows(rng, taken), *_staff_rows(rng, taken), _leaver_row(taken)]


def _start(rng: random.Random) -> str:
    """A start date between 1998 and 2025, in the file's format."""
    return date(rng.randint(1998, 2025), rng.choice([1, 3, 8, 10]), 1).strftime("%d.%m.%Y")


def _named_rows(rng: random.Random, taken: set[str]) -> list[list[str]]:
    """The people the demo's logins and texts name, permanent, in NAMED's order."""
    rows = []
    for p in NAMED:
        first, last = profile().names.get(p.number, (p.first, p.last))
        rows.append(
            [
                p.number,
                first,
                last,
                email_for(first, last, taken),
                p.title,
                p.group,
                "fast",
                _start(rng),
                "",
                p.unit,
                p.manager,
            ]
        )
    return rows


def units_rows() -> list[list[str]]:
    """The units file's rows, with the organization's place in their names."""
    place = profile().place
    return [
        [code, name.replace("Fjordvik", place), level, parent]
        for code, name, level, parent in UNITS
    ]


def _staff_rows(rng: random.Random, taken: set[str]) -> list[list[str]]:
    """Each unit's staff (STAFF), named and titled by chance, about one in seven temporary."""
    rows = []
    number = 40000
    for unit, manager, count, titles in STAFF:
        for _ in range(max(2, round(count * profile().staff_share))):
            number += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            title, group = rng.choice(titles)
            temporary = rng.random() < 0.15
            rows.append(
                [
                    str(number),
                    first,
                    last,
                    email_for(first, last, taken),
                    title,
                    group,
                    "midlertidig" if temporary else "fast",
                    _start(rng),
                    "31.07.2027" if temporary else "",
                    unit,
                    _handed_over(str(number)) or manager,
                ]
            )
    return rows


def _handed_over(number: str) -> str | None:
    """The new line manager of the one handed over (HANDED_OVER), in Fjordvik."""
    person, _earlier, new = HANDED_OVER
    return new if profile().slug == "fjordvik" and number == person else None


def _leaver_row(taken: set[str]) -> list[str]:
    """One who left last year: kept, inactive, as the import does with leavers."""
    return [
        "49999",
        "Geir",
        "Sletten",
        email_for("Geir", "Sletten", taken),
        "Lærer",
        "Undervisning",
        "fast",
        "01.08.2001",
        "30.06.2025",
        "4212",
        "10002",
    ]


def load(*, password: str) -> dict[str, Person]:
    """Load units and people; give the named ones their roles and everyone the demo password.

    Returns the demo logins by role.
    """
    for module, header, rows in (
        (units_import, UNITS_HEADER, units_rows()),
        (people_import, PEOPLE_HEADER, people_rows()),
    ):
        table = Table(header=header, rows=list(enumerate(rows, start=2)))
        result = module.plan(table)
        if result.problems:
            raise RuntimeError(f"demo data has problems: {result.problems.items[:5]}")
        module.apply(result)

    roles = {p.number: p.role for p in NAMED if p.role}
    flags = {"hr": "is_hr", "admin": "is_org_admin", "archive": "is_archivist"}
    flags["union"] = "is_union_rep"
    numbers = [p.number for p in NAMED if p.role in flags]
    union_unit = Unit.objects.get(code=UNION_UNIT)
    for person in Person.objects.filter(employee_number__in=numbers):
        want: dict[str, object] = {
            flag: roles[person.employee_number or ""] == role for role, flag in flags.items()
        }
        if want["is_union_rep"]:
            want["union_unit"] = union_unit
        if any(getattr(person, flag) != value for flag, value in want.items()):
            for flag, value in want.items():
                setattr(person, flag, value)
            person.save(update_fields=list(want))

    # One hash for all demo people: hashing 80 passwords with Argon2 would take seconds,
    # and re-using the stored hash when it still matches keeps a second run a no-op.
    demo = Person.objects.filter(email__endswith=f"@{domain()}")
    current = demo.exclude(password__startswith="!").values_list("password", flat=True).first()
    hashed = current if current and check_password(password, current) else make_password(password)
    demo.exclude(password=hashed).update(password=hashed)

    return logins()


def logins() -> dict[str, Person]:
    """The demo logins by role (employee, leader, leaders_leader, hr, admin), as loaded;
    a role whose person is not in the database is left out."""
    roles = {p.number: p.role for p in NAMED if p.role}
    by_number = {p.employee_number: p for p in Person.objects.filter(employee_number__in=roles)}
    return {role: by_number[number] for number, role in roles.items() if number in by_number}
