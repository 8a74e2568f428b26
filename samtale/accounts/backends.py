from django.contrib.auth.backends import ModelBackend

from samtale.conversations import policy as conversations_policy
from samtale.core import access

# Read with the person on every request: whether they lead someone else's conversation,
# which decides whether two-factor is required of them (accounts.mfa).
ALSO = (("holds_others", conversations_policy.HOLDS_OTHERS_SQL),)


class PersonBackend(ModelBackend):
    """Django's model backend; the signed-in person is loaded together with their
    direct reports (access.person_with_line), which the policy asks about on most pages."""

    def get_user(self, user_id):
        try:
            user = access.person_with_line(user_id, ALSO)
        except (ValueError, TypeError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
