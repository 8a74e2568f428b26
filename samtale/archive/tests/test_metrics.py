"""The archive's deliveries in /metrics (archive.metrics), by state."""

from samtale.archive.metrics import archive_metrics
from samtale.archive.models import Delivery, SignedForm


def by_state() -> dict[str, float]:
    deliveries, _ = archive_metrics()
    return {sample.labels["state"]: sample.value for sample in deliveries.samples}


def test_it_counts_the_deliveries_by_state_every_state_named(db):
    assert by_state() == dict.fromkeys(Delivery.Status.values, 0)


def test_a_signed_form_waits_then_fails_in_the_figures(sign, folder):
    delivery = SignedForm.objects.get(conversation=sign()).deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, attempts=9)
    states = by_state()
    assert states["failed"] == 1
    assert sum(states.values()) == 1
    _, at_alert_limit = archive_metrics()
    assert at_alert_limit.samples[0].value == 1
