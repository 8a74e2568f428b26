"""What the archive does when something happens below it."""

from django.dispatch import receiver

from samtale.archive.services import signed_form_record
from samtale.conversations.models import SummaryRevision
from samtale.conversations.signals import summary_signed


@receiver(summary_signed, sender=SummaryRevision, dispatch_uid="archive.summary_signed")
def record_signed_form(sender, *, revision, **kwargs) -> None:
    """The follow-up form for the personnel file, with the employee's copy."""
    signed_form_record(revision=revision)
