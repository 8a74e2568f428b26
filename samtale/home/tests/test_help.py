"""Hjelp: the user guide in bokmål, nynorsk and English, served by the app, and every page's
link to the section about it (home.guide, home.views_help)."""

import os
import re
import shutil
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from samtale.conversations.services import lifecycle
from samtale.demo import org
from samtale.home import guide
from testkit.people import goals_version, make_archivist

LANGUAGES = ("nb", "nn", "en")
# The heading each language's start page opens with.
TITLES = {"nb": "Brukerveiledning", "nn": "Brukarrettleiing", "en": "Using Samtale"}


class _Links(HTMLParser):
    """Every link and picture of a page, and the help link in its header."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.pictures: list[dict] = []
        self.help: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
            if "help-link" in (attributes.get("class") or "").split():
                self.help.append(attributes["href"])
        if tag == "img":
            self.pictures.append(attributes)


def _parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _in(language: str, person=None) -> Client:
    """A client that reads Samtale in `language`: a signed-in person's own choice, else the
    language cookie (before signing in)."""
    client = Client()
    if person is not None:
        person.language = language
        person.save(update_fields=["language"])
        client.force_login(person)
    else:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _help_link(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    links = _parsed(response.content.decode()).help
    assert len(links) == 1, (path, links)
    return links[0]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_the_guide_renders_in_each_language(language):
    client = _in(language)
    for slug in guide.PAGES:
        response = client.get(guide.page_url(slug))
        assert response.status_code == 200, slug
        html = response.content.decode()
        assert f'<article class="help-page" lang="{language}">' in html
        page = guide.page_render(language=language, slug=slug)
        assert f"<title>{page.title} – " in html.replace("&#x27;", "'")
        # Markdown is gone: no file name, no heading's {#id} left in the text.
        assert '.md"' not in page.html and ".md#" not in page.html, slug
        assert "{ #" not in page.html, slug
    start = client.get(reverse("help")).content.decode()
    assert TITLES[language] in start


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_link_in_the_guide_is_broken_and_no_picture_missing(language):
    """Every link of every page leads to a page of the guide and a heading on it (or out of
    the app), and every picture is a static file the app serves."""
    pages = {slug: guide.page_render(language=language, slug=slug) for slug in guide.PAGES}
    by_url = {guide.page_url(slug): slug for slug in guide.PAGES}
    for slug, page in pages.items():
        found = _parsed(page.html)
        for href in found.links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            target = by_url.get(parts.path, slug) if parts.path else slug
            assert not parts.path or parts.path in by_url, (language, slug, href)
            assert not parts.fragment or parts.fragment in pages[target].ids, (
                language,
                slug,
                href,
            )
        for picture in found.pictures:
            assert picture.get("alt"), (language, slug, picture)
            src = picture["src"]
            assert src.startswith(settings.STATIC_URL + guide.STATIC_PREFIX + "/"), src
            assert finders.find(src.removeprefix(settings.STATIC_URL)), (language, slug, src)


def test_a_link_to_a_page_the_app_does_not_serve_keeps_its_words_only():
    """The English guide links the operators' pages (../integrating/…), which are on the
    documentation site, not in the app."""
    page = guide.page_render(language="en", slug="archive-staff")
    assert "integrating" not in page.html
    assert "<span>the personnel file</span>" in page.html


def test_every_section_the_map_names_exists_in_every_language():
    names = {key for key in get_resolver().reverse_dict if isinstance(key, str)}
    for name, (slug, anchor) in guide.SECTIONS.items():
        assert name in names, f"{name} is no URL name"
        assert slug in guide.PAGES, (name, slug)
        for language in LANGUAGES:
            ids = guide.page_render(language=language, slug=slug).ids
            assert anchor is None or anchor in ids, (name, language, slug, anchor)


def test_each_language_has_every_page_and_the_same_sections():
    """Bokmål and nynorsk have the same sections, and each is one of the English page's
    (which may have more of the operators' details): a Hjelp link works in any language."""
    for slug in guide.PAGES:
        nb = guide.page_render(language="nb", slug=slug).sections
        nn = guide.page_render(language="nn", slug=slug).sections
        en = guide.page_render(language="en", slug=slug).sections
        assert nb == nn, (slug, nb ^ nn)
        assert nb <= en, (slug, nb - en)


def _demo_names() -> tuple[set[str], set[str]]:
    """Every demo person's full name in each demo organization, as samtale.demo.org makes
    them (the named people, the staff drawn by chance, the leaver), and the first names of
    the named ones, whom the demo's texts call by their first name alone ("Kari's home
    page")."""
    was = org.profile().slug
    full: set[str] = set()
    first = {person.first for person in org.NAMED}
    try:
        for slug, profile in org.PROFILES.items():
            org.use(slug)
            full |= {f"{row[1]} {row[2]}" for row in org.people_rows()}
            first |= {name for name, _last in profile.names.values()}
    finally:
        org.use(was)
    return full, first


def _guide_text(language: str) -> dict[tuple[str, str], str]:
    """Each page of the guide in the language as the app serves it, pictures' texts
    included, its entities read and its lines joined (a name may break across two)."""
    return {
        (language, slug): " ".join(
            unescape(guide.page_render(language=language, slug=slug).html).split()
        )
        for slug in guide.PAGES
    }


def _demo_people_in(pages: dict[tuple[str, str], str]) -> list[tuple[str, str, str]]:
    """(language, page, name) for each demo person a page names: by full name, as a file or
    an address spells it (`samtale-kari-nilsen-….pdf`, `kari.nilsen@…`), or by a named
    person's first name alone. A first name the pages also use as a word ("per år") counts
    only with its surname ("Per Dahl")."""
    full, first = _demo_names()
    spelled = {
        spelling: name
        for name in full
        for spelling in (name, *(name.lower().translate(org.ASCII).replace(" ", s) for s in "-."))
    }
    by_full = _any_of(spelled)
    rest = " ".join(by_full.sub(" ", text) for text in pages.values())
    words = set(re.findall(r"\w+", rest))
    by_first = _any_of({name for name in first if name.lower() not in words})
    found = []
    for (language, slug), text in pages.items():
        found += [(language, slug, spelled[name.group()]) for name in by_full.finditer(text)]
        alone = by_full.sub(" ", text)
        found += [(language, slug, name.group()) for name in by_first.finditer(alone)]
    return found


def _any_of(names) -> re.Pattern:
    """Any of the names as words, the longest first."""
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"\b(?:{alternatives})\b")


