"""Rounds: HR's and the leaders' (rounds_policy.may_list_rounds), with the progress the round's page
shows the caller (rounds_policy.round_counts_visible_to, rounds.selectors.progress)."""

from ninja import Query, Router

from samtale.api.endpoints.common import Id, page_of, responses
from samtale.api.schemas import PageQuery, RoundPage, RoundProgress
from samtale.core import access
from samtale.rounds import policy as rounds_policy
from samtale.rounds import selectors

router = Router(tags=["rounds"])

COUNTS = ("total", "missing", "planned", "invited", "held", "signed", "postponed")


def _counts(row: dict) -> dict:
    return {key: row[key] for key in COUNTS}


@router.get("", response=responses(RoundPage), url_name="round_list")
def round_list(request, paging: Query[PageQuery]):
    """The rounds the caller may see: HR every round, a leader those they made or hold
    conversations in; with how many take part and how many have signed."""
    access.require(rounds_policy.may_list_rounds(request.auth))
    rows = selectors.round_list(rounds=rounds_policy.rounds_visible_to(request.auth))
    return page_of(
        rows,
        paging,
        lambda r: {
            "id": r.pk,
            "name": r.name,
            "kind": r.kind,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "closed_at": r.closed_at,
            "participants": r.n_participants,
            "signed": r.n_signed,
        },
    )


@router.get("/{pk}/progress", response=responses(RoundProgress, 404), url_name="round_progress")
def round_progress(request, paging: Query[PageQuery], pk: int = Id()):
    """Where the round's conversations are, in all, per unit and per leader (a page of the
    leaders): all of them for those who manage the round, the ones a leader holds for them."""
    user = request.auth
    access.require(rounds_policy.may_list_rounds(user))
    round_ = rounds_policy.get_round_for(user, pk)
    progress = selectors.progress(
        counts=rounds_policy.round_counts_visible_to(user, round_),
        participants=rounds_policy.participants_visible_to(user, round_),
    )
    start = (paging.page - 1) * paging.page_size
    leaders = progress["by_leader"][start : start + paging.page_size]
    return {
        "round": {"id": round_.pk, "name": round_.name},
        "totals": progress["totals"],
        "removed": progress["removed"],
        "by_unit": [
            {
                "unit": None
                if row["person__unit_id"] is None
                else {"id": row["person__unit_id"], "name": row["person__unit__name"] or ""},
                **_counts(row),
            }
            for row in progress["by_unit"]
        ],
        "by_leader": [
            {
                "leader": None
                if row["holder_id"] is None
                else {
                    "id": row["holder_id"],
                    "name": f"{row['holder__first_name']} {row['holder__last_name']}".strip(),
                },
                **_counts(row),
            }
            for row in leaders
        ],
        "leaders": len(progress["by_leader"]),
        "page": paging.page,
        "page_size": paging.page_size,
    }
