from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class FormRenderer(TemplatesSetting):
    """Forms in Designsystemet's markup: each field a ds-field (checkboxes before their
    label), and a form that comes back with errors starts with an error summary linking
    each one (templates/forms/). A form sets `error_summary = False` when its page shows
    the errors another way (a one-field form inside a card)."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class _NamedWhenInvalid:
    """A value that cannot be read gets a message naming the field and the value
    ("Time: 25:99 is not a valid time."), so it is clear in a summary of errors, in a
    table row and when read out on its own."""

    invalid_named = ""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid":
                raise
            shown = str(value).strip()
            shown = shown if len(shown) <= 30 else shown[:29] + "…"
            raise ValidationError(
                self.invalid_named,
                code="invalid",
                params={"field": self.label or "", "value": shown},
            ) from None


class DateField(_NamedWhenInvalid, forms.DateField):
    invalid_named = _(
        "%(field)s: %(value)s is not a valid date. Write it as dd.mm.yyyy, for example 22.11.2026."
    )


class TimeField(_NamedWhenInvalid, forms.TimeField):
    invalid_named = _(
        "%(field)s: %(value)s is not a valid time. Write it as hh:mm, for example 14:30."
    )


WEB_SCHEMES = ["http", "https"]


def validate_web_address(value: str) -> None:
    """A web address, all of it, beginning with https:// (or http://): one to open in a
    browser, or for Samtale to read. The one rule for every such address: a form's
    WebAddressField checks it, and the service behind the form checks it again (a
    ValidationError there becomes the service's DomainError), with the same words."""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme == "webcal":
        raise ValidationError(
            _("Write the address with https:// instead of webcal://."), code="scheme"
        )
    if scheme not in WEB_SCHEMES:
        raise ValidationError(
            _("The address must begin with https:// (or http://)."), code="scheme"
        )
    try:
        URLValidator(schemes=WEB_SCHEMES)(value)
    except ValidationError:
        raise ValidationError(
            _("This is not a web address. Copy the whole address, beginning with https://."),
            code="invalid",
        ) from None


class WebAddressField(forms.CharField):
    """A web address as typed (stripped), checked by validate_web_address; an empty one is
    left to `required`."""

    widget = forms.URLInput
    default_validators = [validate_web_address]
