from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for the REST API and SCIM (samtale.api.tokens).

    Only a digest of the secret is kept; the token itself is shown once. A token acts as
    its person, through the same access policy as their web pages, narrowed by its
    scopes: a personal token is someone's own; a service token is made by an
    administrator for another system and acts with that administrator's rights, so it
    stops working when they lose the role or leave.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personal")
        SERVICE = "service", _("service")

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("write")
        SCIM = "scim", _("provisioning (SCIM)")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    # The token's first characters, to tell tokens apart in lists and logs.
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Requests in the current minute (rate limit, per token, shared by every worker).
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_labels(self) -> str:
        """The scopes in the reader's language, for the key lists."""
        labels = dict(self.Scope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in self.scopes)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
