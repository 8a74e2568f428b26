"""No silent overwrites: a text saved over a version the writer never saw is a conflict."""

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core.errors import DomainError


class EditConflict(DomainError):
    """Someone (or another tab) saved this text since the writer loaded it.

    Carries the saved text and its version, so the writer can compare and choose.
    """

    def __init__(self, *, theirs: str, version: int) -> None:
        super().__init__(
            _("This text was changed elsewhere while you wrote. Compare the two and choose.")
        )
        self.theirs = theirs
        self.version = version


def text_save(
    *, obj: models.Model, field: str, text: str, base_version: int, version_field: str = "version"
) -> int:
    """Save `text` only if the stored version is still `base_version`; return the new version.

    One conditional UPDATE, so two writers can never both win.
    """
    model: Any = type(obj)  # the concrete model: its default manager is `objects`
    values = {field: text, version_field: F(version_field) + 1}
    if any(f.name == "updated_at" for f in model._meta.fields):
        values["updated_at"] = timezone.now()  # update() skips auto_now
    updated = model.objects.filter(pk=obj.pk, **{version_field: base_version}).update(**values)
    if not updated:
        current = model.objects.values(field, version_field).get(pk=obj.pk)
        if current[field] == text:
            # The same words arrived twice (a retry, a beacon): nothing to choose between.
            return int(current[version_field])
        raise EditConflict(theirs=current[field], version=current[version_field])
    setattr(obj, field, text)
    setattr(obj, version_field, base_version + 1)
    return base_version + 1
