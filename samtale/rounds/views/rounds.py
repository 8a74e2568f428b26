"""Rounds: the list, creating and changing one, its progress and its participants,
and HR's view of who is missing a signed conversation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.core import access
from samtale.core.errors import DomainError
from samtale.core.http import guarded, render_page, wants_fragment
from samtale.core.paginator import Paginator
from samtale.guides import policy as guides_policy
from samtale.guides.selectors import guides_for_planning
from samtale.org import policy as org_policy
from samtale.org.models import Unit
from samtale.rounds import coverage, policy, progress, selectors, services
from samtale.rounds.forms import (
    CoverageFilterForm,
    ParticipantAddForm,
    ParticipantFilterForm,
    RoundForm,
    RoundSettingsForm,
)

PAGE_SIZE = 50
# The counts per leader and per unit: two tables above the participants on one page; the
# participants below them as many at a time (a round of 50,000 is searched and paged, and
# three tables of 50 rows made its page the slowest of all).
COUNTS_PAGE_SIZE = 25
PARTICIPANTS_PAGE_SIZE = 25


def _query(request, param: str = "side") -> str:
    """The page's query string without `param`, for the pagination of one list."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


@guarded(policy.may_list_rounds)
@require_GET
def round_list(request):
    rounds = selectors.round_list(rounds=policy.rounds_visible_to(request.user))
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("side"))
    # The leaders behind in each open round (progress.py), where the user sees all its counts.
    managed = [r for r in page.object_list if policy.may_manage_round(request.user, r)]
    behind = progress.behind_counts(rounds=managed, today=timezone.localdate())
    for round in page.object_list:
        round.leaders_behind = behind.get(round.pk)
    context = {
        "page": page,
        "query": "",
        "may_create": policy.may_create_round(request.user),
        "may_see_coverage": policy.may_see_coverage(request.user),
    }
    return render(request, "rounds/list.html", context)


def _units_for(user):
    """HR chooses among all units; a leader among the units their people work in."""
    units = Unit.objects.filter(is_active=True)
    if access.roles_for(user).is_hr:
        return units
    people = policy.round_people_for(user)
    return units.filter(pk__in=people.values("unit_id"))


