"""Benchmark: import ~300 units and 10,000 people the way an administrator does.

    .venv/bin/python bench/import_people.py [--people N]

Runs on an in-memory SQLite database unless DATABASE_URL points elsewhere; that
database must be empty (the schema is migrated here). Goes through the same
services as the web pages: preview (read and check the file, store it), then
apply (check again and write, in one transaction), then the same file again,
which must change nothing.

Exits non-zero when previewing and applying 10,000 people takes more than 10
seconds (the budget scales with --people above 10,000), or when the re-import
changes anything.
"""

import argparse
import csv
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"

import django  # noqa: E402

BUDGET_SECONDS = 10.0
BUDGET_ROWS = 10_000

FIRST = [
    "Anders", "Astrid", "Bjørn", "Camilla", "Eirik", "Elin", "Frode", "Gunn", "Hanne", "Håkon",
    "Ida", "Jan", "Kjersti", "Lars", "Linn", "Magnus", "Maria", "Nora", "Ole", "Ragnhild",
    "Sigrid", "Sindre", "Solveig", "Stian", "Thea", "Torunn", "Vegard", "Åse", "Øystein", "Mona",
    "Knut", "Kari", "Per", "Tone", "Geir", "Heidi", "Morten", "Siri", "Trond", "Marit",
]  # fmt: skip
LAST = [
    "Aas", "Bakken", "Brekke", "Eide", "Fjeld", "Hagen", "Halvorsen", "Holm", "Jakobsen",
    "Johansen", "Karlsen", "Knutsen", "Larsen", "Myhre", "Nygård", "Olsen", "Pedersen", "Rønning",
    "Sandvik", "Solheim", "Strøm", "Sæther", "Tangen", "Vik", "Ødegård", "Åsheim", "Kristiansen",
    "Berge", "Dahl", "Lie", "Moen", "Nilsen", "Berg", "Haugen", "Bråten", "Løken", "Ås",
]  # fmt: skip
JOBS = [
    ("Lærer", "Undervisning"),
    ("Lektor", "Undervisning"),
    ("Assistent", "Skoleassistent"),
    ("Sykepleier", "Sykepleie"),
    ("Helsefagarbeider", "Helsefag"),
    ("Rådgiver", "Administrasjon"),
    ("Konsulent", "Administrasjon"),
    ("Fagarbeider", "Teknisk drift"),
]  # fmt: skip
ENTERPRISES = [
    "Fjordvik skole", "Helse og omsorg", "Teknisk drift", "Barnehagene", "Kultur",
    "Sentraladministrasjonen",
]  # fmt: skip
ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """The shape Norwegian Excel and most payroll systems export: semicolons, UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def make_units() -> list[list[str]]:
    """6 enterprises × 8 departments × 5 teams: 294 units."""
    rows = []
    for e, name in enumerate(ENTERPRISES, start=1):
        enterprise = f"{e}000"
        rows.append([enterprise, name, "virksomhet", ""])
        for d in range(1, 9):
            department = f"{e}{d}00"
            rows.append([department, f"{name} avdeling {d}", "avdeling", enterprise])
            for t in range(1, 6):
                rows.append([f"{e}{d}{t:02d}", f"{name} {d} team {t}", "team", department])
    return rows


def make_people(units: list[list[str]], count: int, rng: random.Random) -> list[list[str]]:
    """A head for every unit (head of the parent unit as their manager), the rest in teams."""
    today = date.today()
    taken: set[str] = set()
    rows: list[list[str]] = []
    head_of: dict[str, str] = {}

    def person(unit: str, manager: str, title: tuple[str, str]) -> None:
        number = str(100_000 + len(rows))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        base = f"{first}.{last}".lower().translate(ASCII)
        email, n = f"{base}@fjordvik.example", 2
        while email in taken:
            email, n = f"{base}{n}@fjordvik.example", n + 1
        taken.add(email)
        start = date(rng.randint(1990, 2025), rng.randint(1, 12), 1)
        end, kind = "", rng.choice(["fast", "Fast", "fast ansatt"])
        if rng.random() < 0.15:
            kind = rng.choice(["midlertidig", "vikar", "engasjement"])
            end = (today + timedelta(days=rng.randint(30, 700))).strftime("%d.%m.%Y")
        elif rng.random() < 0.01:  # left a while ago: imported as inactive
            end = (today - timedelta(days=rng.randint(1, 300))).strftime("%d.%m.%Y")
        rows.append([
            number, first, last, email, *title, kind, start.strftime("%d.%m.%Y"), end, unit, manager,
        ])  # fmt: skip
        head_of.setdefault(unit, number)

    parent_of = {code: parent for code, _, _, parent in units}
    for code, name, _, parent in units:
        if len(rows) < count:
            person(code, head_of.get(parent, ""), ("Leder " + name, "Ledelse"))
    teams = [code for code, _, kind, _ in units if kind == "team"]
    while len(rows) < count:
        team = rng.choice(teams)
        manager = head_of.get(team) or head_of.get(parent_of[team], "")
        person(team, manager, rng.choice(JOBS))
    # Exports follow names or employee numbers, not the hierarchy: managers often come
    # after the people who report to them.
    rng.shuffle(rows)
    return rows


def timed(label: str, rows: int, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<32} {rows:>6} rows in {seconds:6.2f} s ({rows / seconds:8.0f} rows/s)")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=BUDGET_ROWS, help="rows in the people file")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    django.setup()
    from common import in_home_tenant

    in_home_tenant()
    from django.core.management import call_command
    from django.db import connection

    from samtale.org.imports import people as people_import
    from samtale.org.imports import units as units_import
    from samtale.org.models import Person

    call_command("migrate", verbosity=0, run_syncdb=True)
    if Person.objects.exists():
        print("The database already has people; give the benchmark an empty one.", file=sys.stderr)
        return 2
    admin = Person.objects.create_user(
        "bench-admin@fjordvik.example",
        None,
        first_name="Bench",
        last_name="Admin",
        is_org_admin=True,
    )
    rng = random.Random(args.seed)
    units = make_units()
    people = make_people(units, args.people, rng)
    units_file = to_csv([c.label for c in units_import.COLUMNS], units)
    people_file = to_csv([c.label for c in people_import.COLUMNS], people)
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"people file {len(people_file) / 2**20:.1f} MB"
    )
    total = first_import(admin, units, units_file, people, people_file)
    counts, unchanged = second_import(admin, people, people_file)
    return 1 if failed(counts, unchanged, total, len(people)) else 0


def preview(admin, kind: str, content: bytes):
    """The import's preview of `content`, which must have no problems."""
    from samtale.org.imports import services as import_services

    batch = import_services.import_preview(
        actor=admin, kind=kind, filename=f"{kind}.csv", content=content
    )
    if batch.report["problems"]:
        raise SystemExit(f"the generated {kind} file has problems: {batch.report['problems'][:5]}")
    return batch


