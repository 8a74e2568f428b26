"""Reads of conversation templates. Callers pass a queryset from the access
policy (`policy.guides_visible_to(user)`), so these never decide who sees what."""

from django.db.models import Count, FilteredRelation, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from samtale.guides.models import Guide, GuideVersion


def guides_with_current(*, guides: QuerySet[Guide]) -> QuerySet[Guide]:
    """The guides, each with its newest version as `guide.current`, in one query."""
    newest = GuideVersion.objects.filter(guide=OuterRef("pk")).order_by("-number").values("number")
    return guides.annotate(
        current=FilteredRelation("versions", condition=Q(versions__number=Subquery(newest[:1])))
    ).select_related("current")  # type: ignore[misc]  # the FilteredRelation's alias: unknown to django-stubs' plugin


def guides_for_planning(*, guides: QuerySet[Guide]) -> QuerySet[Guide]:
    """The templates a round can be planned with: not retired, each with `guide.current`."""
    return guides_with_current(guides=guides.filter(retired_at__isnull=True))


def current_version(guide: Guide) -> GuideVersion | None:
    """The newest version: the one new conversations are planned with."""
    if "current" in guide.__dict__:  # from guides_with_current: no query
        current: GuideVersion | None = guide.__dict__["current"]
        return current
    return guide.versions.order_by("-number").first()


# The model whose rows use a version (its `guide_version`): the conversations app, which
# stands above guides, hands it over when it is ready (samtale.conversations.apps).
# Without it, templates work and no version is in use.
_users: type[Model] | None = None


def version_users_register(model: type[Model]) -> None:
    """The model whose rows use a version through their `guide_version`."""
    global _users
    _users = model


def _conversation_model() -> type[Model] | None:
    return _users


def version_in_use(version: GuideVersion) -> bool:
    """Whether any conversation is planned or held with this version (then it is frozen)."""
    conversation = _conversation_model()
    if conversation is None:
        return False
    return conversation._default_manager.filter(guide_version=version).exists()


def version_use_count(version: GuideVersion) -> int:
    """How many conversations use this version (from the index on their version alone)."""
    conversation = _conversation_model()
    if conversation is None:
        return 0
    return conversation._default_manager.filter(guide_version=version).order_by().count()


def version_usage(*, guide: Guide) -> dict[int, int]:
    """How many conversations use each version of the guide: {version pk: count}, numbers
    only. One query, a count per version from the index on the conversations' version (a
    join over all conversations would read every one of them)."""
    conversation = _conversation_model()
    if conversation is None:
        return {}
    count = (
        conversation._default_manager.filter(guide_version=OuterRef("pk"))
        .order_by()
        .values("guide_version")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = guide.versions.order_by().annotate(n=Coalesce(Subquery(count), 0)).values_list("pk", "n")
    return {pk: n for pk, n in rows if n}
