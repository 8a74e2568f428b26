"""HR reads, copies and edits a conversation template; every page passes axe-core."""

import pytest

from samtale.demo import org as org_demo
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion

PASSWORD = "demo-password-for-tests"
EIGHT_THEMES = "Medarbeidersamtale – skjema med 8 tema"


@pytest.fixture
def demo(transactional_db):
    people = org_demo.load(password=PASSWORD)
    # A transactional test's flush removes what the migration made; put the built-ins back.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return people


def _no_sideways_scrolling(visitor, label: str) -> None:
    overflow = visitor.page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"{label} is {overflow}px wider than the screen"


def test_hr_previews_copies_and_edits_a_template(visitor_factory, demo):
    visitor = visitor_factory("guides-hr")
    page = visitor.page
    visitor.login(demo["hr"].email, PASSWORD)

    page.click("header nav a[href='/maler/']")
    page.wait_for_url("**/maler/")
    visitor.check("guide-list")
    assert page.locator("header nav a[aria-current=page]").get_attribute("href") == "/maler/"

    page.get_by_role("link", name=EIGHT_THEMES).click()
    page.wait_for_url("**/maler/*/")
    visitor.check("guide-preview")
    themes = page.locator(".guide-themes > li h3")
    assert themes.count() == 8
    assert themes.nth(7).inner_text().startswith("Mål og tiltak for kommende periode")
    assert page.locator(".guide-goals th").all_inner_texts() != []

    page.click("form[action$='/kopier/'] button")
    page.wait_for_url("**/maler/*/rediger/")
    visitor.check("guide-copy-edit")
    assert page.locator("#id_name").input_value() == f"Kopi av {EIGHT_THEMES}"

    page.fill("#id_themes-0-title", "Motivasjon og mestring")
    page.click("button[name=add_theme]")
    page.wait_for_load_state("load")
    visitor.check("guide-theme-added")
    # The new theme's title has the focus, so the keyboard goes on from there.
    assert page.evaluate("() => document.activeElement.id") == "id_themes-8-title"
    page.keyboard.type("Arbeidsmiljø")
    page.keyboard.press("Tab")
    page.keyboard.type("Spørsmål som er nye i år.")
    page.fill("#id_themes-8-prompts", "Hvordan har du det på jobb?\nHva kan gjøre hverdagen bedre?")
    page.click("main form.guide-editor button[type=submit]:not([name])")
    page.wait_for_url("**/maler/*/")
    visitor.check("guide-copy-saved")

    assert page.locator("h1").inner_text().startswith(f"Kopi av {EIGHT_THEMES}")
    titles = page.locator(".guide-themes > li h3").all_inner_texts()
    assert titles[0] == "Motivasjon og mestring"
    assert titles[-1] == "Arbeidsmiljø"
    assert len(titles) == 9
    assert "Hva kan gjøre hverdagen bedre?" in page.locator(".guide-themes").inner_text()
    # The built-in itself is unchanged.
    original = GuideVersion.objects.get(guide__key="skjema-8-tema")
    assert original.themes[0]["title"]["nb"] == "Motivasjon"
    assert len(original.themes) == 8


def test_a_mistake_in_the_editor_gets_a_message_that_axe_accepts(visitor_factory, demo):
    visitor = visitor_factory("guides-error")
    visitor.login(demo["hr"].email, PASSWORD)
    guide = Guide.objects.get(key="innsjekk")
    visitor.goto(f"/maler/{guide.pk}/rediger/")
    visitor.page.fill("#id_name", "")
    visitor.page.fill("#id_duration_minutes", "5")
    visitor.page.click("main form.guide-editor button[type=submit]:not([name])")
    visitor.page.wait_for_load_state("load")
    # One error summary, for the template and its themes, and it has the focus.
    assert visitor.page.locator("ds-error-summary").count() == 1
    assert visitor.page.evaluate("document.activeElement.tagName") == "DS-ERROR-SUMMARY"
    visitor.check("guide-edit-error")
    assert GuideVersion.objects.get(guide=guide).duration_minutes == 25


def test_the_template_pages_work_on_a_360_px_phone(visitor_factory, demo):
    visitor = visitor_factory("guides-phone", width=360, height=740)
    visitor.login(demo["hr"].email, PASSWORD)
    guide = Guide.objects.get(key="grunnmal")
    for label, path in [
        ("guide-list", "/maler/"),
        ("guide-preview", f"/maler/{guide.pk}/"),
        ("guide-edit", f"/maler/{guide.pk}/rediger/"),
        ("guide-new", "/maler/ny/"),
    ]:
        response = visitor.goto(path)
        assert response.status == 200, path
        visitor.check(label)
        _no_sideways_scrolling(visitor, path)
