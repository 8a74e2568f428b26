"""The archive's readiness check (core.health): signed forms that should have reached the
personnel file by now and have not."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from samtale.archive.models import Delivery
from samtale.core.health import OK, tenant_check


@tenant_check("archive")
def deliveries_check() -> str:
    """Stuck: a delivery still waiting or failed SAMTALE_READY_DELIVERY_MINUTES after the
    signing, by a channel the worker delivers by itself (the drop folder, Fiks Arkiv), or
    failed by any channel (its PDF could not be made). A download waiting is not stuck: it
    waits for the archive staff, who take their queue when they do. A refusal by the archive
    is not either: it waits for a person too, in the archive staff's queue."""
    since = timezone.now() - timedelta(minutes=settings.SAMTALE_READY_DELIVERY_MINUTES)
    stuck = Delivery.objects.filter(created_at__lt=since).filter(
        Q(status=Delivery.Status.FAILED)
        | Q(
            status=Delivery.Status.WAITING,
            channel__in=[Delivery.Channel.FOLDER, Delivery.Channel.FIKS],
        )
    )
    return "stuck" if stuck.exists() else OK
