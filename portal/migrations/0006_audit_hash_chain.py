"""The audit log's hash chain (portal.audit_chain): two columns, the entries written so far chained in id order,
and on PostgreSQL no role but the table's owner keeps UPDATE, DELETE, TRUNCATE, REFERENCES or TRIGGER on it
(whatever default privileges granted; deploy/postgres/roles.sql)."""

import django.utils.timezone
from django.db import migrations, models

from portal import audit_chain

TRIGGER = "portal_auditentry_append_only"
REVOKE = """
DO $$
DECLARE
    role_name text;
BEGIN
    REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON portal_auditentry FROM PUBLIC;
    FOR role_name IN
        SELECT DISTINCT pg_get_userbyid(acl.grantee)
        FROM pg_class c, aclexplode(c.relacl) acl
        WHERE c.oid = 'portal_auditentry'::regclass AND acl.grantee <> c.relowner AND acl.grantee <> 0
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON portal_auditentry FROM %I',
                       role_name);
    END LOOP;
END
$$;
"""


def chain_existing_entries(apps, schema_editor):
    AuditEntry = apps.get_model("portal", "AuditEntry")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:  # the append-only trigger refuses the one-time UPDATE; the owner lifts it for this migration
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending before ALTER TABLE
        schema_editor.execute(f"ALTER TABLE portal_auditentry DISABLE TRIGGER {TRIGGER}")
    previous = audit_chain.GENESIS
    batch = []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        fields = {name: getattr(entry, name) for name in audit_chain.FIELDS if name != "actor_id"}
        fields["actor_id"] = entry.actor_id
        entry.prev_hash = previous
        entry.hash = previous = audit_chain.entry_hash(fields, previous)
        batch.append(entry)
        if len(batch) == 2000:
            AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
    if postgresql:
        schema_editor.execute(f"ALTER TABLE portal_auditentry ENABLE TRIGGER {TRIGGER}")


def restrict_privileges(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVOKE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0005_notify_language_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="previous entry's hash"),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='time'),
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.RunPython(restrict_privileges, migrations.RunPython.noop),
    ]
