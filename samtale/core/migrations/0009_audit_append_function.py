"""Appending to the audit chain in one statement on PostgreSQL (core.audit.append).

Before, an entry took four round trips inside a transaction of its own: the chain's
advisory lock, the read of the last entry, the insert, and the transaction around them;
a download, which writes its entry outside any other transaction, spent five of the twelve
queries a page may make on it. `samtale_audit_append` does the same in one call: it takes
the lock, reads the head (a VOLATILE function's every statement sees a fresh snapshot, so
the head is read after the lock, as before), and inserts each entry with its chain hash.

The hash stays what core.audit.canonical defines: the caller sends each entry's canonical
form cut around its two unknowns (`before` the id, `middle` between the id and the
previous hash), and the function joins them and hashes the bytes with sha256. audit_verify
checks every entry against Python's own hash, so a difference could not go unseen.
"""

from django.db import migrations

from samtale.core.triggers import by_vendor

POSTGRESQL = [
    """
    CREATE FUNCTION samtale_audit_append(lock_key bigint, entries jsonb)
    RETURNS TABLE (entry_id bigint, entry_prev text, entry_hash text) AS $$
    DECLARE
        last_id bigint;
        last_hash text;
        e jsonb;
    BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        SELECT a.id, a.hash INTO last_id, last_hash
            FROM core_auditentry a ORDER BY a.id DESC LIMIT 1;
        IF last_id IS NULL THEN
            last_id := 0;
            last_hash := repeat('0', 64);
        END IF;
        FOR e IN SELECT value FROM jsonb_array_elements(entries) LOOP
            last_id := last_id + 1;
            entry_id := last_id;
            entry_prev := last_hash;
            entry_hash := encode(sha256(convert_to(
                (e->>'before') || last_id::text || (e->>'middle') || last_hash || '"}', 'UTF8'
            )), 'hex');
            INSERT INTO core_auditentry
                (id, at, actor_id, actor_name, action, object_type, object_id, data, ip,
                 prev_hash, hash)
            VALUES
                (last_id, (e->>'at')::timestamptz, (e->>'actor_id')::bigint,
                 e->>'actor_name', e->>'action', e->>'object_type', e->>'object_id',
                 e->'data', e->>'ip', entry_prev, entry_hash);
            last_hash := entry_hash;
            RETURN NEXT;
        END LOOP;
    END $$ LANGUAGE plpgsql VOLATILE
    """,
]
POSTGRESQL_DROP = ["DROP FUNCTION IF EXISTS samtale_audit_append(bigint, jsonb)"]


class Migration(migrations.Migration):
    dependencies = [("core", "0008_set_aside_message")]

    operations = [by_vendor({"postgresql": POSTGRESQL}, {"postgresql": POSTGRESQL_DROP})]
