"""Where a signed form stands in the personnel file, for the conversation's own pages (the
revisions' record), fetched by the template so the conversation's views need not import
the archive above them: `{% load archive_filed %}{% filed revision.signed_form as filed %}`."""

from django import template

from samtale.archive.models import Delivery

register = template.Library()


@register.simple_tag
def filed(form) -> Delivery | None:
    """The form's delivery to the personnel file once it is there (with the archive's
    journal number when it went by Fiks Arkiv), or None."""
    if form is None:
        return None
    return (
        Delivery.objects.filter(form=form, status=Delivery.Status.DELIVERED)
        .only("channel", "delivered_at", "target")
        .first()
    )
