"""Refresh the aggregate tables of the supervision figures: `manage.py refresh_metrics` recomputes the days
touched since the last refresh, `--full` rebuilds them all (docs/metrics.md#aggregates)."""

from django.core.management.base import BaseCommand

from approvals import aggregates


class Command(BaseCommand):
    help = "Refresh the aggregate tables of the supervision figures (--full: rebuild them all)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every day, not only the days touched")

    def handle(self, *args, full=False, **options):
        done = aggregates.refresh(full=full)
        self.stdout.write(f"{'full rebuild' if done.full else 'refreshed'}: {done.first_day} .. {done.last_day}, "
                          f"{done.rows} rows, finished at {done.finished_at.isoformat()}")
