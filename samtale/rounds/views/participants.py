"""Who takes part, and who holds which conversation: add, remove with a reason, move one,
or share a department or profession group with a leader."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from samtale.core.errors import DomainError
from samtale.core.http import guarded
from samtale.core.paginator import Paginator
from samtale.rounds import policy, selectors, services
from samtale.rounds.forms import HolderForm, ParticipantAddForm, RemoveForm, ShareForm

# The leaders a round shares out on one page (share.html).
LEADERS_PAGE_SIZE = 50


@guarded(policy.may_list_rounds)
@require_POST
def participant_add(request, pk):
    round = policy.get_round_for(request.user, pk, write=True)
    form = ParticipantAddForm(request.POST, user=request.user, round=round)
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.participant_add(actor=request.user, round=round, person=person)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": person.full_name})
    else:
        messages.error(request, _("Choose a person to add."))
    return redirect("round_detail", pk=round.pk)


@guarded(policy.may_list_rounds)
@require_http_methods(["GET", "POST"])
def participant_remove(request, pk):
    participant = policy.get_participant_for(request.user, pk, write=True)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_remove(
                actor=request.user, participant=participant, reason=form.cleaned_data["reason"]
            )
        except DomainError as e:
            e.add_to(form)
        else:
            messages.success(
                request,
                _("%(name)s is removed from the round.") % {"name": participant.person.full_name},
            )
            return redirect("round_detail", pk=participant.round_id)
    return render(request, "rounds/remove.html", {"form": form, "participant": participant})


@guarded(policy.may_list_rounds)
@require_http_methods(["GET", "POST"])
def participant_holder(request, pk):
    participant = policy.get_participant_for(request.user, pk, write=True)
    form = HolderForm(
        request.POST or None,
        user=request.user,
        round=participant.round,
        initial={"holder": participant.holder_id},
    )
    if request.method == "POST" and form.is_valid():
        holder = form.cleaned_data["holder"]
        try:
            services.participant_holder_set(
                actor=request.user, participant=participant, holder=holder
            )
        except DomainError as e:
            e.add_to(form)
        else:
            messages.success(
                request,
                _("%(leader)s now holds the conversation with %(name)s.")
                % {"leader": holder.full_name, "name": participant.person.full_name},
            )
            return redirect("round_detail", pk=participant.round_id)
    return render(request, "rounds/holder.html", {"form": form, "participant": participant})


@guarded(policy.may_list_rounds)
@require_http_methods(["GET", "POST"])
def round_share(request, pk):
    round = policy.get_round_for(request.user, pk, write=True)
    form = ShareForm(
        request.POST or None,
        user=request.user,
        round=round,
        groups=selectors.profession_groups(round=round),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shared = services.participants_share(
                actor=request.user,
                round=round,
                holder=data["holder"],
                unit=data["unit"],
                profession_group=data["profession_group"],
            )
        except DomainError as e:
            e.add_to(form)
        else:
            text = ngettext(
                "%(n)d conversation is now held by %(leader)s.",
                "%(n)d conversations are now held by %(leader)s.",
                shared.moved,
            ) % {"n": shared.moved, "leader": data["holder"].full_name}
            if shared.kept:
                text += " " + ngettext(
                    "%(n)d already planned was left with its leader.",
                    "%(n)d already planned were left with their leader.",
                    shared.kept,
                ) % {"n": shared.kept}
            messages.success(request, text)
            return redirect("round_detail", pk=round.pk)
    progress = selectors.progress(
        counts=policy.round_counts_visible_to(request.user, round),
        participants=policy.participants_visible_to(request.user, round),
    )
    # A round of a whole organization has thousands of leaders: a page of them at a time.
    by_leader = Paginator(progress["by_leader"], LEADERS_PAGE_SIZE).get_page(
        request.GET.get("ledere")
    )
    return render(
        request,
        "rounds/share.html",
        {"form": form, "round": round, "by_leader": by_leader, "leader_query": ""},
    )
