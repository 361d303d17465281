"""portal.bulk_sql writes plain rows exactly as the ORM would read them back, on SQLite and on PostgreSQL (where
the rows travel as one JSON array of arrays)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from approvals.models import DeadlineFiring, DigestLine
from portal import bulk_sql
from tests.factories.approvals import DepartmentFactory
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = ("subject_type", "subject_id", "kind", "deadline_at", "fired_at", "department", "context", "link")


def test_insert_keeps_every_value_and_returns_only_the_new_rows():
    department = DepartmentFactory()
    at = datetime(2026, 6, 10, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    awkward = 'say "亲", back\\slash\nnew line, 100% \'quoted\''
    rows = [("itemreview", 1, "review_red", at, at + timedelta(minutes=1), department.pk,
             {"item": "食品经营许可", "ref": "JS-2026-000001", "nested": {"n": [1, 2.5, None, True]}}, awkward),
            ("itemreview", 2, "review_yellow", at, at, None, {}, "")]
    made = bulk_sql.insert(DeadlineFiring, COLUMNS, rows, ignore_conflicts=True,
                           returning=("id", "subject_id", "kind"))
    assert sorted((subject, kind) for _id, subject, kind in made) == [(1, "review_red"), (2, "review_yellow")]

    first = DeadlineFiring.objects.get(subject_id=1)
    assert first.deadline_at == at and first.fired_at == at + timedelta(minutes=1)  # to the microsecond
    assert first.department == department and first.link == awkward
    assert first.context == {"item": "食品经营许可", "ref": "JS-2026-000001", "nested": {"n": [1, 2.5, None, True]}}
    second = DeadlineFiring.objects.get(subject_id=2)
    assert second.department is None and second.context == {} and second.link == ""

    # The same firing again is skipped by the unique constraint and not returned; a new one is.
    again = bulk_sql.insert(DeadlineFiring, COLUMNS, [rows[0], ("itemreview", 3, "review_red", at, at, None, {}, "")],
                            ignore_conflicts=True, returning=("subject_id",))
    assert again == [(3,)] and DeadlineFiring.objects.count() == 3


def test_update_sets_values_and_nulls_by_key():
    chief, leader = UserFactory(), UserFactory()
    at = datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI)
    [(firing,)] = bulk_sql.insert(DeadlineFiring, COLUMNS, [("itemreview", 9, "review_red", at, at, None, {}, "")],
                                  returning=("id",))
    bulk_sql.insert(DigestLine, ("firing", "recipient"), [(firing, chief.pk), (firing, leader.pk)])
    lines = dict(DigestLine.objects.values_list("recipient_id", "pk"))
    told = datetime(2026, 6, 10, 10, 0, 0, 1, tzinfo=SHANGHAI)
    bulk_sql.update(DigestLine, "id", ("told_at", "notification"), [(lines[chief.pk], told, None)])
    assert DigestLine.objects.get(recipient=chief).told_at == told
    assert DigestLine.objects.get(recipient=leader).told_at is None  # not in the rows: untouched


def test_nothing_to_write_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_sql.insert(DeadlineFiring, COLUMNS, [], returning=("id",)) == []
        bulk_sql.update(DigestLine, "id", ("told_at",), [])
