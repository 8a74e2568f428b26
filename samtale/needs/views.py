"""The shared-needs register for leaders and HR, and raising a need in a conversation."""

from typing import Any

from django.contrib import messages
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samtale.conversations import policy as conversations_policy
from samtale.core import access
from samtale.core.audit import audit_download
from samtale.core.errors import DomainError
from samtale.core.http import guarded, redirect_back
from samtale.core.paginator import Paginator
from samtale.core.spreadsheet import csv_bytes, download, xlsx_bytes
from samtale.needs import policy, services
from samtale.needs.forms import FilterForm, MergeForm, RaiseForm, StatusForm
from samtale.needs.models import Category, Need
from samtale.needs.selectors import draft_key
from samtale.org.models import Unit

PAGE_SIZE = 25
MERGE_CANDIDATES = 50


def _units_of(user):
    """The units to filter by: all for HR, those of the needs a leader sees."""
    if access.roles_for(user).is_hr:
        return Unit.objects.order_by("name")
    return Unit.objects.filter(pk__in=policy.needs_visible_to(user).values("unit_id")).order_by(
        "name"
    )


@guarded(policy.may_list_needs)
@require_http_methods(["GET"])
def need_list(request):
    filters = FilterForm(request.GET or None, units=_units_of(request.user))
    needs = policy.needs_visible_to(request.user).filter(merged_into__isnull=True)
    filters.is_valid()  # a wrong field is named beside it; the right ones apply
    data = filters.cleaned_data if filters.is_bound else {}
    year = data.get("year")
    for field in ("year", "unit", "category", "status"):
        if data.get(field):
            needs = needs.filter(**{f"{field}_id" if field == "unit" else field: data[field]})
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        sums = request.GET.get("table") != "needs"
        response = _export(needs, fmt=fmt, year=year, sums=sums)
        audit_download(
            request.user, "needs", year=year, table="sums" if sums else "needs", format=fmt
        )
        return response
    by_category = {
        row["category"]: row
        for row in needs.values("category")
        .annotate(n=Count("pk"), cost=Sum("cost"), conversations=Sum("conversations"))
        .order_by()
    }
    totals = [
        {"label": label, **by_category.get(value, {"n": 0, "cost": None, "conversations": 0})}
        for value, label in Category.choices
    ]
    page = Paginator(
        needs.select_related("unit").order_by("-created_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    query.pop("format", None)
    return render(
        request,
        "needs/list.html",
        {
            "filters": filters,
            "page": page,
            "totals": totals,
            "total_cost": sum(t["cost"] or 0 for t in totals),
            "query": query.urlencode(),
        },
    )


def _export(needs, *, fmt: str, year: int | None, sums: bool):
    label = str(year) if year else _("all years")
    if sums:
        lines: list[list[object]] = [
            [_("Year"), _("Unit"), _("Kind"), _("Needs"), _("Conversations"), _("Cost (NOK)")]
        ]
        categories: dict[str, Any] = dict(Category.choices)
        for row in (
            needs.values("year", "unit__name", "category")
            .annotate(n=Count("pk"), conversations=Sum("conversations"), cost=Sum("cost"))
            .order_by("year", "unit__name", "category")
        ):
            lines.append(
                [
                    row["year"],
                    row["unit__name"],
                    str(categories[row["category"]]),
                    row["n"],
                    row["conversations"],
                    row["cost"] or 0,
                ]
            )
        name = f"felles-behov-summer-{label}"
    else:
        lines = [
            [
                _("Year"),
                _("Unit"),
                _("Kind"),
                _("The need"),
                _("Status"),
                _("Conversations"),
                _("Cost (NOK)"),
            ]
        ]
        # The labels translated once, not per row (get_FOO_display per cell took a third of
        # a 6,000-need download).
        categories = {key: str(text) for key, text in Category.choices}
        statuses = {key: str(text) for key, text in Need.Status.choices}
        for row in needs.order_by("year", "unit__name", "category", "pk").values_list(
            "year", "unit__name", "category", "text", "status", "conversations", "cost"
        ):
            year_, unit, category, text, status, conversations, cost = row
            lines.append(
                [
                    year_,
                    unit,
                    categories.get(category, category),
                    text,
                    statuses.get(status, status),
                    conversations,
                    cost if cost is not None else "",
                ]
            )
        name = f"felles-behov-{label}"
    lines = [[str(cell) if not isinstance(cell, int) else cell for cell in line] for line in lines]
    content = csv_bytes(lines) if fmt == "csv" else xlsx_bytes(lines, sheet_title=_("Shared needs"))
    return download(content, filename=f"{name}.{fmt}")


@guarded(policy.may_list_needs)
@require_http_methods(["GET", "POST"])
def need_detail(request, pk):
    need = policy.get_need_for(request.user, pk)
    candidates = (
        policy.needs_visible_to(request.user)
        .filter(unit_id=need.unit_id, merged_into__isnull=True)
        .exclude(pk=need.pk)
        .order_by("category", "-created_at")[:MERGE_CANDIDATES]
    )
    status_form = StatusForm(initial={"status": need.status})
    merge_form = MergeForm(candidates=candidates)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "merge":
                merge_form = MergeForm(request.POST, candidates=candidates)
                if merge_form.is_valid():
                    into = policy.get_need_for(request.user, merge_form.cleaned_data["into"])
                    into = services.need_merge(actor=request.user, need=need, into=into)
                    messages.success(request, _("The needs are merged."))
                    return redirect("need_detail", into.pk)
            else:
                status_form = StatusForm(request.POST)
                if status_form.is_valid():
                    services.need_status_set(
                        actor=request.user, need=need, **status_form.cleaned_data
                    )
                    messages.success(request, _("The status is saved."))
                    return redirect("need_detail", need.pk)
        except DomainError as e:
            form = merge_form if request.POST.get("action") == "merge" else status_form
            e.add_to(form)
        status = 400
    return render(
        request,
        "needs/detail.html",
        {
            "need": need,
            "changes": need.changes.select_related("by"),
            "merged": need.merged.all()[:MERGE_CANDIDATES],
            "status_form": status_form,
            "merge_form": merge_form if candidates else None,
        },
        status=status,
    )


# In a conversation ----------------------------------------------------------


@guarded()
@require_POST
def need_raise(request, pk):
    conversation = conversations_policy.get_conversation_for(request.user, pk, write=True)
    form = RaiseForm(request.POST, units=services.units_for_need(conversation))
    back = reverse("summary" if request.POST.get("from") == "summary" else "preparation", args=[pk])
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.need_raise(
                actor=request.user,
                conversation=conversation,
                category=data["category"],
                competence=data["competence"],
                text=data["text"],
                cost=data["cost"],
                unit=form.units.get(data["unit"]),
            )
            messages.success(request, _("The need is added to the conversation."))
            return redirect(back + "#behov")
        except DomainError as e:
            e.add_to(form)
    # Back to the page with what was typed and the errors beside the fields (needs.selectors).
    request.session[draft_key(conversation)] = {
        name: request.POST.get(name, "") for name in form.fields
    }
    messages.error(request, _("The need is not added. See what is missing below."))
    return redirect(back + "#behov")


@guarded()
@require_POST
def need_raised_change(request, pk, raised_pk):
    conversation = conversations_policy.get_conversation_for(request.user, pk, write=True)
    raised = policy.get_raised_need_for(request.user, conversation, raised_pk)
    action = request.POST.get("action")
    try:
        if action == "withdraw":
            services.need_withdraw(actor=request.user, raised=raised)
            messages.success(request, _("The need is taken out of the conversation."))
        else:
            services.need_share_set(actor=request.user, raised=raised, share=action == "share")
            messages.success(
                request,
                _("The conclusion shares the need with the register when you have both signed.")
                if action == "share"
                else _("The need stays in the conversation."),
            )
    except DomainError as e:
        messages.error(request, e.message)
    return redirect_back(request, reverse("summary", args=[pk]) + "#behov")
