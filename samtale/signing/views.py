"""The signature button of the summary page."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtale.conversations import policy
from samtale.core.http import acted, guarded
from samtale.signing.services import conversation_sign as sign


@guarded()
@require_POST
def conversation_sign(request, pk):
    """Signing asks once: the box that says what is signed must be ticked (the summary
    page shows it above the button); without it nothing is signed and the page says so."""
    conversation = policy.get_conversation_for(request.user, pk)
    if request.POST.get("confirm") != "1":
        return redirect(reverse("summary", args=[pk]) + "?signer=bekreft#sign-error")
    acted(
        request, lambda: sign(actor=request.user, conversation=conversation), _("You have signed.")
    )
    return redirect("summary", pk=pk)
