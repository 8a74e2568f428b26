"""The organization: units in a tree, and the people in them.

A person is also the login: everyone who has a conversation signs in. Leaders
are not a role but a fact: a leader is a person others report to. HR and
administrator are roles given explicitly.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")  # virksomhet
        DEPARTMENT = "department", _("Department")  # avdeling
        TEAM = "team", _("Team")

    # Depth of each kind in the tree: a child is always deeper than its parent.
    LEVELS: dict[str, int] = {Kind.ENTERPRISE: 0, Kind.DEPARTMENT: 1, Kind.TEAM: 2}

    code = models.CharField(_("unit code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("level"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Addresses are stored in lower case. An exact match, not iexact: PostgreSQL's
        # case folding takes "krıstın" (dotless i) for "kristin", which would sign in under a
        # spelling the sign-in throttle counts as another address.
        return self.get(email=username.strip().lower())

    def create_user(self, email, password=None, **fields):
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        # Django's createsuperuser: an administrator of organization and settings.
        fields.setdefault("first_name", "Admin")
        fields.setdefault("last_name", "Samtale")
        fields["is_org_admin"] = True
        person = self.create_user(email, password, **fields)
        # Listed with the roles given in the app; made on the server, by nobody in it.
        RoleChange.objects.create(person=person, role=RoleChange.Role.ADMIN, granted=True)
        return person


class Person(AbstractBaseUser):
    class EmploymentType(models.TextChoices):
        PERMANENT = "permanent", _("Permanent")
        TEMPORARY = "temporary", _("Temporary")

    class Language(models.TextChoices):
        BOKMAL = "nb", "Norsk bokmål"
        NYNORSK = "nn", "Norsk nynorsk"
        ENGLISH = "en", "English"

    # Always stored in lower case (services and import normalize it), so unique means unique.
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # NULL, not "", for people without one (system accounts), so the unique constraint ignores them.
    employee_number = models.CharField(  # noqa: DJ001
        _("employee number"), max_length=40, null=True, blank=True, default=None
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    # Only when the archive classifies personnel files by it (org.national_id): never shown
    # but on the administrator's person form, never in logs, exports, e-mails or the API.
    national_id = models.CharField(  # noqa: DJ001 (NULL for none: the unique index skips it)
        _("national identity number"), max_length=11, null=True, blank=True, default=None
    )
    profession_group = models.CharField(_("profession group"), max_length=100, blank=True)
    employment_type = models.CharField(
        _("employment type"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.PERMANENT,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("line manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    is_hr = models.BooleanField(_("HR"), default=False)
    is_org_admin = models.BooleanField(_("administrator"), default=False)
    # Archive staff (arkiv): the queue of signed follow-up forms for the personnel file.
    is_archivist = models.BooleanField(_("archive staff"), default=False)
    # Union representative (tillitsvalgt, Hovedtariffavtalen ch. 3): reads the competence
    # plans and the published figures of `union_unit` and the units below it (no unit: the
    # whole organization's), comments on the plans; never a single conversation.
    is_union_rep = models.BooleanField(_("union representative"), default=False)
    union_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("union representative for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.BOKMAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # The identity provider's own key for the person (SCIM externalId, samtale.scim). NULL,
    # not "", for everyone it does not know, so the unique constraint ignores them.
    scim_external_id = models.CharField(  # noqa: DJ001
        max_length=255, null=True, blank=True, default=None
    )
    # When the identity provider deleted the person (SCIM DELETE): they are deactivated,
    # never deleted, and SCIM answers 404 for them until someone reactivates them.
    scim_deleted_at = models.DateTimeField(null=True, blank=True)
    # Raised when the e-mail address changes: it ends the person's sessions and makes every
    # password reset link and trusted-device cookie issued before it invalid.
    auth_stamp = models.PositiveIntegerField(default=0)
    # Kinds of step notice (samtale.conversations.notices.KINDS) the person turned off.
    notices_off = models.JSONField(default=list, blank=True)
    # When their last annual conversation was signed, for who is missing one: written by
    # database triggers (migration 0005) whenever a conversation is signed, stops being
    # signed or is deleted, and whenever the person is saved, so a stale copy cannot undo it.
    last_signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=models.Q(national_id__isnull=False),
                name="person_national_id_unique",
            ),
            models.UniqueConstraint(
                fields=["employee_number"],
                condition=models.Q(employee_number__isnull=False),
                name="person_employee_number_unique",
            ),
            # Partial, like the one above: on SQLite a plain unique column would rebuild the
            # table and lose its triggers (migration 0005, rounds 0003).
            models.UniqueConstraint(
                fields=["scim_external_id"],
                condition=models.Q(scim_external_id__isnull=False),
                name="person_scim_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "is_active"]),
            # Lists of people by name (people, a round's participants): a page of 50,000
            # is read in index order, not sorted.
            models.Index(fields=["last_name", "first_name", "id"], name="person_by_name"),
            # Who is missing a conversation, per unit (rounds.coverage.coverage_by_unit),
            # counted from the index alone.
            models.Index(
                fields=["unit", "start_date", "last_signed_at"],
                condition=models.Q(is_active=True, employment_type="permanent"),
                name="person_coverage",
            ),
            # Who is overdue or close to it (rounds.coverage.coverage_people, the counts
            # per unit): the few with an old signature or none, found without reading the
            # 50,000 whose conversation is recent.
            models.Index(
                fields=["last_signed_at", "start_date"],
                condition=models.Q(is_active=True, employment_type="permanent"),
                name="person_coverage_due",
            ),
            # The profession groups of a round's units (rounds.selectors.profession_groups),
            # stepped through group by group rather than read person by person.
            models.Index(
                fields=["profession_group", "unit"],
                condition=models.Q(is_active=True),
                name="person_profession_group",
            ),
            # The organization's counts on HR's and the administrator's home (active,
            # permanent, temporary: org.selectors.organization_querysets), each from this
            # index alone: the temporary were counted by reading all 50,000 people (15 ms).
            models.Index(
                fields=["employment_type"],
                condition=models.Q(is_active=True),
                name="person_active_by_type",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name

    def _get_session_auth_hash(self, secret=None):
        # Django keeps a session only while this hash is unchanged (password changes end
        # sessions); the stamp makes an e-mail change end them too. Without a stamp the hash
        # is Django's own, so sessions made before the stamp existed stay valid.
        if not self.auth_stamp:
            return super()._get_session_auth_hash(secret=secret)
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "samtale.org.Person.session_auth_hash",
            f"{self.password}:{self.auth_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class ImportBatch(models.Model):
    """One uploaded payroll/HR file: previewed first, then applied all at once or not at all.

    The file itself is kept so that "apply" applies exactly what was previewed,
    whichever app process serves the second request.
    """

    class Kind(models.TextChoices):
        UNITS = "units", _("Units")
        PEOPLE = "people", _("People")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")

    class Mode(models.TextChoices):
        UPDATE = "update", _("Add and update only")
        FULL = "full", _("Full list")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Add and update only, or the whole list: then what is missing from it is deactivated.
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.UPDATE)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    # The preview: counts and the problems found, row by row.
    report = models.JSONField(default=dict)
    applied_at = models.DateTimeField(null=True, blank=True)
    # What applying it changed, to undo it (org.imports.undo): the values before and after.
    undo = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class RoleChange(models.Model):
    """A role that reads more than the person's own conversations, given or taken away.

    Told at once to the person, every HR user and every administrator, and listed for them.
    """

    class Role(models.TextChoices):
        HR = "hr", _("HR")
        ADMIN = "admin", _("Administrator")
        ARCHIVE = "archive", _("Archive staff")
        UNION = "union", _("Union representative")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="role_changes")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted = models.BooleanField()
    # None: outside the app (manage.py createsuperuser).
    changed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {'+' if self.granted else '-'}{self.role}"


class EmailChange(models.Model):
    """A person's e-mail address changed by someone else (an administrator or an import).

    Both addresses are told. For a while after it, a password reset needs the old address's
    confirmation (accounts.services.password_reset_request).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="email_changes")
    old_email = models.EmailField(max_length=254)
    new_email = models.EmailField(max_length=254)
    changed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # When the old address confirmed a password reset to the new one, or HR released the hold.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old_email} → {self.new_email}"


