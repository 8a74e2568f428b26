from datetime import timedelta

from django.tasks import task

from samtale.archive import services
from samtale.archive.models import SignedForm
from samtale.core import handoff
from samtale.core.schedule import periodic


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


@periodic(every=timedelta(minutes=5))
@task
def deliver_waiting() -> None:
    """Try again what is due: forms without a PDF, deliveries to the drop folder that
    failed or wait, each after its back-off (archive.services.RETRY_MINUTES)."""
    for delivery in services.deliveries_due():
        delivery = services.delivery_attempt(delivery=delivery)
        if delivery.form.pdf:
            services.employee_tell(form=delivery.form)
