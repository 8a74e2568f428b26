"""Database triggers in migrations: the same rule written for each database we run on."""

from django.db import migrations


def by_vendor(forward: dict[str, list[str]], backward: dict[str, list[str]]):
    """A migration operation that runs the statements written for the connection's vendor
    ("postgresql", "sqlite"); a vendor with none gets none."""

    def run(statements):
        def apply(apps, schema_editor):
            for sql in statements.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
