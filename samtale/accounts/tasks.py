from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samtale.notifications.mail import send_templated


@task
def password_reset_send(person_id: int, domain: str, use_https: bool) -> None:
    """Built in the worker, so the one-time link is never stored in the task queue."""
    person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        return
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    send_templated(
        to=person,
        template="accounts/email/password_reset",
        context={"person": person, "link": f"{'https' if use_https else 'http'}://{domain}{path}"},
    )
