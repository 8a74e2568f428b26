"""The person's fields, written once: what org.services' person_create and person_update
set, and (but those chosen by searching and the identity provider's) what org.forms'
PersonForm edits as the model's own fields. A new field of a person goes here."""

PERSON_FIELDS = (
    # In the order the person's form shows them.
    "first_name",
    "last_name",
    "email",
    "employee_number",
    "national_id",
    "job_title",
    "profession_group",
    "unit",
    "manager",
    "employment_type",
    "start_date",
    "end_date",
    "language",
    "is_hr",
    "is_org_admin",
    "is_archivist",
    "is_union_rep",
    "union_unit",
    "is_active",
    # Kept for the identity provider (samtale.scim), never shown in a form.
    "scim_external_id",
    "scim_deleted_at",
)
# Chosen by searching (PersonForm declares them as pickers; a new line manager is a leader
# change), and the identity provider's own.
PERSON_FIELDS_PICKED = ("manager", "union_unit")
PERSON_FIELDS_PROVIDERS = ("scim_external_id", "scim_deleted_at")
PERSON_FORM_FIELDS = tuple(
    name
    for name in PERSON_FIELDS
    if name not in PERSON_FIELDS_PICKED and name not in PERSON_FIELDS_PROVIDERS
)
