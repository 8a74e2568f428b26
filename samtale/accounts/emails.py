from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samtale.notifications.outbox import Built, builder


@builder("password_reset")
def password_reset(message) -> Built:
    """The one-time link is made when the mail is sent, so it is never stored."""
    person = message.to
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    scheme = "https" if message.ref.get("https") else "http"
    return Built(
        template="accounts/email/password_reset",
        context={"person": person, "link": f"{scheme}://{message.ref['domain']}{path}"},
    )
