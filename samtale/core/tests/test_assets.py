"""What every page loads before it can paint: one stylesheet, built from what is committed,
and no script fetched before the page has loaded (docs/developing/interface.md, "Fast pages")."""

import re
from html.parser import HTMLParser

import tinycss2
from django.urls import reverse

from samtale.core import css_bundle
from samtale.core.css_bundle import BUNDLE, bundle_build


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open = True
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.open = False
        elif self.open:
            self.tags.append((tag, dict(attrs)))


def head_of(body: str) -> list[tuple[str, dict]]:
    head = Head()
    head.feed(body)
    return head.tags


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def all_tags(body: str) -> list[tuple[str, dict]]:
    tags = Tags()
    tags.feed(body)
    return tags.tags


def test_the_committed_stylesheet_is_built_from_the_committed_sources():
    # When this fails: run `manage.py build_css` and commit static/css/bundle.css.
    assert BUNDLE.read_text(encoding="utf-8") == bundle_build()


def test_a_page_links_one_stylesheet_and_fetches_its_scripts_once_it_has_loaded(client_for):
    response = client_for("employee").get(reverse("home"))
    body = response.content.decode()
    tags = head_of(body)
    stylesheets = [a["href"] for t, a in tags if t == "link" and a.get("rel") == "stylesheet"]
    assert len(stylesheets) == 1 and "css/bundle" in stylesheets[0]
    assert not [a for t, a in tags if t == "link" and a.get("rel") == "preload"]
    # No script the browser fetches while it parses: each is left for the loader, inert.
    assert not [a for t, a in all_tags(body) if t == "script" and "src" in a]
    later = [a["data-src"] for t, a in tags if t == "script" and "data-src" in a]
    assert [re.sub(r"\.[0-9a-f]{12}\.js$", ".js", src) for src in later] == [
        "/static/vendor/designsystemet/designsystemet-web.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/js/samtale.js",
        "/static/js/picker.js",
    ]
    assert all(a["type"] == "text/plain" for t, a in tags if t == "script" and "data-src" in a)


def test_without_the_loader_every_script_is_deferred(client_for, settings):
    settings.SCRIPTS_AFTER_LOAD = False
    body = client_for("employee").get(reverse("home")).content.decode()
    files = [a for t, a in all_tags(body) if t == "script" and "src" in a]
    assert len(files) == 5 and all("defer" in a for a in files)  # with session.js
    assert not [a for t, a in all_tags(body) if t == "script" and "data-src" in a]
    assert len([a for t, a in all_tags(body) if t == "script" and "nonce" in a]) == 1


def test_the_inline_scripts_run_by_the_nonce_the_policy_names(client_for):
    response = client_for("employee").get(reverse("home"))
    tags = all_tags(response.content.decode())
    inline = [a for t, a in tags if t == "script" and "src" not in a and "data-src" not in a]
    assert len(inline) == 2  # the js class in <head>, the loader at the end of <body>
    assert inline[0]["nonce"] == inline[1]["nonce"]
    policy = response.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src")).split()
    assert script_src == ["script-src", "'self'", f"'nonce-{inline[0]['nonce']}'"]


def test_a_page_without_the_inline_script_names_no_nonce(client, db):
    response = client.get("/api/v1/docs")  # the API's docs: a page of its own
    assert "'self'" in response.headers["Content-Security-Policy"]
    assert "nonce-" not in response.headers["Content-Security-Policy"]


def _kept(css: str, used: set[str]) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return css_bundle._rules(rules, used)


def test_a_rule_is_left_out_only_when_it_needs_a_class_no_page_has():
    used = {"ds-button"}
    assert _kept(".ds-button{color:red}", used) == ".ds-button{color:red}"
    assert _kept(".ds-tabs{color:red}", used) == ""
    assert _kept(".ds-tabs,.ds-button>b{color:red}", used) == ".ds-button>b{color:red}"
    # An :is() can match through any of its selectors; :not() needs none of them.
    assert _kept(":is(.ds-tabs,.ds-button) a{x:1}", used) == ":is(.ds-tabs,.ds-button) a{x:1}"
    assert _kept(":is(.ds-tabs,.ds-chip) a{x:1}", used) == ""
    assert _kept(".ds-button:not(.ds-tabs){x:1}", used) == ".ds-button:not(.ds-tabs){x:1}"
    # Rules without Designsystemet's classes stay.
    assert _kept("body p{margin:0}", used) == "body p{margin:0}"


