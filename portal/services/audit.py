"""Writing the audit log. Every service that changes something calls `record` in its transaction.

Appending is serialised so that two writers never link to the same predecessor (a fork in the chain): on
PostgreSQL a transaction-level advisory lock, on SQLite the database's write lock (every transaction begins
IMMEDIATE, see settings). The lock is held until the caller's transaction ends, so entries are chained in the
order they are committed.
"""

import ipaddress

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal import audit_chain
from portal.models import AuditEntry

# pg_advisory_xact_lock key of the chain ("AUDIT" in ASCII).
CHAIN_LOCK_KEY = 0x4155444954


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is one of settings.TRUSTED_PROXIES (the TLS proxy in
    front of the portal), the right-most X-Forwarded-For address that is not a trusted proxy itself."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = [ipaddress.ip_network(p, strict=False) for p in getattr(settings, "TRUSTED_PROXIES", ())]
    if remote is not None and proxies and any(remote in network for network in proxies):
        for hop in reversed((request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
            address = _address(hop)
            if address is None:
                break
            if not any(address in network for network in proxies):
                return str(address)
    return str(remote) if remote is not None else None


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def record(event: str, *, actor=None, subject=None, summary: str = "", data: dict | None = None,
           success: bool = True, request=None) -> AuditEntry:
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=user,
        actor_name=audit_chain.text(user.get_username() if user else (data or {}).get("username", ""))[:150],
        event=event[:64],
        success=success,
        subject_type=subject._meta.label if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        summary=audit_chain.text(summary)[:255],
        data=audit_chain.storable(data),
        ip_address=client_ip(request),
    )
    with transaction.atomic(savepoint=False):  # inside the caller's transaction when there is one
        _lock_chain()
        entry.prev_hash = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() \
            or audit_chain.GENESIS
        entry.at = timezone.now()
        entry.hash = audit_chain.entry_hash(fields_of(entry), entry.prev_hash)
        entry.save()
    return entry


def fields_of(entry) -> dict:
    return {"id": entry.pk, "at": entry.at, "actor_id": entry.actor_id, "actor_name": entry.actor_name,
            "event": entry.event, "success": entry.success, "subject_type": entry.subject_type,
            "subject_id": entry.subject_id, "summary": entry.summary, "data": entry.data,
            "ip_address": entry.ip_address, "prev_hash": entry.prev_hash, "hash": entry.hash}
