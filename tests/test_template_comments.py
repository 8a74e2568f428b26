"""Django's `{# … #}` comment ends on its own line: one that runs over two lines is printed
on the page as it is (it once showed on /oppfolging/). Every template keeps its short
comments on one line, and longer ones in {% comment %}."""

import re
from pathlib import Path

from django.urls import reverse

from testkit.source import REPOSITORY, product_copy, product_templates


def comments_over_a_line(root: Path) -> list[str]:
    """Each line of a template of the product under `root` (its apps' and the project's own)
    where a `{# … #}` comment starts or ends without the other half."""
    broken = []
    for path in product_templates(root):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # What is left of the line once its complete one-line comments are taken out.
            rest = re.sub(r"\{#.*?#\}", "", line)
            if "{#" in rest or "#}" in rest:
                broken.append(f"{path.relative_to(root)}:{number}")
    return broken


def test_no_template_has_a_comment_that_runs_over_a_line():
    assert comments_over_a_line(REPOSITORY) == []


def test_a_comment_over_two_lines_planted_in_a_copy_of_the_templates_is_found(tmp_path):
    """The walk above over a copy of the templates, with such a comment planted in an app's
    and in the project's own."""
    copy = product_copy(tmp_path)
    assert comments_over_a_line(copy) == []
    lines = {}
    for template in ("samtale/home/templates/home/home.html", "templates/base.html"):
        lines[template] = len((copy / template).read_text().splitlines())
        with (copy / template).open("a") as file:
            file.write("{# a comment\n   over two lines #}\n")
    assert comments_over_a_line(copy) == sorted(
        f"{template}:{lines[template] + n}" for template in lines for n in (1, 2)
    )


def test_the_follow_up_overview_shows_no_template_comment(client_for):
    page = client_for("leader").get(reverse("follow_up")).content.decode()
    assert "{#" not in page and "#}" not in page
