from django.contrib.auth.tokens import PasswordResetTokenGenerator


class PersonTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset links, also made invalid by a change of e-mail address (the stamp):
    Django's own hash holds the address, so changing it and back again would revive them."""

    key_salt = "samtale.accounts.tokens.PersonTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}:{user.auth_stamp}"


password_reset_token = PersonTokenGenerator()
