"""Numbers as Norwegians write them: 20 000, with a (non-breaking) space between the
thousands, in every UI language. Numbers a machine reads (ids in attributes and links,
page numbers, versions, seconds) are printed as they are."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from samtale.actions.models import Action, Goal
from samtale.org.models import ImportBatch, Person
from testkit.source import REPOSITORY, product_copy, product_templates

NBSP = "\xa0"


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_number_from_ten_thousand_is_written_with_a_space(language):
    template = Template(
        "{% load i18n %}{{ n }}|{{ big }}|{{ day|date:'DATE_FORMAT' }}|{{ day|date:'Y' }}|"
        "{% blocktranslate count n=n %}{{ n }} person{% plural %}{{ n }} people{% endblocktranslate %}"
    )
    with translation.override(language):
        text = template.render(Context({"n": 20000, "big": 1234567, "day": date(2026, 11, 22)}))
    number, big, day, year, sentence = text.split("|")
    assert number == f"20{NBSP}000"
    assert big == f"1{NBSP}234{NBSP}567"
    assert (day, year) == ("22.11.2026", "2026")
    assert sentence.startswith(f"20{NBSP}000 ")


def test_the_import_preview_writes_its_counts_with_a_space(client_for, people):
    counts = {"rows": 20000, "create": 12500, "update": 0, "unchanged": 7500, "deactivate": 0}
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.PEOPLE,
        filename="ansatte.csv",
        content=b"x",
        uploaded_by=people.admin,
        report={"counts": counts, "problems": []},
    )
    body = client_for("admin").get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert f'<span class="stat">20{NBSP}000</span>' in body
    assert f'<span class="stat">12{NBSP}500</span>' in body


def test_an_action_card_with_a_large_id_keeps_its_ids_and_links_whole():
    goal = Goal(pk=54321, text="Mål")
    action = Action(pk=123456, goal=goal, text="Tiltak", status="in_progress")
    request = RequestFactory().get("/mine-tiltak/")
    html = render_to_string(
        "actions/_action.html", {"action": action, "today": date(2026, 1, 1)}, request=request
    )
    assert 'id="action-123456"' in html and 'hx-target="#action-123456"' in html
    assert 'for="s-123456"' in html and 'id="c-123456"' in html
    assert "/tiltak/123456/" in html
    assert NBSP not in html


def test_pages_and_draft_keys_are_written_without_a_space():
    page = Paginator(range(30000), 10).page(1500)
    html = render_to_string("includes/pagination.html", {"page": page, "query": ""})
    assert "side=1499" in html and "side=1501" in html
    assert f"1{NBSP}500" in html  # "Page 1 500 of 3 000" is for people to read
    user = Person(pk=12345)
    html = render_to_string(
        "conversations/_autosave.html",
        {"id": "n", "label": "Notat", "url": "/x/", "version": 1234, "text": "", "user": user},
    )
    assert 'data-version="1234"' in html and 'value="1234"' in html
    assert 'data-storage="samtale:12345/x/"' in html


# What a script, a URL or an id reads: an expression inside a tag that names one of these
# (its base, before any filter). Django's own ids of form fields and widgets are text.
MACHINE_READ = re.compile(r"(\bpk|[a-z]_id|\.id|page_number|seconds|version)$")
# Ids that are text, never numbers: form fields' and allauth's elements' (e.g. "mfa_webauthn_add").
TEXT_IDS = {"field.auto_id", "widget.attrs.id", "errors.field_id", "attrs.id"}


def _expressions_inside_tags(text: str):
    # Template tags and comments are blanked out first: their quotes and > are not HTML.
    text = re.sub(r"\{[%#].*?[%#]\}", lambda m: "§" * len(m.group(0)), text, flags=re.S)
    for match in re.finditer(r"\{\{\s*(.*?)\s*\}\}", text):
        before = text[: match.start()]
        if before.rfind("<") > before.rfind(">"):
            yield match.group(1)


def grouped_numbers(root: Path) -> list[str]:
    """Each number a machine reads that a template of the product under `root` writes into
    a tag without |unlocalize."""
    return sorted(
        f"{path.relative_to(root)}: {{{{ {expression} }}}}"
        for path in product_templates(root, suffixes=(".html",))
        for expression in _expressions_inside_tags(path.read_text())
        if MACHINE_READ.search(expression.split("|")[0])
        and expression.split("|")[0] not in TEXT_IDS
        and "unlocalize" not in expression
    )


def test_no_template_writes_an_id_page_or_version_into_a_tag_with_a_thousand_separator():
    """USE_THOUSAND_SEPARATOR groups every number a template prints: an id of 12345 in
    id="action-12345" or ?side=1501 would break. Such numbers go through |unlocalize."""
    assert grouped_numbers(REPOSITORY) == [], "add |unlocalize (load l10n) to these"


def test_an_id_planted_in_a_tag_in_a_copy_of_the_templates_is_found(tmp_path):
    """The walk above over a copy of the templates, with an id written into a tag planted
    in an app's template and in the project's own."""
    copy = product_copy(tmp_path)
    assert grouped_numbers(copy) == []
    for template in ("samtale/home/templates/home/home.html", "templates/base.html"):
        with (copy / template).open("a") as file:
            file.write('<a href="/tiltak/{{ action.pk }}/">{{ action.pk }}</a>\n')
    assert grouped_numbers(copy) == [
        "samtale/home/templates/home/home.html: {{ action.pk }}",
        "templates/base.html: {{ action.pk }}",
    ]
