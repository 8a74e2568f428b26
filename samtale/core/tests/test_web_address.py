"""One rule for a web address typed into a form: all of it, beginning with https://.

The calendar connection's address uses it (its form and its service); a new address field
on any form uses WebAddressField and gets the same rule and the same words."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from samtale.core.forms import WebAddressField, validate_web_address


class Form(forms.Form):
    address = WebAddressField(label="Adresse", required=False)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ftp://kalender.example/k.ics", "scheme"),
        ("webcal://kalender.example/k.ics", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("kalender.example/k.ics", "scheme"),
        ("https://", "invalid"),
    ],
)
def test_an_address_that_is_not_a_whole_web_address_is_refused(typed, code):
    with pytest.raises(ValidationError) as refused:
        validate_web_address(typed)
    assert refused.value.code == code
    form = Form({"address": typed})
    assert not form.is_valid()
    assert form.errors.as_data()["address"][0].code == code


def test_a_web_address_is_kept_as_typed_without_the_spaces_around_it():
    form = Form({"address": "  https://møte.example/rom?id=1&pw=2 "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["address"] == "https://møte.example/rom?id=1&pw=2"
    assert Form({"address": "http://kalender.example/k.ics"}).is_valid()


def test_an_empty_address_is_left_to_required():
    assert Form({"address": ""}).is_valid()
    required = Form.base_fields["address"].__class__(label="Adresse")
    with pytest.raises(ValidationError) as refused:
        required.clean("")
    assert refused.value.code == "required"


def test_the_words_are_in_the_language_of_the_page():
    with translation.override("nb"):
        [message] = Form({"address": "webcal://kalender.example/k.ics"}).errors["address"]
    assert "webcal://" in message
    assert message != "Write the address with https:// instead of webcal://."
