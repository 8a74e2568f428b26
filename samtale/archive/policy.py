"""Who may see signed forms and their deliveries to the personnel file.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samtale.archive.models import Delivery, SignedForm
from samtale.conversations.models import (
    Conversation,
)
from samtale.core.access import roles_for

# The archive ----------------------------------------------------------------


def may_work_archive(user) -> bool:
    """The archive staff (arkiv): the queue of signed follow-up forms for the personnel file.
    Every read of a form there is audited."""
    return roles_for(user).is_archivist


def signed_forms_visible_to(user) -> QuerySet[SignedForm]:
    """The signed follow-up forms a user may read: the two parties their own conversation's,
    the archive staff every one. Nobody else: not HR, not the leader's leader, not an
    administrator, whatever the conclusion shares (what it shares is read as text, on
    the shared conclusions page)."""
    roles = roles_for(user)
    if roles.person_id is None:
        return SignedForm.objects.none()
    forms = SignedForm.objects.exclude(conversation__status=Conversation.Status.CANCELLED)
    if roles.is_archivist:
        return forms
    return forms.filter(
        Q(conversation__employee_id=roles.person_id) | Q(conversation__leader_id=roles.person_id)
    )


def get_signed_form_for(user, pk) -> SignedForm:
    form = signed_forms_visible_to(user).select_related("conversation").filter(pk=pk).first()
    if form is None:
        raise Http404
    return form


def deliveries_visible_to(user) -> QuerySet[Delivery]:
    if not may_work_archive(user):
        return Delivery.objects.none()
    return Delivery.objects.all()


def confirm_undoable(delivery: Delivery) -> bool:
    """A registration the archive staff confirmed by hand may be undone the day it was made
    (in Samtale's time zone, Europe/Oslo), by any of the archive staff; not a delivery the
    drop folder or Fiks Arkiv made, and not one from an earlier day."""
    return (
        delivery.status == Delivery.Status.DELIVERED
        and delivery.channel == Delivery.Channel.DOWNLOAD
        and delivery.delivered_by_id is not None
        and delivery.delivered_at is not None
        and timezone.localdate(delivery.delivered_at) == timezone.localdate()
    )


def may_undo_confirm(user, delivery: Delivery) -> bool:
    return may_work_archive(user) and confirm_undoable(delivery)


def get_delivery_for(user, pk) -> Delivery:
    delivery = deliveries_visible_to(user).select_related("form").filter(pk=pk).first()
    if delivery is None:
        raise Http404
    return delivery
