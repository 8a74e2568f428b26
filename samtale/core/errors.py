from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A rule of the domain refused the change; the message is shown to the user as is.

    Raise it with a translated message (gettext), so the user reads why in their language.
    """

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def add_to(self, form: Any, *, renamed: dict[str, str] | None = None) -> None:
        """Say the refusal on `form`: beside the field it names (a service's field may be
        `renamed` to the form's), or above the fields when the form has no such field."""
        field = self.field and (renamed or {}).get(self.field, self.field)
        form.add_error(field if field in form.fields else None, self.message)


class DomainWarning(DomainError):
    """A rule of thumb (the guide's advice) that the user may set aside, but only on purpose:
    the service refuses unless called again with `confirmed=True` after the user has read
    the message and confirmed. Nothing changes until then."""


def checked[V](
    rule: Callable[[V], Any], value: V, *, field: str | None = None, message: str | None = None
) -> V:
    """`value`, once a field's rule (a Django validator, as a form's field runs it) passes
    it; otherwise the service's DomainError beside `field`, in the rule's own words (or in
    `message`, where the service says it its way). The one bridge from a form's rule to a
    service's refusal, so a service checks what its form checks, with the same words."""
    try:
        rule(value)
    except ValidationError as error:
        raise DomainError(message or error.messages[0], field=field) from None
    return value
