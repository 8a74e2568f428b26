"""SCIM 2.0 endpoints (RFC 7644) for an identity provider such as Entra ID: discovery,
and people as Users. Every write goes through org.services, as the same change made in
the web does: the same rules, the same audit entries, the same notices."""

from django.utils import timezone
from scim2_models import (
    Context,
    InvalidValueException,
    ListResponse,
    PatchOp,
    SearchRequest,
)

from samtale.org import policy as org_policy
from samtale.org import services
from samtale.scim import resources, users
from samtale.scim.filters import people_filter
from samtale.scim.http import body, error, respond, scim_view
from samtale.scim.resources import POLICY, UserRequest, UserResource

ENTERPRISE_MANAGER = f"{resources.ENTERPRISE}:manager".lower()


@scim_view("GET")
def not_found(request, rest: str = ""):
    return error(404, "No such endpoint.")


@scim_view("GET")
def service_provider_config(request):
    return respond(resources.config(request.scim_base).model_dump())


@scim_view("GET")
def resource_types(request):
    return _listed(resources.resource_types(request.scim_base))


@scim_view("GET")
def resource_type(request, type_id):
    return _one(resources.resource_types(request.scim_base), type_id, "No such resource type.")


@scim_view("GET")
def schemas(request):
    return _listed(resources.schemas(request.scim_base))


@scim_view("GET")
def schema(request, schema_id):
    return _one(resources.schemas(request.scim_base), schema_id, "No such schema.")


def _one(items, wanted: str, missing: str):
    """The discovery resource with the id asked for, or SCIM's 404."""
    found = next((item for item in items if item.id == wanted), None)
    return respond(found.model_dump()) if found else error(404, missing)


def _listed(items) -> object:
    listed = ListResponse[type(items[0])](  # type: ignore[misc, operator]  # parametrized with the items' class at run time (pydantic)
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return respond(listed.model_dump())


@scim_view("GET", "POST")
def users_view(request):
    if request.method == "POST":
        return _create(request)
    return _search(request, SearchRequest.model_validate(_query(request.GET)))


@scim_view("POST")
def search(request):
    """POST /Users/.search, and /.search (Users are the only resources)."""
    return _search(
        request, SearchRequest.model_validate(body(request), scim_ctx=Context.SEARCH_REQUEST)
    )


@scim_view("GET", "PUT", "PATCH", "DELETE")
def user_view(request, pk):
    person = org_policy.get_provisioned_person_for(request.scim_actor, pk)
    if request.method == "GET":
        return _user(request, person)
    if request.method == "PUT":
        return _replace(request, person)
    if request.method == "PATCH":
        return _patch(request, person)
    services.provider_person_update(
        actor=request.scim_actor,
        person=person,
        deleted=True,
        is_active=False,
        scim_deleted_at=timezone.now(),
    )
    return respond(None, status=204)


def _query(query) -> dict:
    """The query string as a SearchRequest's fields: numbers must be numbers."""
    found = {}
    for key in ("filter", "attributes", "excludedAttributes", "sortBy", "sortOrder"):
        if key in query:
            found[key] = query[key]
    for key in ("startIndex", "count"):
        if key in query:
            try:
                found[key] = int(query[key])
            except ValueError:
                raise InvalidValueException(detail=f"{key} must be a whole number.") from None
    return found


def _search(request, wanted: SearchRequest):
    if wanted.sort_by:
        # ServiceProviderConfig says sort is not offered; the order is the id's.
        return error(400, "Sorting is not offered (see ServiceProviderConfig).", "invalidValue")
    people = org_policy.people_provisioned_by(request.scim_actor).order_by("pk")
    if wanted.filter:
        people = people.filter(people_filter(str(wanted.filter)))
    start = max(wanted.start_index or 1, 1)
    count = min(
        resources.DEFAULT_PAGE if wanted.count is None else wanted.count, resources.MAX_PAGE
    )
    total = people.count()
    # Past the last one the page is empty, and no OFFSET beyond a bigint reaches the database.
    page = list(people[start - 1 : start - 1 + count]) if count > 0 and start <= total else []
    listed = ListResponse[UserResource](
        total_results=total,
        start_index=start,
        items_per_page=len(page),
        resources=[users.to_resource(p, request.scim_base) for p in page],
    )
    return respond(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=wanted))


def _user(request, person, *, status: int = 200, headers=None):
    wanted = resources.response_parameters(request.GET)
    resource = users.to_resource(person, request.scim_base)
    payload = resource.model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=wanted
    )
    return respond(payload, status=status, headers=headers)


def _create(request):
    user = UserRequest.model_validate(
        body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST, scim_policy=POLICY
    )
    fields = users.fields_of(user, actor=request.scim_actor)
    person = services.person_create(actor=request.scim_actor, **fields)
    location = users.location(request.scim_base, person.pk)
    return _user(request, person, status=201, headers={"Location": location})


def _replace(request, person):
    user = UserRequest.model_validate(
        body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST, scim_policy=POLICY
    )
    fields = users.fields_of(user, actor=request.scim_actor, current=person)
    person = services.provider_person_update(actor=request.scim_actor, person=person, **fields)
    return _user(request, person)


def _patch(request, person):
    patch = PatchOp[UserRequest].model_validate(
        _entra_manager(body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
    )
    user = users.to_request(person, request.scim_base)
    patch.patch(user, scim_policy=POLICY)
    fields = users.fields_of(user, actor=request.scim_actor, current=person)
    person = services.provider_person_update(actor=request.scim_actor, person=person, **fields)
    return _user(request, person)


def _entra_manager(payload: dict) -> dict:
    """Entra ID sends the manager as the id itself (`"value": "42"`), or an empty string
    to take it away; RFC 7643 has {"value": "42"}. Read both."""
    operations = payload.get("Operations")
    # Anything but a list is left to the PatchOp model to refuse.
    for operation in operations if isinstance(operations, list) else []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "").lower()
        value = operation.get("value")
        if path == ENTERPRISE_MANAGER and isinstance(value, str):
            if value:
                operation["value"] = {"value": value}
            else:
                operation.pop("value")
                operation["op"] = "remove"
        elif not path and isinstance(value, dict):
            for key, item in list(value.items()):
                if key.lower() == ENTERPRISE_MANAGER and isinstance(item, str):
                    value[key] = {"value": item} if item else None
    return payload
