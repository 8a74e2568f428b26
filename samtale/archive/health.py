"""The archive's part of each municipality's health (core.health): signed forms that should
have reached the personnel file by now and have not, and whether its way to the archive over
KS's Fiks IO stands (a token to be had, certificates not about to expire)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from samtale.archive.fiks import configured
from samtale.archive.models import Delivery
from samtale.core.health import OK, tenant_check, tenant_note
from samtale.tenancy import tenant_settings


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


@tenant_check("fiks")
def fiks_check() -> str:
    """Whether the municipality can reach its archive over KS's Fiks IO: a Maskinporten token
    can be had for it (the installation's client acting for it, or its own), and the
    certificates it signs in and signs with are not about to expire (archive.fiks.configured:
    asked at most every ten minutes)."""
    if not _on_fiks_io():
        return OK
    return configured.status().code


@tenant_note("fiks")
def fiks_note() -> dict | None:
    """Why a token cannot be had, in words, and when the certificates expire: for the
    operators' page (never a secret: Maskinporten's own error words, dates, an org number)."""
    if not _on_fiks_io():
        return None
    status = configured.status()
    expires = status.certificate_expires
    return {
        "code": status.code,
        "reason": status.reason[:500],
        "said": status.said,
        "certificate_expires": expires.date().isoformat() if expires else "",
        "consumer_org": status.consumer_org,
    }


def _on_fiks_io() -> bool:
    return tenant_settings.SAMTALE_ARCHIVE_CHANNEL == "fiks" and configured.fiks_io()
