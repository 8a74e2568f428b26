from datetime import timedelta

from django.tasks import task

from samtale.archive import channels, services
from samtale.archive.models import SignedForm
from samtale.core import handoff
from samtale.work.schedule import periodic


@handoff.receives(services.RENDER)
@task
def render_signed_form(form_id: int) -> None:
    """Render a newly signed form, tell the employee, and deliver it where the worker can."""
    form = SignedForm.objects.filter(pk=form_id).first()
    if form is None:
        return
    if services.signed_form_render(form=form):
        services.employee_tell(form=form)
    for delivery in form.deliveries.all():
        services.delivery_attempt(delivery=delivery)
    if any(channels.of(delivery).answers for delivery in form.deliveries.all()):
        # The archive's answers, while it answers at once: the form reaches its receipt
        # without waiting for the next periodic run.
        fiks_exchange.call()


@periodic(every=timedelta(minutes=1), quiet=True)
@task
def fiks_exchange() -> None:
    """The channel's exchange with the archive (archive.channels): for Fiks Arkiv, fail what
    had no answer within its lifetime, send what is due, and take the archive's answers."""
    channels.configured().exchange(due=services.deliveries_due, attempt=services.delivery_attempt)


@periodic(every=timedelta(minutes=5))
@task
def deliver_waiting() -> None:
    """Try again what is due: forms without a PDF, deliveries to the drop folder that
    failed or wait, each after its back-off (archive.services.RETRY_MINUTES)."""
    for delivery in services.deliveries_due():
        delivery = services.delivery_attempt(delivery=delivery)
        if delivery.form.pdf:
            services.employee_tell(form=delivery.form)
