"""GET /me: who the caller is, as the policy sees them."""

from ninja import Router

from samtale.api.endpoints.common import person_ref, responses, unit_ref
from samtale.api.schemas import Me
from samtale.core import access
from samtale.org.selectors import person_with_relations

router = Router(tags=["me"])


@router.get("/me", response=responses(Me), url_name="me", summary="Who I am")
def me(request):
    """The caller: their person, the roles the access policy gives them, and the token used."""
    user = request.auth
    roles = access.roles_for(user)
    person = person_with_relations(person_id=user.pk)
    token = request.api_token
    return {
        "id": person.pk,
        "name": person.full_name,
        "email": person.email,
        "unit": unit_ref(person.unit),
        "manager": person_ref(person.manager),
        "roles": {
            "employee": True,
            "leader": roles.is_leader,
            "leaders_leader": roles.is_leaders_leader,
            "hr": roles.is_hr,
            "admin": roles.is_admin,
            "archivist": roles.is_archivist,
            "union_rep": roles.is_union_rep,
        },
        "token": None
        if token is None
        else {
            "name": token.name,
            "prefix": token.prefix,
            "kind": token.kind,
            "scopes": token.scopes,
            "expires_at": token.expires_at,
        },
    }
