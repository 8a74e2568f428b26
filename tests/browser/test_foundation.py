"""Every demo role signs in and reaches its pages; every page passes axe-core (WCAG 2.1 AA)."""

from pathlib import Path

import pytest

from samtale.demo import org as org_demo
from samtale.org.models import Person

PASSWORD = "demo-password-for-tests"

# The pages each role reaches from the navigation, beyond the home page.
PAGES = {
    "employee": ["/profil/", "/profil/passord/"],
    "leader": ["/personer/", "person:kari.nilsen", "/innsikt/"],
    "leaders_leader": ["/personer/", "/innsikt/"],
    "hr": [
        "/personer/",
        "/enheter/",
        "/personer/endringer/",
        "/personer/endringer/?vis=epost",
        "/innsikt/svar/",
        "/innsikt/",
    ],
    "admin": [
        "/personer/",
        "/personer/ny/",
        "edit:kari.nilsen",
        "edit:nils.jensen",
        "/enheter/",
        "/enheter/ny/",
        "/import/",
    ],
}


@pytest.fixture
def demo(transactional_db):
    return org_demo.load(password=PASSWORD)


def _path(spec: str) -> str:
    if ":" not in spec:
        return spec
    kind, local = spec.split(":")
    pk = Person.objects.get(email=f"{local}@{org_demo.DOMAIN}").pk
    return f"/personer/{pk}/" if kind == "person" else f"/personer/{pk}/rediger/"


@pytest.mark.parametrize("role", list(PAGES))
def test_each_demo_role_signs_in_and_every_page_passes_axe(visitor_factory, demo, role):
    person = demo[role]
    visitor = visitor_factory(role)
    visitor.goto("/")
    assert "/logg-inn/" in visitor.page.url
    visitor.check("login")
    visitor.login(person.email, PASSWORD)
    assert person.first_name in visitor.page.locator("h1").inner_text()
    visitor.check("home")
    for spec in PAGES[role]:
        response = visitor.goto(_path(spec))
        assert response.status == 200, spec
        visitor.check(spec.replace("/", " "))


@pytest.mark.parametrize("role", list(PAGES))
def test_each_role_home_page_works_on_a_360_px_phone(visitor_factory, demo, role):
    # check() also fails when anything makes the page wider than the screen.
    visitor = visitor_factory(f"phone-{role}", width=360, height=740)
    visitor.login(demo[role].email, PASSWORD)
    visitor.check("home")
    for spec in PAGES[role]:
        visitor.goto(_path(spec))
        visitor.check(spec.replace("/", " "))


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(visitor_factory, demo):
    visitor = visitor_factory("keyboard")
    visitor.login(demo["employee"].email, PASSWORD)
    visitor.page.keyboard.press("Tab")
    focused = visitor.page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main"
    visitor.page.keyboard.press("Enter")
    assert visitor.page.evaluate("() => document.activeElement.id") == "main"


def test_public_pages_and_error_pages_pass_axe(visitor_factory, demo):
    visitor = visitor_factory("public")
    for path in ["/logg-inn/", "/passord/glemt/", "/passord/glemt/sendt/", "/passord/ny/MQ/bad/"]:
        visitor.goto(path)
        visitor.check(path.replace("/", " "))
    visitor.login(demo["employee"].email, PASSWORD)
    response = visitor.goto("/finnes-ikke/")
    assert response.status == 404
    visitor.check("404")
    response = visitor.goto("/enheter/")
    assert response.status == 403
    visitor.check("403")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_accessibility_statement_is_reached_from_the_footer_signed_out(
    visitor_factory, demo, width
):
    """The municipality's statement, from any page's footer, without signing in: its
    sections in Uutilsynet's order, each criterion that falls short or is untested named."""
    visitor = visitor_factory(f"statement-{width}", width=width, height=800)
    visitor.goto("/logg-inn/")
    visitor.page.click("footer a[href='/tilgjengelighet/']")
    visitor.page.wait_for_url("**/tilgjengelighet/")
    from samtale.accessibility import conformance

    said = conformance.statement()
    headings = visitor.page.locator("main h2").all_inner_texts()
    assert headings == [
        "Status",
        *(["Dette virker ikke ennå"] if said["short"] else []),
        *(["Ikke testet ennå"] if said["not_tested"] else []),
        "Har du funnet en hindring?",
        "Klage",
        "Om denne erklæringen",
    ], headings
    assert visitor.page.locator("main li").count() >= 2
    visitor.check(f"statement-{width}")


def test_a_wrong_password_gets_a_clear_message(visitor_factory, demo):
    visitor = visitor_factory("wrong-password")
    visitor.goto("/logg-inn/")
    visitor.page.fill("#id_username", demo["employee"].email)
    visitor.page.fill("#id_password", "not-the-password")
    visitor.page.click("main button[type=submit]")
    alert = visitor.page.locator("[role=alert]")
    assert "passord" in alert.inner_text().lower()
    visitor.check("login-error")


def test_the_language_can_be_switched_to_nynorsk_and_english(visitor_factory, demo):
    visitor = visitor_factory("language")
    visitor.login(demo["employee"].email, PASSWORD)
    assert visitor.page.locator("html").get_attribute("lang") == "nb"
    for code in ("nn", "en"):
        visitor.page.select_option("#footer-language", code)
        visitor.page.click(".site-footer button")
        visitor.page.wait_for_load_state("load")
        assert visitor.page.locator("html").get_attribute("lang") == code
        visitor.check(f"home-{code}")
    assert Person.objects.get(pk=demo["employee"].pk).language == "en"


def test_an_administrator_imports_people_from_a_file(visitor_factory, demo, tmp_path: Path):
    visitor = visitor_factory("import")
    visitor.login(demo["admin"].email, PASSWORD)
    visitor.goto("/import/")
    rows = [
        "Ansattnummer;Fornavn;Etternavn;E-post;Stilling;Enhetskode;Leders ansattnummer",
        *[
            f"{p.employee_number};{p.first_name};{p.last_name};{p.email};{p.job_title};"
            f"{p.unit.code};{p.manager.employee_number if p.manager else ''}"
            for p in Person.objects.filter(
                employee_number__isnull=False, is_active=True
            ).select_related("unit", "manager")
        ],
        "90001;Nora;Nykommer;nora.nykommer@fjordvik.example;Lærer;4211;10002",
    ]
    upload = tmp_path / "personer.csv"
    upload.write_text("\n".join(rows), encoding="utf-8")
    visitor.page.check("input[name=kind][value=people]")
    visitor.page.set_input_files("#id_file", str(upload))
    visitor.page.click("main form button[type=submit]")
    visitor.page.wait_for_url("**/import/*/")
    visitor.check("import-preview")
    assert not Person.objects.filter(email="nora.nykommer@fjordvik.example").exists()
    visitor.page.click("main form.actions button")
    visitor.page.wait_for_load_state("load")
    visitor.check("import-applied")
    nora = Person.objects.get(email="nora.nykommer@fjordvik.example")
    assert nora.manager.employee_number == "10002"
