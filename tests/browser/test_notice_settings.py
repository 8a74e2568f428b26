"""The profile's step notices in a browser: by keyboard, on a desktop and on a phone.

(Without JavaScript it is a plain form post: the view tests in
samtale/accounts/tests/test_notice_settings.py use no script at all.)"""

import pytest
from django.utils.translation import override

from samtale.conversations.notices import LABELS
from samtale.demo import org as org_demo
from samtale.org.models import Person

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(transactional_db):
    return org_demo.load(password=PASSWORD)


def _label(kind: str) -> str:
    with override("nb"):
        return str(LABELS[kind])


@pytest.mark.parametrize("width", [1280, 360])
def test_a_person_turns_a_notice_off_by_keyboard_and_sees_it_saved(visitor_factory, demo, width):
    visitor = visitor_factory(f"notices-{width}", width=width, height=800)
    person = demo["employee"]
    visitor.login(person.email, PASSWORD)
    visitor.goto("/profil/")
    visitor.check("profile-notices")
    page = visitor.page
    box = page.get_by_role("checkbox", name=_label("summary_approved"))
    assert box.is_checked()
    box.focus()
    page.keyboard.press("Space")
    assert not box.is_checked()
    for _ in range(len(LABELS)):  # past the checkboxes after it, to the form's button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
    assert page.evaluate("() => document.activeElement.closest('form.notices') !== null")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/profil/#varsler")
    assert page.locator("main [role=status]").count() == 1
    assert not page.get_by_role("checkbox", name=_label("summary_approved")).is_checked()
    assert page.get_by_role("checkbox", name=_label("summary_signed")).is_checked()
    visitor.check("profile-notices-saved")
    assert Person.objects.get(pk=person.pk).notices_off == ["summary_approved"]
