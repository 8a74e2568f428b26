"""Django's `{# … #}` comment ends on its own line: one that runs over two lines is printed
on the page as it is (it once showed on /oppfolging/). Every template keeps its short
comments on one line, and longer ones in {% comment %}."""

import re
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    path
    for path in (ROOT / "samtale").rglob("templates/**/*")
    if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".ics")
]


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 100


def test_no_template_has_a_comment_that_runs_over_a_line():
    broken = []
    for path in TEMPLATES:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # What is left of the line once its complete one-line comments are taken out.
            rest = re.sub(r"\{#.*?#\}", "", line)
            if "{#" in rest or "#}" in rest:
                broken.append(f"{path.relative_to(ROOT)}:{number}")
    assert broken == []


def test_the_follow_up_overview_shows_no_template_comment(client_for):
    page = client_for("leader").get(reverse("follow_up")).content.decode()
    assert "{#" not in page and "#}" not in page