def test_the_guide_names_no_demo_person():
    """The guide is every municipality's help: the demo's people are no reader's colleagues.
    Its pictures show the demo (the start page says so); its words name roles."""
    pages = {key: text for language in LANGUAGES for key, text in _guide_text(language).items()}
    assert len(pages) == len(LANGUAGES) * len(guide.PAGES) > 30
    full, first = _demo_names()
    assert len(full) > 100 and len(first) > 20
    assert _demo_people_in(pages) == []


def test_a_demo_person_planted_in_the_guide_is_found(tmp_path, monkeypatch):
    """The check above, on a copy of the bokmål guide with three demo people planted: one by
    first name in a picture's text, one by full name broken over two lines, one in a file's
    name."""
    folder = tmp_path / "nb"
    shutil.copytree(guide.FOLDERS["nb"], folder, copy_function=shutil.copy)
    employee, chief = org.NAMED[3], org.NAMED[0]
    staff = org.people_rows()[-2]

    def plant(page: str, old: str, new: str) -> None:
        path = folder / f"{page}.md"
        text = path.read_text()
        assert old in text, (page, old)
        path.write_text(text.replace(old, new, 1))

    plant("leader", "Forsiden til en leder", f"Forsiden til {employee.first}")
    plant("employee", "\n## ", f"\nSpør {staff[1]}\n{staff[2]}.\n\n## ")
    plant("archive-staff", "fornavn-etternavn", f"{chief.first}-{chief.last}".lower())
    monkeypatch.setitem(guide.FOLDERS, "nb", folder)
    assert _demo_people_in(_guide_text("nb")) == [
        ("nb", "employee", f"{staff[1]} {staff[2]}"),
        ("nb", "leader", employee.first),
        ("nb", "archive-staff", f"{chief.first} {chief.last}"),
    ]


