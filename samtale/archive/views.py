"""The signed follow-up form as a PDF for its two parties, and the archive staff's queue of
forms on their way to the personnel file."""

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samtale.archive import channels, policy, selectors, services
from samtale.archive import package as archive_package
from samtale.archive.forms import ConfirmForm, QueueSearchForm
from samtale.archive.models import Delivery
from samtale.core.audit import audit_download, audit_read
from samtale.core.errors import DomainError
from samtale.core.http import guarded, redirect_back, same_site_path
from samtale.core.paginator import Paginator
from samtale.core.spreadsheet import download

# A phone shows about three forms a screen: a page of 25 is found by the search above it.
PAGE_SIZE = 25
# Where the queue finds the registration just confirmed, to say so with the way to undo it.
CONFIRMED_KEY = "archive-confirmed"
# Where the queue finds the delivery just tried again, to say how it went and where it is now.
RETRIED_KEY = "archive-retried"
# The filters: failed includes what the archive refused (it waits for the archive staff).
STATUSES = {
    "venter": [Delivery.Status.WAITING],
    "feilet": [Delivery.Status.FAILED, Delivery.Status.REFUSED],
}


@guarded()
@require_GET
def form_pdf(request, pk):
    """The PDF of one signed revision: for the two parties at any time, and for the archive
    staff. Rendered now if the worker has not yet; every download is audited."""
    form = policy.get_signed_form_for(request.user, pk)
    if not services.signed_form_render(form=form):
        return render(
            request,
            "archive/unavailable.html",
            {"form": form, "back_to_queue": form.conversation.party(request.user) is None},
            status=503,
        )
    # A download; and read by someone outside the two (the archive staff), a read the
    # employee sees.
    audit_download(request.user, "signed_form", form, conversation=form.conversation_id)
    audit_read(request.user, form.conversation, what="signed_form", role="archive")
    return download(bytes(form.pdf), filename=form.download_name())


@guarded(policy.may_work_archive)
@require_GET
def queue(request):
    """What waits for the personnel file or failed on the way there, then what was delivered."""
    return _queue(request, request.GET)


def _queue(request, query, *, typed: dict | None = None, status: int = 200):
    """The queue as `query` (?status=…&q=…&side=…) asks; `typed`: a registration refused, its
    journal number as typed and why ({"pk", "value", "error"}), shown at its row."""
    deliveries = policy.deliveries_visible_to(request.user)
    counts = selectors.queue_counts(deliveries)
    search = QueueSearchForm(query)
    searched = search.cleaned_data["q"] if search.is_valid() else ""
    shown, deliveries = _tab(query.get("status", ""), deliveries)
    page = Paginator(selectors.deliveries_matching(deliveries, searched), PAGE_SIZE).get_page(
        query.get("side")
    )
    rows = list(page.object_list)
    # What keeps a package from being made, in place of its link: what is missing, who adds it.
    missing = archive_package.not_ready(row.form for row in rows if row.status != "delivered")
    for row in rows:
        row.not_ready = missing.get(row.form_id, "")
        row.undoable = policy.may_undo_confirm(request.user, row)
    by_fiks = channels.configured().answers
    set_aside, set_aside_count = selectors.set_aside_answers() if by_fiks else ([], 0)
    return render(
        request,
        "archive/queue.html",
        {
            "page": page,
            "rows": rows,
            "shown": shown,
            "counts": counts,
            "search": search,
            "searched": searched,
            # What the page links keep: the tab and the search.
            "query": urlencode({k: v for k, v in (("status", shown), ("q", searched)) if v}),
            "channel": Delivery.Channel,
            "by_fiks": by_fiks,
            "set_aside": set_aside,
            "set_aside_count": set_aside_count,
            "typed": typed or {},
            # Just registered by this person: said at the top, with the way to undo it.
            "confirmed": _just_confirmed(request),
            # Just tried again by this person: how it went, and the tab it is in now.
            "retried": _just_retried(request),
        },
        status=status,
    )


