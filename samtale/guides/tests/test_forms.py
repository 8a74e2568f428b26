from django.utils import translation

from samtale.guides.forms import GuideForm, ThemeForm, theme_formset, with_another_theme


def _theme(form_data: dict) -> dict:
    form = ThemeForm(form_data)
    assert form.is_valid(), form.errors
    return form.theme()


def test_questions_are_one_per_line_and_empty_lines_are_dropped():
    theme = _theme(
        {"title": "Motivasjon", "prompts": "Hva gir deg energi?\n\n  Hva tapper deg?  \n"}
    )
    assert theme["prompts"] == ["Hva gir deg energi?", "Hva tapper deg?"]


def test_a_statement_line_may_begin_with_its_group_and_a_colon():
    theme = _theme(
        {
            "title": "Vurdering",
            "statements": "Teamarbeid: Kollegene mine gjør arbeidet mitt enklere\n"
            "Jeg trives\n"
            "Dette er en svært lang innledning som ikke er en gruppe i det hele tatt: nei",
        }
    )
    assert theme["statements"] == [
        {"group": "Teamarbeid", "text": "Kollegene mine gjør arbeidet mitt enklere"},
        {"group": "", "text": "Jeg trives"},
        {
            "group": "",
            "text": "Dette er en svært lang innledning som ikke er en gruppe i det hele tatt: nei",
        },
    ]


def test_a_theme_needs_a_title_but_an_added_theme_left_empty_is_blank():
    form = ThemeForm({"prompts": "Hva nå?"})
    assert not form.is_valid()
    assert "title" in form.errors
    with translation.override("nb"):
        assert ThemeForm({"title": ""}).errors["title"] == ["Gi hvert tema en tittel."]
    added = ThemeForm(
        {"title": "", "prompts": ""}, empty_permitted=True, use_required_attribute=False
    )
    assert added.is_valid() and added.is_blank()


def _management(total: int, initial: int = 0) -> dict:
    return {
        "themes-TOTAL_FORMS": str(total),
        "themes-INITIAL_FORMS": str(initial),
        "themes-MIN_NUM_FORMS": "0",
        "themes-MAX_NUM_FORMS": "30",
    }


def test_the_themes_are_saved_in_the_order_typed_without_deleted_and_empty_ones():
    data = _management(4) | {
        "themes-0-title": "A",
        "themes-0-ORDER": "3",
        "themes-1-title": "B",
        "themes-1-ORDER": "1",
        "themes-2-title": "C",
        "themes-2-DELETE": "on",
        "themes-3-title": "",
    }
    formset = theme_formset(data)
    assert formset.is_valid(), formset.errors
    assert [f.theme()["title"] for f in formset.theme_forms()] == ["B", "A"]


def test_adding_a_theme_keeps_what_was_typed_in_the_new_order_and_adds_an_empty_one():
    data = _management(3) | {
        "name": "",
        "kind": "annual",
        "themes-0-title": "A",
        "themes-0-ORDER": "2",
        "themes-1-title": "B",
        "themes-1-ORDER": "1",
        "themes-1-DELETE": "on",
        "themes-2-title": "",
    }
    form, formset = with_another_theme(GuideForm(data), theme_formset(data))
    assert not form.is_bound and form.initial["kind"] == "annual"
    assert not formset.is_bound
    assert [f["title"].value() for f in formset.forms] == ["B", "A", None]
    assert formset.forms[0]["DELETE"].value() is True
