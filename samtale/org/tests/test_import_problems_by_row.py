"""An import's problems are listed by row: the checks find them pass by pass, the preview
shows each row's together, in the order of the file."""

import re

from django.urls import reverse

from samtale.org.imports import services as import_services
from samtale.org.tests.import_rows import PEOPLE_HEADER, csv_file, roster, row


def _preview(people, rows):
    return import_services.import_preview(
        actor=people.admin,
        kind="people",
        filename="ansatte.csv",
        content=csv_file(PEOPLE_HEADER, *rows),
    )


def _file_with_problems_found_out_of_order():
    # Row 9 names a manager who is not in the file: found only once every row is read,
    # after row 10's missing e-mail and row 11's missing name.
    return [
        *roster(),
        row("200", manager="999"),
        row("201", email=""),
        row("202", first=""),
        row("203", manager="998", email=""),
    ]


def test_the_preview_keeps_the_problems_by_row(people):
    batch = _preview(people, _file_with_problems_found_out_of_order())
    rows = [p["row"] for p in batch.report["problems"]]
    assert rows == sorted(rows) and set(rows) == {9, 10, 11, 12}
    # Within a row, the order they were found in: the cell checks, then the manager.
    row_12 = [p["column"] for p in batch.report["problems"] if p["row"] == 12]
    assert row_12 == ["E-post", "Leders ansattnummer"]


def test_the_preview_page_lists_row_column_and_problem_by_row(client_for, people):
    batch = _preview(people, _file_with_problems_found_out_of_order())
    body = client_for("admin").get(reverse("import_detail", args=[batch.pk])).content.decode()
    table = body[body.index('id="problems"') :]
    assert re.search(r"<th[^>]*>Rad</th><th[^>]*>Kolonne</th><th[^>]*>Problem</th>", table)
    shown = [int(n) for n in re.findall(r'<td class="num" data-label="Rad">(\d+)</td>', table)]
    assert shown == sorted(shown) and set(shown) == {9, 10, 11, 12}
    assert len(shown) == len(batch.report["problems"])
