class DomainError(Exception):
    """A rule of the domain refused the change; the message is shown to the user as is.

    Raise it with a translated message (gettext), so the user reads why in their language.
    """

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def add_to(self, form, *, renamed: dict[str, str] | None = None) -> None:
        """Say the refusal on `form`: beside the field it names (a service's field may be
        `renamed` to the form's), or above the fields when the form has no such field."""
        field = (renamed or {}).get(self.field, self.field)
        form.add_error(field if field in form.fields else None, self.message)


class DomainWarning(DomainError):
    """A rule of thumb (the guide's advice) that the user may set aside, but only on purpose:
    the service refuses unless called again with `confirmed=True` after the user has read
    the message and confirmed. Nothing changes until then."""
