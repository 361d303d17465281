"""`manage.py sweep_deadlines [--now ISO]`: one pass of the deadline sweep, synchronously."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from approvals.services.deadlines import sweep


class Command(BaseCommand):
    help = "Run one pass of the deadline sweep now (or as if it were --now)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO date-time to sweep as of, e.g. 2026-10-09T17:31+08:00")
        parser.add_argument("--no-relay", action="store_true", help="do not re-enqueue pending notifications")

    def handle(self, *args, now=None, no_relay=False, **options):
        moment = None
        if now is not None:  # an empty --now (an unset shell variable) must not mean "the real now"
            try:
                moment = datetime.fromisoformat(now.strip())
            except ValueError as exc:
                raise CommandError(f"--now must be an ISO date-time: {exc}") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        report = sweep(now=moment, relay=not no_relay)
        fired = ", ".join(f"{k}: {v}" for k, v in sorted(report.fired.items())) or "nothing"
        self.stdout.write(f"Fired {fired}; deemed accepted {report.deemed_accepted}; relayed "
                          f"{report.relayed} pending notifications; {report.failed} failed.")
