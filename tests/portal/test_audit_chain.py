"""The audit log's hash chain: appended under a lock, recomputed by `verify_audit`, exported for auditors."""

import io
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from portal import audit_chain
from portal.models import AuditEntry
from portal.services import audit
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
POSTGRESQL = connection.vendor == "postgresql"
TRIGGER = "portal_auditentry_append_only"


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, out.getvalue()


def tamper(sql, params=()):
    """What someone with the owner's or a superuser's rights could do behind the portal's back."""
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts' foreign-key checks
            cursor.execute(f"ALTER TABLE portal_auditentry DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if POSTGRESQL:
            cursor.execute(f"ALTER TABLE portal_auditentry ENABLE TRIGGER {TRIGGER}")


def three_entries():
    user = UserFactory()
    return [audit.record("application.signed", actor=user, subject=user, summary=f"entry {n}",
                         data={"n": n, "ratio": 0.5, "big": 1e20}) for n in range(3)]


def test_each_entry_names_the_hash_of_the_one_before():
    first, second, third = three_entries()
    assert first.prev_hash == audit_chain.GENESIS or AuditEntry.objects.filter(id__lt=first.id).exists()
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEntry.objects.values("id", *audit_chain.FIELDS, "prev_hash", "hash").get(pk=third.pk)
    assert audit_chain.entry_hash(stored, stored["prev_hash"]) == third.hash  # same after the database's round trip
    assert verify() == (0, f"OK: the audit log: {AuditEntry.objects.count()} entries, the hash chain is intact.\n")


def test_an_edited_entry_is_named():
    entries = three_entries()
    tamper("UPDATE portal_auditentry SET summary = 'nothing happened' WHERE id = %s", [entries[1].pk])
    code, message = verify()
    assert code == 1
    assert f"entry {entries[1].pk} " in message and "does not match its hash" in message


def test_a_deleted_entry_is_named_by_the_next_one():
    entries = three_entries()
    tamper("DELETE FROM portal_auditentry WHERE id = %s", [entries[1].pk])
    code, message = verify()
    assert code == 1
    assert f"entry {entries[2].pk} " in message and "prev_hash does not name the entry before it" in message


def test_a_forged_row_without_the_chain_is_named():
    three_entries()
    AuditEntry.objects.create(event="application.signed", summary="forged", at=timezone.now() - timedelta(days=30),
                              prev_hash="f" * 64, hash="e" * 64)
    forged = AuditEntry.objects.latest("id")
    code, message = verify()
    assert code == 1 and f"entry {forged.pk} " in message


def test_a_forged_back_dated_row_linked_correctly_is_named_by_its_time():
    """Someone who knows the recipe appends a well-chained `application.signed` dated a month ago."""
    last = three_entries()[-1]
    fields = {"at": timezone.now() - timedelta(days=30), "actor_id": None, "actor_name": "chief", "event":
              "application.signed", "success": True, "subject_type": "", "subject_id": "", "summary": "signed",
              "data": {}, "ip_address": None}
    forged = AuditEntry.objects.create(**{k: v for k, v in fields.items() if k != "actor_id"}, prev_hash=last.hash,
                                       hash=audit_chain.entry_hash(fields, last.hash))
    code, message = verify()
    assert code == 1
    assert f"entry {forged.pk} " in message and "back-dated" in message


def test_the_data_migration_chains_the_entries_written_before_it():
    from importlib import import_module

    from django.db.migrations.loader import MigrationLoader

    entries = three_entries()
    tamper("UPDATE portal_auditentry SET prev_hash = '', hash = ''")
    assert verify()[0] == 1
    migration = import_module("portal.migrations.0006_audit_hash_chain")
    editor = SimpleNamespace(connection=connection, execute=lambda sql, params=(): connection.cursor().execute(sql))
    apps = MigrationLoader(connection).project_state(("portal", "0006_audit_hash_chain")).apps
    migration.chain_existing_entries(apps, editor)
    assert verify()[0] == 0
    assert AuditEntry.objects.get(pk=entries[2].pk).prev_hash == AuditEntry.objects.get(pk=entries[1].pk).hash


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_is_verified_outside_and_a_changed_line_is_named(tmp_path, fmt):
    entries = three_entries()
    today = timezone.localdate().isoformat()
    export = tmp_path / f"audit.{fmt}"
    call_command("export_audit", "--from", today, "--to", today, "--format", fmt, "--output", str(export),
                 stderr=io.StringIO())
    text = export.read_text(encoding="utf-8")
    assert entries[1].hash in text and entries[1].prev_hash in text
    code, message = verify("--file", str(export))
    assert code == 0, message
    export.write_text(text.replace("entry 1", "entry 9"), encoding="utf-8")
    code, message = verify("--file", str(export))
    assert code == 1 and f"entry {entries[1].pk} " in message


def test_the_export_covers_only_the_period_and_is_itself_audited(tmp_path):
    three_entries()
    export = tmp_path / "audit.jsonl"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    call_command("export_audit", "--from", tomorrow, "--output", str(export), stderr=io.StringIO())
    assert export.read_text() == ""
    assert AuditEntry.objects.filter(event="audit.exported", data__from=tomorrow).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRESQL, reason="SQLite's in-memory test database serialises writers by itself")
def test_two_writers_at_once_do_not_fork_the_chain():
    barrier = threading.Barrier(2)

    def write(name):
        try:
            barrier.wait()
            for n in range(20):
                audit.record("concurrency", summary=f"{name} {n}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert AuditEntry.objects.filter(event="concurrency").count() == 40
    assert AuditEntry.objects.values("prev_hash").distinct().count() == AuditEntry.objects.count()
    assert verify()[0] == 0


def test_hostile_text_is_stored_and_chained_not_refused():
    """A NUL character (PostgreSQL refuses it in text and jsonb) from a path or a form value does not stop the entry."""
    entry = audit.record("permission.denied", summary="GET /x\x00y", data={"path": "/x\x00y", "k\x00": ["\x00"]})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.summary == "GET /x\ufffdy" and stored.data == {"path": "/x\ufffdy", "k\ufffd": ["\ufffd"]}
    assert verify()[0] == 0
