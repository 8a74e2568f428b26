from django.contrib.auth.backends import ModelBackend

from samtale.core import access


class PersonBackend(ModelBackend):
    """Django's model backend; the signed-in person is loaded together with their
    direct reports (access.person_with_line), which the policy asks about on most pages."""

    def get_user(self, user_id):
        try:
            user = access.person_with_line(user_id)
        except (ValueError, TypeError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
