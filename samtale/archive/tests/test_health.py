"""The tenant's health and the deliveries to the archive (archive.health): a stuck delivery
shows in the tenant's health, and never takes the installation off the load balancer."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from samtale.archive.models import Delivery, SignedForm
from samtale.core import health


def archive_check(client) -> tuple[int, str]:
    """/health/ready's status, and the archive's answer in the tenant's health."""
    return client.get("/health/ready").status_code, health.tenant_health()[1]["archive"]


def test_a_delivery_to_the_drop_folder_failing_past_the_limit_is_stuck_in_the_tenants_health(
    sign, settings, tmp_path, client
):
    settings.SAMTALE_ARCHIVE_CHANNEL = "folder"
    settings.SAMTALE_ARCHIVE_FOLDER = str(tmp_path / "not-mounted")
    settings.SAMTALE_READY_DELIVERY_MINUTES = 120
    delivery = SignedForm.objects.get(conversation=sign()).deliveries.get()
    assert delivery.status == Delivery.Status.FAILED
    assert archive_check(client) == (200, "ok")  # the worker tries again
    with time_machine.travel(timezone.now() + timedelta(minutes=121)):
        assert archive_check(client) == (200, "stuck")


def test_a_download_waiting_for_the_archive_staff_is_not_stuck(sign, settings, client):
    settings.SAMTALE_READY_DELIVERY_MINUTES = 120
    delivery = SignedForm.objects.get(conversation=sign()).deliveries.get()
    assert (delivery.channel, delivery.status) == ("download", Delivery.Status.WAITING)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert archive_check(client) == (200, "ok")
