"""The https-only rule beside the web-address rule (core.forms): one rule with the scheme
set as its one difference, for an address a person is sent to and clicks; a place that is a
link follows it; and core.errors.checked, the one bridge from a field's rule to a
service's DomainError."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation

from samtale.core.errors import DomainError, checked
from samtale.core.forms import (
    HttpsAddressField,
    PlaceField,
    validate_https_address,
    validate_place,
    validate_web_address,
)


class Form(forms.Form):
    address = HttpsAddressField(label="Videolenke", required=False)
    place = PlaceField(label="Sted", required=False)


def test_an_http_address_is_refused_where_https_is_required_and_kept_where_not():
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            validate_https_address("http://meet.example/rom")
        assert refused.value.messages == ["The address must begin with https://."]
    assert refused.value.code == "scheme"
    validate_web_address("http://meet.example/rom")
    form = Form({"address": " https://meet.example/rom?id=1 "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["address"] == "https://meet.example/rom?id=1"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("http://meet.example/rom", "scheme"),
        ("webcal://meet.example/rom", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://", "invalid"),
    ],
)
def test_the_https_field_refuses_what_is_not_a_whole_https_address(typed, code):
    form = Form({"address": typed})
    assert not form.is_valid()
    assert form.errors.as_data()["address"][0].code == code


def test_the_https_rule_speaks_the_pages_language():
    with translation.override("nb"):
        [bokmal] = Form({"address": "http://meet.example/rom"}).errors["address"]
    with translation.override("nn"):
        [nynorsk] = Form({"address": "http://meet.example/rom"}).errors["address"]
    assert bokmal == "Adressen må begynne med https://."
    assert nynorsk == "Adressa må byrje med https://."


@pytest.mark.parametrize("place", ["Møterom 3", "Kantina, 2. etasje", "https://meet.example/r"])
def test_a_place_is_a_room_as_written_or_an_https_link(place):
    validate_place(place)
    assert Form({"place": place}).is_valid()


@pytest.mark.parametrize("place", ["http://meet.example/r", " HTTP://meet.example/r", "https://"])
def test_a_place_that_is_a_link_must_be_a_whole_https_address(place):
    with pytest.raises(ValidationError):
        validate_place(place)
    assert not Form({"place": place}).is_valid()


def test_checked_gives_back_the_value_or_the_rules_words_as_a_domain_error():
    assert checked(validate_https_address, "https://meet.example/r") == "https://meet.example/r"
    with translation.override("en"), pytest.raises(DomainError) as refused:
        checked(validate_https_address, "http://meet.example/r", field="link")
    assert refused.value.message == "The address must begin with https://."
    assert refused.value.field == "link"
    with pytest.raises(DomainError) as said:
        checked(validate_email, "nei", field="address", message="Give a whole address.")
    assert (said.value.message, said.value.field) == ("Give a whole address.", "address")
