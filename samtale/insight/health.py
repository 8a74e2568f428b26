"""The insight's part of each tenant's health (core.health): whether every closed period
has been published (the worker publishes hourly; a period the proof refused stays due), and
whether the latest one's proof passed, for the operators' page (no figure of it)."""

from datetime import datetime, timedelta

from django.utils import timezone

from samtale.core.health import OK, tenant_check, tenant_note
from samtale.insight.models import Publication
from samtale.insight.publication.periods import due

# A period closed longer ago than this and still not published: the worker has tried at
# least once (hourly) and could not, or is not running.
LATE = timedelta(hours=2)


@tenant_check("insight")
def publication_check(now: datetime | None = None) -> str:
    """Unpublished: a period that closed more than LATE ago is not published."""
    now = now or timezone.now()
    late = [p for p in due(now) if p.cutoff < now - LATE]
    return "unpublished" if late else OK


@tenant_note("proof")
def latest_proof() -> dict | None:
    """The latest publication's certificate, for the operators' page: which period, when,
    and that the proof passed. No figure of what it checked (how many figures, the size of
    the system, the smallest group): those say something of the municipality's people and
    stay with its HR (the status analysis shows them there)."""
    publication = Publication.objects.exclude(proof={}).order_by("-published_at").first()
    if publication is None:
        return None
    return {
        "kind": publication.kind,
        "number": publication.round_id or publication.year,
        "published_at": publication.published_at.isoformat(),
        "proved": publication.proof.get("found") == 0,
    }
