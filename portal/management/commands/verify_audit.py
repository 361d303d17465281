"""`manage.py verify_audit`: recompute the audit log's hash chain and name the first broken link.

Exit status 0 when every entry links to the one before it and matches its hash, 1 otherwise. `--file` checks an
export (export_audit) instead of the database; an export that starts in the middle of the log is anchored on
its first entry's prev_hash.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import audit_chain, audit_export
from portal.models import AuditEntry


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain; exit 1 and name the first broken link if it is broken."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="verify an export_audit file (.csv or .jsonl) instead of the database")
        parser.add_argument("--format", choices=audit_export.FORMATS, help="the file's format (default: by suffix)")

    def handle(self, *args, file=None, format=None, **options):
        tolerance = timedelta(seconds=settings.AUDIT_CLOCK_TOLERANCE_SECONDS)
        if file:
            fmt = format or ("csv" if file.endswith(".csv") else "jsonl")
            try:
                with open(file, encoding="utf-8", newline="") as handle:
                    checked, broken = audit_chain.first_broken(audit_export.read_export(handle, fmt), anchor=None,
                                                               tolerance=tolerance)
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"Cannot read {file}: {exc}") from exc
            where = file
        else:
            rows = AuditEntry.objects.order_by("id").values("id", *audit_chain.FIELDS, "prev_hash", "hash")
            checked, broken = audit_chain.first_broken(rows.iterator(chunk_size=2000), tolerance=tolerance)
            where = "the audit log"
        if broken is not None:
            self.stderr.write(f"BROKEN: {where}: {checked} entries verified, then the first broken link: {broken}")
            raise SystemExit(1)
        self.stdout.write(f"OK: {where}: {checked} entries, the hash chain is intact.")
