"""Reading the audit log for auditors: the entries of a period as CSV or JSON Lines, with their hashes, so the
chain can be re-verified outside the portal (`manage.py verify_audit --file`, or the recipe in docs/security.md).
Used by `manage.py export_audit` and the page /audit/export/."""

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.utils import timezone

from portal import audit_chain
from portal.models import AuditEntry

COLUMNS = ("id", *audit_chain.FIELDS, "prev_hash", "hash")
FORMATS = ("csv", "jsonl")


def period(start: date | None, end: date | None):
    """Entries from the start of `start` to the end of `end` (local dates, both included), in chain order."""
    entries = AuditEntry.objects.order_by("id")
    zone = timezone.get_current_timezone()
    if start:
        entries = entries.filter(at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end:
        entries = entries.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))
    return entries.values_list(*COLUMNS)


def _row(values) -> dict:
    row = dict(zip(COLUMNS, values, strict=True))
    row["at"] = row["at"].astimezone(dt_timezone.utc).isoformat(timespec="microseconds")
    return row


def jsonl_lines(rows):
    for values in rows.iterator(chunk_size=2000):
        yield json.dumps(_row(values), ensure_ascii=False, sort_keys=True) + "\n"


def csv_lines(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield flush()
    for values in rows.iterator(chunk_size=2000):
        row = _row(values)
        row["data"] = json.dumps(row["data"], ensure_ascii=False, sort_keys=True)
        row["success"] = "true" if row["success"] else "false"
        writer.writerow(["" if row[column] is None else row[column] for column in COLUMNS])
        yield flush()


def lines(rows, fmt: str):
    return jsonl_lines(rows) if fmt == "jsonl" else csv_lines(rows)


def read_export(handle, fmt: str):
    """The rows of an export file, as `audit_chain.first_broken` takes them."""
    if fmt == "jsonl":
        for line in handle:
            if line.strip():
                yield json.loads(line)
        return
    for row in csv.DictReader(handle):
        row["data"] = json.loads(row["data"] or "{}")
        row["success"] = row["success"] == "true"
        row["actor_id"] = row["actor_id"] or None
        row["ip_address"] = row["ip_address"] or None
        yield row
