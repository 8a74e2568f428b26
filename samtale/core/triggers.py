"""Database triggers in migrations: the same rule written for each database we run on.

A later migration of a table that such triggers stand on or name needs nothing of its own:
our database backends keep the triggers where Django's schema editor would lose them or be
stopped by them (samtale.tenancy.backends; docs/developing/decision-migration-triggers.md)."""

from collections.abc import Callable
from typing import Any

from django.db import migrations


def by_vendor(
    forward: dict[str, list[str]], backward: dict[str, list[str]]
) -> migrations.RunPython:
    """A migration operation that runs the statements written for the connection's vendor
    ("postgresql", "sqlite"); a vendor with none gets none."""

    def run(statements: dict[str, list[str]]) -> Callable[[Any, Any], None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            for sql in statements.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
