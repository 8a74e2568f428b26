"""The operators' own records, in the control database: failed sign-ins on their page and
the attempts counted against its limit. The register itself is samtale.tenancy's."""

from django.db import models


class OperatorFailure(models.Model):
    """A failed sign-in on the operators' page, by the name tried and the client's address:
    a trace for the operators' logs, kept a day (the limit is SignInAttempts')."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class SignInAttempts(models.Model):
    """The sign-in attempts on the operators' page within a window (operators.attempt_take),
    by the pair of the name tried and the client's address, and by the address alone: a
    counter taken by a conditional UPDATE, so that a burst of guesses cannot pass the limit
    and a stranger cannot lock an operator out from another address."""

    # "pair:<sha256 of name and address>" or "address:<address>".
    key = models.CharField(max_length=100, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
