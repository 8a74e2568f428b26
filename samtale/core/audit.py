from django.db import models

from samtale.core.models import AuditEntry


def audit_log(*, actor, action: str, obj: models.Model | None = None, **data) -> AuditEntry:
    """Record an action. Called by services inside their transaction."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data,
    )
