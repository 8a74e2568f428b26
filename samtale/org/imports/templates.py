"""Sample files an administrator can download, fill in or compare with their export."""

from samtale.core.spreadsheet import csv_bytes
from samtale.org.imports import people, units

# fmt: off
EXAMPLES = {
    "units": [
        ["4200", "Fjordvik skole", "virksomhet", ""],
        ["4210", "Barnetrinnet", "avdeling", "4200"],
        ["4211", "Team 1.–4. trinn", "team", "4210"],
    ],
    "people": [
        ["10001", "Ingrid", "Haugen", "ingrid.haugen@fjordvik.example", "Rektor", "Ledelse",
         "fast", "01.08.2015", "", "4200", ""],
        ["10002", "Ola", "Berg", "ola.berg@fjordvik.example", "Avdelingsleder", "Ledelse",
         "fast", "15.01.2018", "", "4210", "10001"],
        ["10003", "Kari", "Nilsen", "kari.nilsen@fjordvik.example", "Lærer", "Undervisning",
         "midlertidig", "01.08.2026", "30.06.2027", "4211", "10002"],
    ],
}
# fmt: on


def template_csv(kind: str) -> bytes:
    columns = {"units": units.COLUMNS, "people": people.columns()}[kind]
    examples = [row + [""] * (len(columns) - len(row)) for row in EXAMPLES[kind]]
    return csv_bytes([[c.label for c in columns], *examples])
