from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.calendars.models import CalendarConnection
from samtale.core.forms import WebAddressField

Kind = CalendarConnection.Kind


class ConnectionForm(forms.Form):
    """A calendar connection. The address and the password are never shown back (the page
    says what is saved): left empty, the saved ones are kept."""

    kind = forms.ChoiceField(
        label=_("Kind of calendar"), choices=Kind.choices, widget=forms.RadioSelect
    )
    url = WebAddressField(
        label=_("Address"),
        required=False,
        max_length=2000,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "A CalDAV account: the calendar's own address. A published calendar: its ICS "
            "address, beginning with https:// (Outlook: Settings → Calendar → Shared "
            "calendars → Publish a calendar, “Can view when I'm busy”; Google: the "
            "calendar's settings → “Secret address in iCal format”)."
        ),
    )
    username = forms.CharField(
        label=_("User name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("CalDAV only."),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
        help_text=_("CalDAV only. An app password, if the server offers one."),
    )
    mailbox = forms.EmailField(
        label=_("Mailbox"),
        required=False,
        help_text=_("Microsoft 365 only: leave it empty to read the person's own e-mail address."),
    )

    def __init__(self, *args, connection: CalendarConnection | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        if connection is not None:
            if connection.shown_url:
                self.fields["url"].help_text = _(
                    "Saved: %(server)s (the rest of the address is not shown). Leave it empty "
                    "to keep it."
                ) % {"server": connection.shown_url}
            if connection.has_password:
                self.fields["password"].help_text = _(
                    "Saved. Leave it empty to keep it, or type a new one."
                )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and "@" in url.split("/", 3)[2]:
            raise forms.ValidationError(
                _("Put the user name and password in their own fields, not in the address."),
                code="credentials",
            )
        return url