def _tab(shown: str, deliveries):
    """The tab asked for (an unknown one: what is not yet delivered) and its deliveries in
    its order. What waits: the oldest first, as it is to be worked through; what was
    delivered: the newest first, as one looks for what just happened."""
    order = ("form__signed_at", "pk")
    if shown in STATUSES:
        deliveries = deliveries.filter(status__in=STATUSES[shown])
    elif shown == "levert":
        deliveries = deliveries.filter(status=Delivery.Status.DELIVERED)
        order = ("-delivered_at", "-pk")
    else:
        shown = ""
        deliveries = deliveries.exclude(status=Delivery.Status.DELIVERED)
    return shown, deliveries.select_related("form", "delivered_by").defer("form__pdf").order_by(
        *order
    )


def _just_retried(request) -> Delivery | None:
    pk = request.session.pop(RETRIED_KEY, None)
    if pk is None:
        return None
    delivery = (
        policy.deliveries_visible_to(request.user).select_related("form").filter(pk=pk).first()
    )
    if delivery is not None:
        # The tab it is in now, for the link to it.
        delivery.tab = next(  # type: ignore[attr-defined]
            (tab for tab, statuses in STATUSES.items() if delivery.status in statuses), "levert"
        )
    return delivery


def _just_confirmed(request) -> Delivery | None:
    pk = request.session.pop(CONFIRMED_KEY, None)
    if pk is None:
        return None
    delivery = (
        policy.deliveries_visible_to(request.user).select_related("form").filter(pk=pk).first()
    )
    return delivery if delivery and policy.may_undo_confirm(request.user, delivery) else None


@guarded(policy.may_work_archive)
@require_GET
def package_download(request, pk):
    """The Noark 5 package of a delivery, for the archive staff to import."""
    delivery = policy.get_delivery_for(request.user, pk)
    form = delivery.form
    if not services.signed_form_render(form=form):
        return render(
            request, "archive/unavailable.html", {"form": form, "back_to_queue": True}, status=503
        )
    try:
        _name, data = archive_package.package(form)
    except archive_package.NotReady as why:
        messages.error(request, str(why))
        return redirect_back(request, reverse("archive_queue"))
    audit_download(
        request.user,
        "archive_package",
        form,
        conversation=form.conversation_id,
        delivery=delivery.pk,
    )
    audit_read(request.user, form.conversation, what="archive_package", role="archive")
    # Named for whose it is and the day, not by its Noark id (which names it inside).
    return download(data, filename=form.download_name("noark5", "zip"))


@guarded(policy.may_work_archive)
@require_POST
def delivery_confirm(request, pk):
    """A downloaded package registered in the archive, with its journal number (optional).
    The queue then says so at the top, with the way to undo it."""
    delivery = policy.get_delivery_for(request.user, pk)
    form = ConfirmForm(request.POST)
    back = same_site_path(request, request.POST.get("next"), reverse("archive_queue"))
    error = None
    if form.is_valid():
        try:
            services.delivery_confirm(
                actor=request.user,
                delivery=delivery,
                journal_number=form.cleaned_data["journal_number"],
            )
        except DomainError as e:
            if e.field != "journal_number":
                messages.error(request, e.message)
                return redirect(back)
            error = e.message
        else:
            request.session[CONFIRMED_KEY] = delivery.pk
            return redirect(back)
    # Refused: the queue again, the journal number as typed and why, at its row.
    typed = {
        "pk": delivery.pk,
        "value": request.POST.get("journal_number", ""),
        "error": error or form.errors["journal_number"][0],
    }
    return _queue(request, QueryDict(urlsplit(back).query), typed=typed, status=400)


@guarded(policy.may_work_archive)
@require_POST
def delivery_confirm_undo(request, pk):
    """Undo a registration confirmed by hand, the same day: the form waits again."""
    delivery = policy.get_delivery_for(request.user, pk)
    try:
        services.delivery_confirm_undo(actor=request.user, delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "The registration of revision %(n)s of %(name)s is undone. It waits again "
                "among the forms not yet delivered."
            )
            % {"n": delivery.form.number, "name": delivery.form.content["employee"]["name"]},
        )
    return redirect_back(request, reverse("archive_queue"))


@guarded(policy.may_work_archive)
@require_POST
def delivery_retry(request, pk):
    delivery = policy.get_delivery_for(request.user, pk)
    try:
        delivery = services.delivery_retry(actor=request.user, delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        # How it went, at the top of the queue, with the tab the form is in now: it may have
        # left the one shown.
        request.session[RETRIED_KEY] = delivery.pk
    return redirect_back(request, reverse("archive_queue"))
