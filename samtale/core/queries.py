"""Query helpers the domains share."""

from django.db import connections
from django.db.models import QuerySet


def counts(**querysets: QuerySet) -> dict[str, int]:
    """How many rows each queryset has, in one round trip: each is counted as a scalar
    subquery, so each keeps its own plan (its own partial index), where one aggregate with
    a filter per count would read the rows of all of them together."""
    parts, params, db = [], [], None
    for queryset in querysets.values():
        sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608 - compiled SQL
        params.extend(sql_params)
        db = db or queryset.db
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))
