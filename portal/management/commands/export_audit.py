"""`manage.py export_audit --from 2026-01-01 --to 2026-06-30 [--format csv|jsonl] [--output FILE]`: the audit
entries of a period (local dates, both included) with their hashes, for auditors (docs/security.md, "Audit").
The export itself is written to the audit log."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portal import audit_export
from portal.services import audit


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Export the audit entries of a period, with their hashes, as CSV or JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=_date, help="first day (YYYY-MM-DD, local time)")
        parser.add_argument("--to", dest="end", type=_date, help="last day, included (YYYY-MM-DD)")
        parser.add_argument("--format", choices=audit_export.FORMATS, default="jsonl")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, start=None, end=None, format="jsonl", output=None, **options):
        if start and end and end < start:
            raise CommandError("--to is before --from.")
        audit.record("audit.exported", summary=f"manage.py export_audit {start or '…'} – {end or '…'} {format}",
                     data={"from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
                           "format": format, "via": "manage.py"})
        rows = audit_export.period(start, end)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(audit_export.lines(rows, format))
            self.stderr.write(f"Wrote {rows.count()} entries to {output}")
        else:
            for line in audit_export.lines(rows, format):
                self.stdout.write(line, ending="")