def test_the_theme_keeps_the_colours_and_schemes_pages_give():
    used = {"data-color=danger", "data-color-scheme=light"}
    assert _kept('[data-color="danger"]{--c:1}', used) == '[data-color="danger"]{--c:1}'
    assert _kept('[data-color="brand1"]{--c:1}', used) == ""
    assert _kept('[data-color-scheme="dark"]{--c:1}', used) == ""


def test_an_emptied_layer_keeps_its_place_in_the_order_of_layers():
    css = "@layer ds.components{.ds-tabs{color:red}}@layer ds.base{p{margin:0}}"
    assert _kept(css, set()) == "@layer ds.components;@layer ds.base{p{margin:0}}"


def test_the_classes_pages_use_are_found_in_templates_code_and_scripts():
    used = css_bundle.used_names()
    # A template, a form widget's Python, and a class a script sets.
    assert {"ds-heading", "ds-suggestion", "ds-alert"} <= used
    assert "ds-tabs" not in used and "data-color=brand1" not in used


def test_the_minified_text_keeps_spaces_that_mean_something():
    css = '.a  >  .b , .c{content:"x  y";margin:calc(1px + 2px)  auto}'
    assert _kept(css, set()) == '.a>.b,.c{content:"x  y";margin:calc(1px + 2px) auto}'
    assert re.search(r"@charset \"UTF-8\";", bundle_build().splitlines()[0])


def test_no_rule_in_the_bundle_has_a_has_that_every_ancestor_carries():
    # Such a :has() re-styled the whole page at every change inside a field, and at every
    # script the loader added: six times while the round's page loaded.
    assert css_bundle.unscoped_has(BUNDLE.read_text(encoding="utf-8")) == []
    vendored = (css_bundle.STATIC / "vendor/designsystemet/designsystemet.css").read_text()
    assert css_bundle.unscoped_has(vendored), "Designsystemet's own rules still have them"


def test_a_has_counts_as_scoped_only_by_what_its_own_compound_names():
    unscoped = [
        ":has(label) .ds-input:hover",
        "*:has(a)",
        "html:has(.talktime) main",
        ":root:has(dialog)",
        ".ds-table>:is(thead,:not(:has(thead)) tbody)>tr",
        ":is(:has(label) .ds-input,.ds-input:checked)",
        ".ds-card > :has(img)",
        "html.js:has(.x) p",
        '[title="a b"] :has(img)',
    ]
    scoped = [
        ".ds-field:has(input)",
        "body:has(.ds-dialog:modal)",
        ".ds-field:where(:has(.ds-input[readonly])) label",
        ":is(.ds-search,.ds-suggestion):has(>input)",
        "[data-multiple]:has(data)",
        "tbody:last-of-type:not(:has(~tfoot))",
        ".ds-input:not(label .ds-input)",
        '.x[title="a b"]:has(img)',
        "htmlish:has(a)",
    ]
    assert [s for s in unscoped if not css_bundle.unscoped_has(f"{s}{{x:1}}")] == []
    assert [s for s in scoped if css_bundle.unscoped_has(f"{s}{{x:1}}")] == []


def test_designsystemets_unscoped_selectors_are_written_anew():
    css = (
        ":has(label):not(:has(label:hover)) .ds-input:hover{x:1}"
        ".ds-table>:is(thead:first-of-type,:not(:has(thead)) tbody:first-of-type)>tr{y:1}"
    )
    assert _kept(css, {"ds-input", "ds-table"}) == (
        ".ds-input:not(label .ds-input):hover{x:1}"
        ".ds-table>:is(thead:first-of-type,tbody:first-of-type:not(thead~tbody))>tr{y:1}"
    )
