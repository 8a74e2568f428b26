"""A person as a SCIM User, and a SCIM User as the fields of a person.

userName is the person's e-mail address in lower case; name.givenName and familyName,
title (job title), active, externalId, and the enterprise extension's employeeNumber and
manager (the id of the line manager) are theirs. The id is the person's primary key.
A displayName is read as the given and family name it names; no text of its own is kept,
so none is answered (RFC 7643 §4.1.1 has it optional).
Samtale's own extension carries the national identity number, written but never read
(org.national_id), and kept only where the archive classifies personnel files by it.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from scim2_models import InvalidValueException, Meta, MutabilityException

from samtale.org import national_id
from samtale.org import policy as org_policy
from samtale.org.models import Person
from samtale.scim.resources import (
    SAMTALE,
    EnterpriseUser,
    PersonManager,
    PersonName,
    RequestEnterprise,
    SamtaleUser,
    UserRequest,
    UserResource,
    WorkEmail,
)


def location(base: str, pk) -> str:
    return f"{base}Users/{pk}"


def to_resource(person: Person, base: str) -> UserResource:
    """What GET answers for a person. `base` is the absolute URL of /scim/v2/."""
    user = UserResource(
        id=str(person.pk),
        external_id=person.scim_external_id,
        user_name=person.email,
        name=PersonName(given_name=person.first_name, family_name=person.last_name),
        title=person.job_title or None,
        active=person.is_active,
        emails=[WorkEmail(value=person.email, type="work", primary=True)],
        meta=Meta(
            resource_type="User",
            created=person.created_at,
            last_modified=person.updated_at,
            location=location(base, person.pk),
        ),
    )
    manager = None
    if person.manager_id is not None:
        manager = PersonManager(value=str(person.manager_id), ref=location(base, person.manager_id))
    if person.employee_number or manager:
        user[EnterpriseUser] = EnterpriseUser(
            employee_number=person.employee_number, manager=manager
        )
    return user


def to_request(person: Person, base: str) -> UserRequest:
    """The person as the request model, for a PATCH to work on."""
    payload = to_resource(person, base).model_dump(
        scim_ctx=None, by_alias=True, exclude_none=True, mode="json"
    )
    payload.pop("meta", None)
    # The address is the userName; the request's own check of e-mail syntax (stricter
    # than Django's) must not refuse a change of title because of an address kept before.
    payload.pop("emails", None)
    if person.national_id and national_id.wanted():
        # Never answered, but a PATCH that removes it must find it to remove.
        payload["schemas"].append(SAMTALE)
        payload[SAMTALE] = {"nationalIdentityNumber": person.national_id}
    return UserRequest.model_validate(payload)


def _text(value, name: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidValueException(detail=f"{name} is required and cannot be empty.")
    if len(value) > limit:
        raise InvalidValueException(detail=f"{name} holds at most {limit} characters.")
    return value


def _address(user: UserRequest, current: Person | None) -> str:
    """The one address Samtale keeps, from userName and the work (or primary) e-mail.

    They must agree, but a request may change one of them alone (Entra ID sends a new
    `emails[type eq "work"].value` when only the mail attribute changed)."""
    name = (user.user_name or "").strip().lower()
    emails = user.emails or []
    chosen = next((e for e in emails if e.primary), None) or next(
        (e for e in emails if e.type == "work"), None
    )
    if chosen is None and len(emails) == 1:
        chosen = emails[0]
    email = (chosen.value or "").strip().lower() if chosen else ""
    was = current.email if current else None
    if email and name and email != name:
        if name == was:
            name = email  # only the e-mail changed
        elif email != was:
            raise InvalidValueException(
                detail="Samtale keeps one e-mail address: userName and the work e-mail "
                "must be the same address (map the same attribute to both, or leave "
                "emails out)."
            )
    address = name or email
    if not address:
        raise InvalidValueException(detail="userName is required and cannot be empty.")
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidValueException(detail="userName must be an e-mail address.") from None
    if len(address) > (Person._meta.get_field("email").max_length or 254):
        raise InvalidValueException(detail="userName holds at most 254 characters.")
    return address


def _words(name: str) -> list[str]:
    return sorted(name.replace(",", " ").split())


def _name(user: UserRequest, current: Person | None) -> tuple[str, str]:
    """The given and family name, from name.givenName and familyName, or from displayName
    where it is a new name.

    Samtale shows a person by given and family name, so a displayName is that pair in one
    text (Entra ID sends it beside the parts, and changes it alone when the directory's
    display name changes). It decides only when it is new: not the parts' words in any
    order ("Nilsen, Nora"), and not the name the person has now, which a PUT sends again
    beside parts that changed. The part it begins or ends with stays; "Family, Given" is
    read as such; otherwise the last word is the family name. One word cannot be both
    names, and is left to the parts."""
    given = ((user.name and user.name.given_name) or "").strip()
    family = ((user.name and user.name.family_name) or "").strip()
    display = " ".join((user.display_name or "").split())
    new = (
        len(_words(display)) > 1
        and _words(display) != _words(f"{given} {family}")
        and (current is None or _words(display) != _words(current.full_name))
    )
    if not new:
        return given, family
    if "," in display:
        before, _, after = display.partition(",")
        return after.strip(), before.strip()
    if given and display.startswith(f"{given} "):
        return given, display.removeprefix(f"{given} ")
    if family and display.endswith(f" {family}"):
        return display.removesuffix(f" {family}"), family
    before, _, after = display.rpartition(" ")
    return before, after


def _manager(extension, actor) -> Person | None:
    manager = extension.manager if extension else None
    if manager is None or not manager.value:
        return None
    # Any user the identity provider manages, active or not: an import, too, keeps a
    # leader who has left as the line manager until the file says otherwise.
    # An id is ASCII digits that fit a bigint ("²".isdigit() is true; int() refuses it).
    found = (
        org_policy.people_provisioned_by(actor).filter(pk=int(manager.value)).first()
        if re.fullmatch(r"[0-9]{1,18}", str(manager.value))
        else None
    )
    if found is None:
        raise InvalidValueException(detail=f"manager.value {manager.value!r} is not a user's id.")
    return found


def fields_of(user: UserRequest, *, actor, current: Person | None = None) -> dict:
    """The person's fields a User stands for, as org.services takes them. Raises a SCIM
    error for what Samtale cannot keep; the services check the rest (uniqueness, the line
    going in a circle, one's own roles) and say so in a DomainError."""
    if user.active is None:
        raise MutabilityException(
            detail="active is required: a person is active or not (false deactivates)."
        )
    given, family = _name(user, current)
    extension = user[RequestEnterprise]
    return _national_id(user) | {
        "email": _address(user, current),
        "first_name": _text(given, "name.givenName", 100, required=True),
        "last_name": _text(family, "name.familyName", 100, required=True),
        "job_title": _text(user.title, "title", 200),
        "is_active": user.active,
        "scim_external_id": _text(user.external_id, "externalId", 255) or None,
        "employee_number": _text(extension and extension.employee_number, "employeeNumber", 40)
        or None,
        "manager": _manager(extension, actor),
    }


def _national_id(user: UserRequest) -> dict:
    """The national identity number when the request names it (a request without it leaves
    it as it is: nobody can read it back to send it again) and Samtale keeps one."""
    own = user[SamtaleUser]
    if own is None or "national_identity_number" not in own.model_fields_set:
        return {}
    if not national_id.wanted():
        return {}
    return {"national_id": national_id.normalize(own.national_identity_number or "")}
