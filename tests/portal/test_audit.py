import pytest
from django.db import connection, transaction

from portal.models import AuditEntry
from portal.models.audit import AuditLogIsAppendOnly
from portal.services import audit
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def test_record_keeps_who_what_when_and_success():
    user = UserFactory(admin=True)
    entry = audit.record("catalog_change", actor=user, subject=user, summary="changed", data={"k": 1})
    assert entry.at is not None
    assert entry.actor == user and entry.actor_name == user.username
    assert entry.subject_type == "portal.User" and entry.subject_id == str(user.pk)
    assert entry.success is True


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = audit.record("x", summary="first")
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "first"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_postgresql_refuses_raw_updates_and_deletes():
    entry = audit.record("x", summary="first")
    from django.db import DatabaseError

    for sql in ("UPDATE portal_auditentry SET summary = 'changed' WHERE id = %s",
                "DELETE FROM portal_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "first"
