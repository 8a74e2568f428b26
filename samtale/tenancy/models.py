"""The register of tenants, in the control database (the alias "control", router.py): who
they are, the host names they answer at, whether they are open, and where their database is;
and the operators who run the installation. Nothing of any tenant's content is here. The
tenant whose database is the installation's own (DATABASE_URL) is registered as any other,
from the environment at every migrate (tenancy.seed): its row's `database` is empty."""

from django.core.validators import RegexValidator
from django.db import models

SLUG = RegexValidator(
    r"^[a-z][a-z0-9]{1,29}$",
    "2–30 lower-case letters and digits, starting with a letter (it names the database).",
)


class Registration(models.Model):
    """A tenant in the register: the work sees it as tenancy.Tenant (register.tenant_of)."""

    class State(models.TextChoices):
        ACTIVE = "active", "active"
        SUSPENDED = "suspended", "suspended"
        # Its database is being copied to another server (`tenants move`): its pages are
        # read, nothing is written (the database itself refuses writes meanwhile).
        MOVING = "moving", "moving"
        # Its data was deleted where its database cannot be dropped (the installation's own:
        # emptied by `tenants delete`): its host names answer as a suspended one's, and it is
        # not opened again.
        DELETED = "deleted", "deleted"

    class Migration(models.TextChoices):
        """Where the tenant's database stands in the release under way (`tenants migrate`)."""

        CURRENT = "current", "current"
        MIGRATING = "migrating", "migrating"
        FAILED = "failed", "failed"

    slug = models.CharField(max_length=30, unique=True, validators=[SLUG])
    name = models.CharField(max_length=200)
    # The address its links are made from (e-mail, calendar), e.g. https://nordvik.samtale.no.
    url = models.URLField(max_length=200)
    state = models.CharField(max_length=10, choices=State, default=State.ACTIVE)
    # PostgreSQL: the database's and the role's name; SQLite: the file's path; empty: the
    # installation's own (DATABASE_URL's), this process's "default" connection.
    database = models.CharField(max_length=500, blank=True)
    # The database server that holds it (SAMTALE_DATABASE_SERVERS names them): empty, the
    # installation's own (DATABASE_URL's).
    server = models.CharField(max_length=30, blank=True)
    role = models.CharField(max_length=63, blank=True)
    # The role's password, encrypted (samtale.operators.secrets); empty on SQLite.
    password = models.TextField(blank=True)
    # What the tenant configured for itself (tenancy.configurable declares each setting), its
    # secrets encrypted (tenancy.secrets).
    config = models.JSONField(default=dict, blank=True)
    # The last `tenants migrate` of its database: how it went, when, and the migrations it
    # left applied (a fingerprint of their names: equal to the code's, nothing to apply).
    migration = models.CharField(max_length=10, choices=Migration, blank=True)
    migration_error = models.TextField(blank=True)
    migrated_at = models.DateTimeField(null=True, blank=True)
    migrated_to = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "tenants_tenant"  # made by the tenants app, kept by its name
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"


class Host(models.Model):
    """A host name the tenant answers at (lower case, no port): one tenant each."""

    tenant = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="hosts")
    name = models.CharField(max_length=253, unique=True)

    class Meta:
        db_table = "tenants_host"  # made by the tenants app, kept by its name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Operator(models.Model):
    """Someone who runs the installation (`manage.py tenants operator <name>`): signs in on
    the operators' host (SAMTALE_OPERATOR_HOSTS) and sees the register, never a tenant's
    content. `stamp` changes at each sign-out and new password, ending every cookie before."""

    username = models.CharField(max_length=150, unique=True)
    password = models.CharField(max_length=200)
    stamp = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tenants_operator"  # made by the tenants app, kept by its name

    def __str__(self) -> str:
        return self.username
