"""The audit log's hash chain: pure rules, no database (docs/security.md, "Audit").

Every entry stores `prev_hash` (the `hash` of the entry before it, in id order; 64 zeros for the first one) and
`hash`, the SHA-256 of its canonical content: a JSON object with sorted keys, no spaces, UTF-8, holding

    at (UTC, ISO 8601 with microseconds), actor_id, actor_name, event, success, subject_type, subject_id,
    summary, data, ip_address, prev_hash

Deleting, inserting or editing any entry breaks the link to the next one or its own hash; an entry written
after the fact with an earlier time (more than `tolerance` before its predecessor) breaks the time order.
The same functions verify the database (`manage.py verify_audit`) and an export (`verify_audit --file`).
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
FIELDS = ("at", "actor_id", "actor_name", "event", "success", "subject_type", "subject_id", "summary", "data",
          "ip_address")


def text(value) -> str:
    """A string PostgreSQL can store: a NUL character (from a hostile path or form value) becomes U+FFFD."""
    return str(value).replace("\x00", "\ufffd")


def _without_nul(value):
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {text(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def storable(data) -> dict:
    """`data` as the database will give it back: dates, decimals, UUIDs and lazy strings become JSON text; no NUL."""
    return _without_nul(json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)))


def _numbers(value):
    """PostgreSQL's jsonb writes 1e20 back as 100000000000000000000 and 2.0 as 2.0: integral floats are hashed
    as the integer their decimal notation names, so a value hashes the same before and after the round trip."""
    if isinstance(value, float):
        if value.is_integer():
            return int(Decimal(repr(value)))
        return value
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return value


def _time(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(dt_timezone.utc).isoformat(timespec="microseconds")


def _ip(value):
    return str(ipaddress.ip_address(value)) if value else None


def canonical(fields: dict, prev_hash: str) -> bytes:
    content = {
        "at": _time(fields["at"]),
        "actor_id": int(fields["actor_id"]) if fields.get("actor_id") not in (None, "") else None,
        "actor_name": fields.get("actor_name") or "",
        "event": fields["event"],
        "success": bool(fields["success"]),
        "subject_type": fields.get("subject_type") or "",
        "subject_id": fields.get("subject_id") or "",
        "summary": fields.get("summary") or "",
        "data": _numbers(fields.get("data") or {}),
        "ip_address": _ip(fields.get("ip_address")),
        "prev_hash": prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(fields: dict, prev_hash: str) -> str:
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    entry_id: int
    at: str
    event: str
    reason: str

    def __str__(self):
        return f"entry {self.entry_id} ({self.at}, {self.event}): {self.reason}"


def first_broken(rows, *, anchor: str | None = GENESIS, tolerance: timedelta = timedelta(seconds=5)):
    """Walk `rows` (dicts with `id`, the FIELDS, `prev_hash`, `hash`, in id order) and return
    `(checked, BrokenLink | None)`. `anchor` is the hash the first row must link to; None accepts whatever
    the first row names (an export that starts in the middle of the log)."""
    expected = anchor
    previous_at = None
    checked = 0
    for row in rows:
        at = row["at"] if not isinstance(row["at"], str) else datetime.fromisoformat(row["at"])

        def broken(reason, row=row, at=at):
            return checked, BrokenLink(int(row["id"]), _time(at), row["event"], reason)

        if expected is not None and row["prev_hash"] != expected:
            return broken("its prev_hash does not name the entry before it (an entry was deleted, inserted or "
                          "re-chained here)")
        if entry_hash(row, row["prev_hash"]) != row["hash"]:
            return broken("its content does not match its hash (the entry was changed or forged)")
        if previous_at is not None and at < previous_at - tolerance:
            return broken(f"its time is earlier than an entry before it ({_time(previous_at)}): written after "
                          "the fact with a back-dated time")
        expected = row["hash"]
        previous_at = at if previous_at is None else max(previous_at, at)
        checked += 1
    return checked, None
