from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samtale.api.models import ApiToken


class TokenForm(forms.Form):
    """A new token: its name, what it may do, and how long it lives. The service
    (tokens.issue) checks the same again, with who may make which kind."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, so you can tell it apart later."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Access"),
        choices=[
            (ApiToken.Scope.READ, _("Read")),
            (ApiToken.Scope.WRITE, _("Change (update actions)")),
        ],
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiToken.Scope.READ],
    )

    def __init__(self, *args, service: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Made here, not above: the longest life is a setting.
        self.fields["days"] = forms.IntegerField(
            label=_("Lifetime in days"),
            min_value=1,
            max_value=settings.API_TOKEN_MAX_DAYS,
            initial=90,
            help_text=_("The token stops working after this many days."),
        )
        if service:
            scopes = self.fields["scopes"]
            assert isinstance(scopes, forms.ChoiceField)
            scopes.choices = [
                *scopes.choices,  # type: ignore[misc]  # a list once set; the stubs type what may be set
                (ApiToken.Scope.SCIM, _("Provisioning of people (SCIM)")),
            ]