class ProviderDeactivation(models.Model):
    """A deactivation from the identity provider (SCIM): applied at once, or, beyond the
    deactivation limit within an hour, held until an administrator confirms it or keeps the
    person (org.services.provider_person_update). A provider that loses a group, or a sync
    scoped wrong, must not empty the organization in one run."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Deactivated at once")
        HELD = "held", _("Waits for an administrator")
        CONFIRMED = "confirmed", _("Deactivated by an administrator")
        KEPT = "kept", _("Kept active by an administrator")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The provider deleted the user (DELETE), not only set active false.
    deleted = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(outcome="held"),
                name="one_held_deactivation_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.outcome}"


class LeaderChange(models.Model):
    """A person's line manager changed: by the person form, an import (or its undo) or the
    identity provider, through one rule (org.services.leader_changes_record).

    What follows is the domains' above (org.signals.line_manager_changed): the conversations
    not yet held move to the new leader, the round's holder follows, and the follow-up (the
    open actions the old leader owned, and the last signed summary) passes when the person
    says so. Not at once: whoever changes a line manager (an administrator, an import, a
    provider's token) never reads a conversation, and a leader they chose must not either
    (PRODUCT.md: "by any path"); the person knows their new leader."""

    class Via(models.TextChoices):
        FORM = "form", _("the person form")
        IMPORT = "import", _("an import")
        UNDO = "undo", _("an import undone")
        PROVIDER = "provider", _("the identity provider")

    class FollowUp(models.TextChoices):
        NONE = "none", _("Nothing to pass on")
        ASKED = "asked", _("Waits for the employee")
        PASSED = "passed", _("Passed to the new leader")
        KEPT = "kept", _("Kept with the earlier leader")
        # A later change asks again, about the leader after it.
        SUPERSEDED = "superseded", _("Replaced by a later change")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="leader_changes")
    old_manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=20, choices=Via.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The conversations that moved to the new leader: [[cancelled pk, new pk], ...].
    moved = models.JSONField(default=list, blank=True)
    follow_up = models.CharField(
        max_length=20, choices=FollowUp.choices, default=FollowUp.NONE, db_index=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.old_manager_id} → {self.new_manager_id}"
