"""The entries written before the chain become its beginning, in the order of their ids:
numbered 1, 2, 3 … (a PostgreSQL sequence left gaps where transactions rolled back, and a
gap now means a missing entry), each given its actor's name, its predecessor's hash and
its own. Before the triggers of migration 0004: nothing may change an entry after."""

from django.db import migrations

from samtale.core.audit import FIELDS, GENESIS, entry_hash

BATCH = 2000


def chain(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    Person = apps.get_model("org", "Person")
    table = schema_editor.quote_name(AuditEntry._meta.db_table)
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    with schema_editor.connection.cursor() as cursor:
        # Through negative numbers, so that no id is ever held by two rows at once.
        moved = [(-n, old) for n, old in enumerate(ids, start=1) if old != n]
        for start in range(0, len(moved), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET id = %s WHERE id = %s",  # noqa: S608 - our own table name
                moved[start : start + BATCH],
            )
        cursor.execute(f"UPDATE {table} SET id = -id WHERE id < 0")  # noqa: S608
    names = {
        p["id"]: f"{p['first_name']} {p['last_name']}".strip()
        for p in Person.objects.filter(
            id__in=AuditEntry.objects.exclude(actor_id=None).values("actor_id")
        ).values("id", "first_name", "last_name")
    }
    prev, rows = GENESIS, []
    columns = [name for name in FIELDS if name not in ("actor_name", "ip", "prev_hash")]
    for row in AuditEntry.objects.order_by("id").values(*columns).iterator(chunk_size=BATCH):
        row |= {"actor_name": names.get(row["actor_id"], ""), "ip": "", "prev_hash": prev}
        prev = entry_hash(row)
        rows.append((row["actor_name"], row["prev_hash"], prev, row["id"]))
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET actor_name = %s, prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                rows[start : start + BATCH],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_chain_fields"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(chain, migrations.RunPython.noop)]
