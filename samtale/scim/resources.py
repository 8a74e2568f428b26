"""What Samtale says about itself over SCIM 2.0, as scim2-models objects.

The User resource here holds only what a person in Samtale has, so /Schemas tells an
identity provider exactly what is kept. A request may still carry the other attributes
of RFC 7643's User (Entra ID's default mapping sends displayName, phoneNumbers,
addresses …): it is read with scim2-models' full User, a displayName is taken as the
given and family name it names (users.fields_of), and the others are ignored. An
attribute no SCIM schema defines is refused.
"""

from typing import Annotated, Any

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    ExtensibleStringEnum,
    Extension,
    Filter,
    Meta,
    MultiValuedComplexAttribute,
    Mutability,
    Pagination,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ResponseParameters,
    Returned,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models import (
    User as RfcUser,
)

from samtale.org import national_id

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SAMTALE = "urn:ietf:params:scim:schemas:extension:samtale:2.0:User"
# A page holds at most this many users; more is asked for page by page (startIndex).
MAX_PAGE = 200
DEFAULT_PAGE = 100

# Entra ID's ways, which scim2-models knows by name: a PATCH `remove` may carry the value
# to remove, and `emails[type eq "work"].value` on a user without one adds it.
POLICY = ScimPolicy(
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


class PersonName(ComplexAttribute):
    given_name: Annotated[str | None, Required.true] = None
    family_name: Annotated[str | None, Required.true] = None


class WorkEmail(MultiValuedComplexAttribute):
    class Type(ExtensibleStringEnum):
        work = "work"

    value: str | None = None
    type: Type | None = None
    primary: bool | None = None


class PersonManager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, CaseExact.true] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE)

    employee_number: Annotated[str | None, Uniqueness.server] = None
    manager: PersonManager | None = None


class SamtaleUser(Extension):
    """Samtale's own attribute: the national identity number, the key of the personnel
    file where the archive classifies by it (SAMTALE_ARCHIVE_PERSON_KEY=national_id;
    ignored otherwise). Written by the identity provider, never answered."""

    __schema__ = URN(SAMTALE)

    national_identity_number: Annotated[str | None, Mutability.write_only, Returned.never] = None


class User(Resource[Any]):
    """A person as Samtale keeps them (the class name is the schema's name). One e-mail address, which is the userName: emails
    says it again, read-only, and a request's work address must be the same."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Required.true, Uniqueness.server] = None
    name: Annotated[PersonName | None, Required.true] = None
    title: str | None = None
    # Always known: a person is active or deactivated, never neither.
    active: Annotated[bool | None, Required.true] = None
    emails: Annotated[list[WorkEmail] | None, Mutability.read_only] = None


class RequestManager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    # Optional here, unlike in RFC 7643: Entra ID sends the id alone.
    ref: Annotated[Reference["User"] | None, CaseExact.true] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    display_name: Annotated[str | None, Mutability.read_only] = None


class RequestEnterprise(Extension):
    """RFC 7643's enterprise extension, as requests may carry it."""

    __schema__ = URN(ENTERPRISE)

    employee_number: str | None = None
    cost_center: str | None = None
    organization: str | None = None
    division: str | None = None
    department: str | None = None
    manager: RequestManager | None = None


# What the endpoints answer with, and what /Schemas and /ResourceTypes describe.
UserResource = User[EnterpriseUser | SamtaleUser]  # type: ignore[type-arg]  # pydantic parametrizes at run time what scim2-models types as Resource[Any]
# What requests are read with: every attribute RFC 7643 defines for a user is known.
UserRequest = RfcUser[RequestEnterprise | SamtaleUser]


def config(base: str) -> ServiceProviderConfig:
    """The features offered. Bulk, sort, ETags and password changes are not: the
    identity provider sends one change at a time, and nobody signs in with a SCIM
    password."""
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_PAGE),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        pagination=Pagination(cursor=False, index=True, default_pagination_method="index"),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A service token with the scope 'scim', made by an administrator",
                primary=True,
            )
        ],
        meta={"resourceType": "ServiceProviderConfig", "location": f"{base}ServiceProviderConfig"},
    )


def _described() -> type[Resource[Any]]:
    """The User that discovery describes: with Samtale's extension only where the national
    identity number is kept. Elsewhere a request's number is ignored, and /Schemas says
    only what is kept."""
    return UserResource if national_id.wanted() else User[EnterpriseUser]  # type: ignore[misc]  # as UserResource


def resource_types(base: str) -> list[ResourceType]:
    user = ResourceType.from_resource(_described())
    user.meta = Meta.model_validate(
        {"resourceType": "ResourceType", "location": f"{base}ResourceTypes/User"}
    )
    return [user]


def schemas(base: str) -> list[Schema]:
    """Ours, and the three every SCIM service describes (RFC 7643 §7)."""
    found = [
        User.to_schema(),
        *(extension.to_schema() for extension in _described().get_extension_models().values()),
        ServiceProviderConfig.to_schema(),
        ResourceType.to_schema(),
        Schema.to_schema(),
    ]
    for schema in found:
        schema.meta = Meta.model_validate(
            {"resourceType": "Schema", "location": f"{base}Schemas/{schema.id}"}
        )
    return found


def response_parameters(query) -> ResponseParameters:
    """`attributes` and `excludedAttributes` of a query string (comma-separated)."""
    return ResponseParameters.model_validate(
        {key: value for key in ("attributes", "excludedAttributes") if (value := query.get(key))}
    )