@pytest.mark.django_db
def test_it_reads_the_person_s_language_and_falls_back_to_bokmal(people):
    for language, title in TITLES.items():
        html = _in(language, people.employee).get(reverse("help")).content.decode()
        assert "<h1 " in html and title in html, language
    # Someone whose language is none of the guide's reads bokmål.
    assert guide.language_of("de") == "nb"
    assert guide.language_of(None) == "nb"
    assert guide.language_of("nn") == "nn"
    assert guide.language_of("en-gb") == "en"


@pytest.mark.django_db
def test_the_help_link_goes_to_the_section_about_the_page(people):
    conversation = lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=goals_version(),
        scheduled_at=timezone.now() + timedelta(days=10),
        place="Møterom 2",
    )
    employee = _in("nb", people.employee)
    assert _help_link(employee, reverse("home")) == "/hjelp/employee/"
    assert _help_link(employee, reverse("conversation_detail", args=[conversation.pk])) == (
        "/hjelp/conversation/#overview"
    )
    assert _help_link(employee, reverse("preparation", args=[conversation.pk])) == (
        "/hjelp/conversation/#prepare"
    )
    assert _help_link(employee, reverse("my_actions")) == "/hjelp/follow-up/#my-actions"
    leader = _in("nb", people.leader)
    assert _help_link(leader, reverse("home")) == "/hjelp/leader/"
    assert _help_link(leader, reverse("follow_up")) == "/hjelp/follow-up/#overview"
    assert _help_link(_in("nb", people.hr), reverse("home")) == "/hjelp/hr/"
    assert _help_link(_in("nb", people.admin), reverse("home")) == "/hjelp/administrator/"
    archivist = _in("nb", make_archivist(people))
    assert _help_link(archivist, reverse("home")) == "/hjelp/archive-staff/"
    assert _help_link(archivist, reverse("archive_queue")) == "/hjelp/archive-staff/#queue"
    # Before signing in: the login page's help says how to sign in.
    assert _help_link(Client(), reverse("login")) == "/hjelp/#sign-in"
    # On the guide itself the link is the current page, and goes to the reader's start.
    response = employee.get(reverse("help_page", args=["rounds"]))
    assert 'class="help-link" href="/hjelp/employee/" aria-current="page"' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_page_without_a_section_gets_the_start_for_the_role(people, client_for):
    # The accessibility statement has one; the audit log's search is HR's section.
    assert _help_link(client_for("anonymous"), reverse("accessibility_statement")) == (
        "/hjelp/#language"
    )
    assert guide.SECTIONS.get("home") is None
    assert _help_link(client_for("leaders_leader"), reverse("home")) == "/hjelp/leader/"


@pytest.mark.django_db
def test_an_unknown_page_is_not_found_and_the_start_has_one_address(client_for):
    client = client_for("employee")
    assert client.get("/hjelp/nothing/").status_code == 404
    assert client.get("/hjelp/index/").status_code == 301
    assert client.get("/hjelp/index/")["Location"] == reverse("help")
    assert client.post(reverse("help")).status_code == 405


def test_a_page_is_rendered_once_until_its_file_changes(tmp_path, monkeypatch):
    folder = tmp_path / "nb"
    folder.mkdir()
    source = folder / "index.md"
    source.write_text("# Først\n\n## Del { #part }\n")
    monkeypatch.setitem(guide.FOLDERS, "nb", folder)
    first = guide.page_render(language="nb", slug="index")
    assert first is guide.page_render(language="nb", slug="index")
    assert first.title == "Først" and "part" in first.ids
    source.write_text("# Andre\n")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert guide.page_render(language="nb", slug="index").title == "Andre"


def test_raw_html_in_a_page_of_the_guide_is_shown_as_text(tmp_path, monkeypatch):
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "index.md").write_text(
        "# Side\n\n<script>alert(1)</script>\n\nTekst <img src=x onerror=alert(2)> og "
        "<b>fet</b>, `<i>kode</i>` og [lenke](#del).\n"
    )
    monkeypatch.setitem(guide.FOLDERS, "nb", folder)
    html = guide.page_render(language="nb", slug="index").html
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<code>&lt;i&gt;kode&lt;/i&gt;</code>" in html
    assert '<a class="ds-link" href="#del">lenke</a>' in html
