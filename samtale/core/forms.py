import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.renderers import TemplatesSetting
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class FormRenderer(TemplatesSetting):
    """Forms in Designsystemet's markup: each field a ds-field (checkboxes before their
    label), and a form that comes back with errors starts with an error summary linking
    each one (templates/forms/). A form sets `error_summary = False` when its page shows
    the errors another way (a one-field form inside a card)."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class _NamedWhenInvalid(forms.Field):
    """A value that cannot be read gets a message naming the field and the value
    ("Time: 25:99 is not a valid time."), so it is clear in a summary of errors, in a
    table row and when read out on its own."""

    invalid_named: "StrOrPromise" = ""

    def to_python(self, value: Any) -> Any:
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


WEB_SCHEMES = ("https", "http")
HTTPS_SCHEMES = ("https",)


@deconstructible
class WebAddressRule:
    """A web address, all of it, beginning with one of `schemes`: one to open in a browser,
    or for Samtale to read. One rule for every such address, the scheme set its one
    difference: a form's field checks it, and the service behind the form checks it again
    (core.errors.checked makes its ValidationError the service's DomainError), with the
    same words."""

    def __init__(self, schemes: tuple[str, ...]) -> None:
        self.schemes = tuple(schemes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WebAddressRule) and other.schemes == self.schemes

    def __hash__(self) -> int:
        return hash(self.schemes)

    def __call__(self, value: str) -> None:
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        if scheme == "webcal":
            raise ValidationError(
                _("Write the address with https:// instead of webcal://."), code="scheme"
            )
        if scheme not in self.schemes:
            raise ValidationError(
                _("The address must begin with https:// (or http://).")
                if "http" in self.schemes
                else _("The address must begin with https://."),
                code="scheme",
            )
        try:
            URLValidator(schemes=list(self.schemes))(value)
        except ValidationError:
            raise ValidationError(
                _("This is not a web address. Copy the whole address, beginning with https://."),
                code="invalid",
            ) from None


# An address Samtale reads (a calendar's): https://, or http:// where a server has no more.
validate_web_address = WebAddressRule(WEB_SCHEMES)
# An address a person is sent to and clicks (a meeting's video link): https:// only.
validate_https_address = WebAddressRule(HTTPS_SCHEMES)


def validate_place(value: str) -> None:
    """Where people meet: a room as written ("Møterom 3"), or a link to a video meeting. A
    link (the text begins with a scheme, "http://…") is one a person clicks in an e-mail or
    on a page, so it must be a whole https:// address (validate_https_address)."""
    if _LINK.match(value.strip()):
        validate_https_address(value.strip())


_LINK = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class WebAddressField(forms.CharField):
    """A web address as typed (stripped), checked by validate_web_address (https:// or
    http://); an empty one is left to `required`."""

    widget = forms.URLInput
    default_validators = [validate_web_address]


class HttpsAddressField(WebAddressField):
    """A web address that must begin with https:// (validate_https_address): one a person
    is sent to. An empty one is left to `required`."""

    default_validators = [validate_https_address]


class PlaceField(forms.CharField):
    """Where people meet (validate_place): a room, or an https:// link."""

    default_validators = [validate_place]
