"""Reads of the deliveries to the archive: how many are where (for /metrics and the e-mail
that tells of deliveries that keep failing), and the archive's answers set aside."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from samtale.archive.models import Delivery
from samtale.core.models import SetAsideMessage
from samtale.core.setaside import reason_text
from samtale.org.selectors import matching


def queue_counts(deliveries: QuerySet[Delivery]) -> dict[str, int]:
    """Of `deliveries` (archive.policy.deliveries_visible_to), the forms not yet in the
    personnel file: `waiting`, `failed` (with those the archive refused: they wait for the
    archive staff too) and `open`, the two together: what the queue's tabs and the archive
    staff's home card count. One query."""
    counts = deliveries.aggregate(
        waiting=Count("pk", filter=Q(status=Delivery.Status.WAITING)),
        failed=Count("pk", filter=Q(status__in=[Delivery.Status.FAILED, Delivery.Status.REFUSED])),
    )
    return {**counts, "open": counts["waiting"] + counts["failed"]}


def deliveries_matching(deliveries: QuerySet[Delivery], query: str) -> QuerySet[Delivery]:
    """Of `deliveries`, those whose form names the employee, their employee number or their
    unit as `query` does (each word, the first six; as the form was signed, which is what the
    queue shows): how the archive staff find one person's forms among all delivered."""
    return matching(
        deliveries,
        query,
        "form__content__employee__name__icontains",
        "form__content__employee__number__iexact",
        "form__content__unit__icontains",
    )


def deliveries_at_alert_limit() -> QuerySet[Delivery]:
    """Failed deliveries tried SAMTALE_ARCHIVE_ALERT_AFTER times or more: the ones the
    archive staff and the administrators are told of."""
    return Delivery.objects.filter(
        status=Delivery.Status.FAILED, attempts__gte=settings.SAMTALE_ARCHIVE_ALERT_AFTER
    )


def delivery_counts() -> dict[str, int]:
    """The number of deliveries in each status (every status, 0 where there are none), and
    `at_alert_limit`: the failed ones among them tried SAMTALE_ARCHIVE_ALERT_AFTER times or more."""
    counts = {status: 0 for status in Delivery.Status.values}
    for row in Delivery.objects.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["at_alert_limit"] = deliveries_at_alert_limit().count()
    return counts


@dataclass(frozen=True)
class SetAsideAnswer:
    """An answer on the Fiks account that was not taken, as the archive staff see it."""

    at: datetime
    reason: str
    message_type: str
    times: int
    # The form the answer named, where it named one waiting: "Kari Nilsen, revision 2".
    concerning: str


def set_aside_answers(*, limit: int = 20) -> tuple[list[SetAsideAnswer], int]:
    """The latest answers set aside on the Fiks account (core.setaside), newest first, and
    how many there are in all: two queries, three with the forms they name."""
    rows = SetAsideMessage.objects.filter(source="fiks")
    total = rows.count()
    latest = list(rows.order_by("-at", "-pk")[:limit]) if total else []
    delivery_ids = {row.ref.get("delivery") for row in latest} - {None}
    names = {}
    if delivery_ids:
        for pk, content in Delivery.objects.filter(pk__in=delivery_ids).values_list(
            "pk", "form__content"
        ):
            names[pk] = _("%(name)s, revision %(n)s") % {
                "name": content["employee"]["name"],
                "n": content["revision"],
            }
    return [
        SetAsideAnswer(
            at=row.at,
            reason=reason_text(row.reason),
            message_type=str(row.ref.get("type", "")).removeprefix("no.ks.fiks.arkiv.v1."),
            times=row.times,
            concerning=names.get(row.ref.get("delivery"), ""),
        )
        for row in latest
    ], total
