"""Parts of every page kept rendered (core.kept): each request's own values written in
escaped, as the template would have; rendered anew for another language, after a setting
changes, and as usual where a value is missing."""

from django.test import RequestFactory
from django.utils import translation

from samtale.core import kept
from samtale.core.context_processors import LANGUAGE_NAMES, chrome_urls
from samtale.core.templatetags.samtale import page_assets, page_footer


def footer(path: str, token="a" * 64) -> str:
    request = RequestFactory().get(path)
    return page_footer({"request": request, "csrf_token": token})


def test_each_request_writes_its_own_values_in_escaped():
    first = footer("/samtaler/?q=1")
    hostile = kept.render_kept(
        "core/_footer.html",
        same={"urls": chrome_urls(), "language_names": LANGUAGE_NAMES},
        slots={"csrf_token": "b" * 64, "here": '"><script>alert(1)</script>'},
    )
    assert 'name="next" value="/samtaler/?q=1"' in first and "a" * 64 in first
    assert "<script>alert(1)" not in hostile and "&quot;&gt;&lt;script&gt;" in hostile
    assert "b" * 64 in hostile and "a" * 64 not in hostile
    # The rest is the same: one rendering kept for the language.
    assert first.split('name="next"')[0].replace("a" * 64, "") == hostile.split('name="next"')[
        0
    ].replace("b" * 64, "")


def test_another_language_is_rendered_anew():
    with translation.override("nb"):
        norwegian = footer("/")
    with translation.override("en"):
        english = footer("/")
    assert "Språk" in norwegian and "Language" in english


def test_a_missing_form_token_gives_no_token_as_before():
    page = footer("/", token=None)
    assert "csrfmiddlewaretoken" not in page and 'name="next" value="/"' in page


def test_a_changed_setting_is_seen(settings):
    settings.SCRIPTS_AFTER_LOAD = True
    assert 'type="text/plain" data-src=' in page_assets({"csp_nonce": "n1"})
    settings.SCRIPTS_AFTER_LOAD = False
    deferred = page_assets({"csp_nonce": "n2"})
    assert "defer" in deferred and 'nonce="n2"' in deferred and "n1" not in deferred
    assert not kept._parts or all("text/plain" not in "".join(p) for p in kept._parts.values())


def test_the_header_is_kept_for_each_menu_and_names_the_person():
    from types import SimpleNamespace

    from samtale.core.templatetags.samtale import page_header

    menu = [("/", "Forside", True), ("/samtaler/", "Samtaler", False)]
    other_page = [("/", "Forside", False), ("/samtaler/", "Samtaler", True)]

    def header(name: str, menu: list) -> str:
        user = SimpleNamespace(full_name=name)
        context = {"user": user, "menu": menu, "help_url": "/hjelp/", "csrf_token": "c" * 64}
        return page_header(context)

    first = header("Kari Nilsen", menu)
    hostile = header("<b>Ola</b>", menu)
    moved = header("Kari Nilsen", other_page)
    assert "Kari Nilsen" in first and "&lt;b&gt;Ola&lt;/b&gt;" in hostile and "<b>" not in hostile
    assert '<a href="/" aria-current="page">' in first
    assert (
        '<a href="/samtaler/" aria-current="page">' in moved
        and '<a href="/" aria-current' not in moved
    )