@guarded(policy.may_create_round)
@require_http_methods(["GET", "POST"])
def round_create(request):
    today = timezone.localdate()
    form = RoundForm(
        request.POST or None,
        initial={"period_start": today, "period_end": today.replace(month=12, day=31)},
        guides=guides_for_planning(guides=guides_policy.guides_visible_to(request.user)),
        units=_units_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = services.round_create(
                actor=request.user,
                name=data["name"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                kind=data["kind"],
                guide=data["guide"],
                units=list(data["units"]),
                **form.settings(),
            )
        except DomainError as e:
            e.add_to(form)
        else:
            n = round.participants.count()
            messages.success(
                request,
                ngettext(
                    "The round is created with %(n)d participant.",
                    "The round is created with %(n)d participants.",
                    n,
                )
                % {"n": n},
            )
            return redirect("round_detail", pk=round.pk)
    return render(request, "rounds/form.html", {"form": form, "round": None})


@guarded(policy.may_list_rounds)
@require_GET
def round_detail(request, pk):
    round = policy.get_round_for(request.user, pk)
    visible = policy.participants_visible_to(request.user, round)
    may_manage = policy.may_manage_round(request.user, round)
    filters = ParticipantFilterForm(
        request.GET or None, user=request.user, round=round, may_manage=may_manage
    )
    chosen = filters.cleaned_data if filters.is_valid() else {}
    holder = chosen.get("holder")
    participants = selectors.participant_list(
        participants=visible, state=chosen.get("state") or "", holder_id=holder and holder.pk
    )
    page = Paginator(participants, PARTICIPANTS_PAGE_SIZE).get_page(request.GET.get("side"))
    _links(request.user, round, page.object_list)
    context = {
        "round": round,
        "may_manage": may_manage,
        "may_schedule_any": access.roles_for(request.user).is_hr,
        "filters": filters,
        "page": page,
        "query": _query(request),
    }
    if wants_fragment(request):  # the filtered participants only
        return render_page(request, "rounds/detail.html", context, fragment="participants")
    sums = selectors.progress_sums(policy.round_counts_visible_to(request.user, round))
    context |= {
        # Whether the user holds conversations in the round, from the counts per leader.
        "is_holder": request.user.pk in sums.by_leader,
        "progress": {
            "totals": sums.totals,
            "removed": visible.filter(included=False).count(),
        },
    }
    # The counts per leader and per unit on this page when each fits on one page of its
    # table; a bigger round's come when they are scrolled to (round_progress).
    context |= _pace(request, round)
    context["behind"] = {
        kind: len(progress.rows_behind(by, keys=selectors.COUNTS, pace=context["pace"]))
        for kind, by in (("leaders", sums.by_leader), ("units", sums.by_unit))
    }
    if max(len(sums.by_leader), len(sums.by_unit)) <= COUNTS_PAGE_SIZE:
        context |= _progress_tables(request, sums, round=round)
    if may_manage and round.is_open:
        context["add_form"] = ParticipantAddForm(user=request.user, round=round)
    return render_page(request, "rounds/detail.html", context, fragment="participants")


def _links(user, round, participants) -> None:
    """Each row's state, and where its name leads the viewer, as the policies let them: the
    conversation to one of its parties, the schedule to its holder while it has no time,
    else the person's page to whoever may see it (one query for the page's people)."""
    people = org_policy.people_visible_to(user).filter(pk__in=[p.person_id for p in participants])
    may_see = set(people.values_list("pk", flat=True))
    for participant in participants:
        participant.state = (
            "removed" if not participant.included else selectors.state_of(participant)
        )
        # The row says the conversation's own status, in the word its parties see; the
        # state groups them for the counts above and the filter.
        participant.status_label = (
            None if participant.state == "removed" else selectors.status_word(participant)
        )
        conversation = participant.conversation
        if conversation is not None and conversation.party(user) is not None:
            participant.link = reverse("conversation_detail", args=[conversation.pk])
        elif participant.holder_id == user.pk and round.is_open and participant.included:
            participant.link = reverse("round_schedule", args=[round.pk, user.pk])
        elif participant.person_id in may_see:
            participant.link = reverse("person_detail", args=[participant.person_id])
        else:
            participant.link = ""


def _pace(request, round) -> dict:
    """How far the round is (progress.py's one definition of behind), whether only the
    leaders and units behind are shown (?bak=1), and whether the user may remind them."""
    return {
        "pace": progress.round_pace(round, today=timezone.localdate()),
        "behind_only": request.GET.get("bak") == "1",
        "may_remind": policy.may_remind_leaders(request.user, round),
    }


def _progress_tables(request, sums: selectors.ProgressSums, *, round) -> dict:
    """The counts per leader and per unit, a page at a time (?ledere=, ?enheter=), each
    marked if behind; only those behind with ?bak=1; when each leader was last reminded."""
    chase = _pace(request, round)
    tables = selectors.progress_tables(
        sums,
        pace=chase["pace"],
        reminded_in=round if chase["may_remind"] else None,
        behind_only=chase["behind_only"],
    )
    return {
        "by_leader": Paginator(tables["by_leader"], COUNTS_PAGE_SIZE).get_page(
            request.GET.get("ledere")
        ),
        "by_unit": Paginator(tables["by_unit"], COUNTS_PAGE_SIZE).get_page(
            request.GET.get("enheter")
        ),
        "leader_query": _query(request, "ledere"),
        "unit_query": _query(request, "enheter"),
    }


@guarded(policy.may_list_rounds)
@require_GET
def round_progress(request, pk):
    """A round's counts per leader and per unit: below its progress on the round's page,
    asked by htmx when they come into view, or as a page of their own (without
    JavaScript, and for the tables' pages)."""
    round = policy.get_round_for(request.user, pk)
    context = {
        "round": round,
        "may_schedule_any": access.roles_for(request.user).is_hr,
        "tables_url": reverse("round_progress", args=[round.pk]),
        **_pace(request, round),
        **_progress_tables(
            request,
            selectors.progress_sums(policy.round_counts_visible_to(request.user, round)),
            round=round,
        ),
    }
    return render_page(request, "rounds/progress.html", context, fragment="tables")


@guarded(policy.may_list_rounds)
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    round = policy.get_round_for(request.user, pk, write=True)
    initial = {
        "name": round.name,
        "period_start": round.period_start,
        "period_end": round.period_end,
        **{key: getattr(round, key) for key in services.LIMITS},
    }
    form = RoundSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.round_update(
                actor=request.user,
                round=round,
                name=data["name"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                **form.settings(),
            )
        except DomainError as e:
            e.add_to(form)
        else:
            messages.success(request, _("The round is saved."))
            return redirect("round_detail", pk=round.pk)
    return render(request, "rounds/form.html", {"form": form, "round": round})


@guarded(policy.may_list_rounds)
@require_POST
def round_close(request, pk):
    round = policy.get_round_for(request.user, pk, write=True)
    reopen = request.POST.get("open") == "1"
    services.round_set_open(actor=request.user, round=round, open=reopen)
    messages.success(
        request,
        _("The round is open again.")
        if reopen
        else _("The round is closed: no more invitations, reminders or notices are sent."),
    )
    return redirect("round_detail", pk=round.pk)


@guarded(policy.may_see_coverage)
@require_GET
def round_coverage(request):
    """Who is missing a signed conversation within the required interval: the counts per
    unit, and the people, a page at a time: of the whole organization one may see, or of
    one unit (?unit=)."""
    limits = coverage.coverage_limits(today=timezone.localdate())
    people = org_policy.people_visible_to(request.user)
    filters = CoverageFilterForm(request.GET or None, user=request.user)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    by_unit = coverage.coverage_by_unit(people=people, limits=limits)
    unit = chosen.get("unit")
    listed = coverage.coverage_people(
        people=people,
        limits=limits,
        unit_id=unit.pk if unit else None,
        which=chosen.get("which") or "",
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("side"))
    for person in page.object_list:
        person.coverage = coverage.coverage_status(person, limits)
        person.due = coverage.due_date(person, limits)
    context = {
        "unit": unit,
        "limits": limits,
        "units": [u for u in by_unit if u["overdue"] or u["close"]],
        "units_ok": sum(1 for u in by_unit if not (u["overdue"] or u["close"])),
        "totals": {
            "total": sum(u["total"] for u in by_unit),
            "overdue": sum(u["overdue"] for u in by_unit),
            "close": sum(u["close"] for u in by_unit),
        },
        "filters": filters,
        "page": page,
        "query": _query(request),
    }
    return render_page(request, "rounds/coverage.html", context, fragment="people")