def apply(admin, batch):
    from samtale.org.imports import services as import_services

    return import_services.import_apply(actor=admin, batch=batch)


def first_import(admin, units: list, units_file: bytes, people: list, people_file: bytes):
    """The units, then the people, previewed and applied, each timed: the people's seconds."""
    from samtale.org.models import Person

    timed(
        "units: preview + apply",
        len(units),
        lambda: apply(admin, preview(admin, "units", units_file)),
    )
    batch, preview_s = timed(
        "people: preview (check only)", len(people), lambda: preview(admin, "people", people_file)
    )
    batch, apply_s = timed(
        "people: apply (check + write)", len(people), lambda: apply(admin, batch)
    )
    total = preview_s + apply_s
    print(
        f"people import: {len(people)} rows in {total:.2f} s ({len(people) / total:.0f} rows/s); "
        f"counts {batch.report['counts']}"
    )
    created = Person.objects.filter(employee_number__isnull=False)
    print(
        f"people in the database: {created.count()} imported, "
        f"{created.filter(is_active=True).count()} active, "
        f"{created.filter(manager__isnull=False).count()} with a line manager"
    )
    return total


def second_import(admin, people: list, people_file: bytes):
    """The same file imported again: (its counts, whether every row stayed as it was)."""
    from samtale.org.models import Person

    snapshot = list(Person.objects.order_by("pk").values_list())
    batch, _ = timed(
        "people: re-import, same file",
        len(people),
        lambda: apply(admin, preview(admin, "people", people_file)),
    )
    counts = batch.report["counts"]
    unchanged = list(Person.objects.order_by("pk").values_list()) == snapshot
    print(f"re-import counts {counts}; rows unchanged: {unchanged}")
    return counts, unchanged


def failed(counts: dict, unchanged: bool, total: float, rows: int) -> bool:
    """Whether the second import changed anything, or the first took past its budget
    (each said on stderr)."""
    failed = False
    if any(counts[k] for k in ("create", "update", "deactivate")) or not unchanged:
        print("FAIL: importing the same file again changed something.", file=sys.stderr)
        failed = True
    budget = BUDGET_SECONDS * max(1.0, rows / BUDGET_ROWS)
    if total > budget:
        print(
            f"FAIL: the people import took {total:.2f} s; the budget is {budget:.0f} s.",
            file=sys.stderr,
        )
        failed = True
    return failed


if __name__ == "__main__":
    sys.exit(main())
