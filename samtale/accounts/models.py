from django.db import models


class FailedLogin(models.Model):
    """One failed sign-in: counted per client address (the address limit) and per trusted
    device (a device that fails too often is trusted no more)."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The trusted-device id the attempt came with, if any (accounts.devices).
    device = models.CharField(max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.at:%Y-%m-%d %H:%M}"


class LoginThrottle(models.Model):
    """Consecutive failed sign-ins to one e-mail address from devices it has not signed in
    on before, and when the next attempt may come (NIST SP 800-63B §5.2.2).

    Kept for any address tried, whether or not someone has it, so the answers never tell.
    A successful sign-in or a new password removes the row.
    """

    email = models.CharField(max_length=254, unique=True)
    failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(db_index=True)
    # When the person was last told by e-mail about the failures.
    warned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email}: {self.failures}"


class ResetRequest(models.Model):
    """One request for a password reset link, counted per address and per client."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.at:%Y-%m-%d %H:%M}"
