"""Load the official holiday schedules from chinesecalendar: `manage.py load_calendar [--year 2026 ...]`."""

from django.core.management.base import BaseCommand, CommandError

from approvals.calendar.seeding import covered_years, load_from_chinesecalendar


class Command(BaseCommand):
    help = (
        "Load every year chinesecalendar covers into the working-day calendar (idempotent; days edited by "
        "administrators are kept). --year reloads one year (repeatable)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", metavar="YEAR",
                            help="Only this year (may be given several times).")

    def handle(self, *args, years=None, **options):
        try:
            report = load_from_chinesecalendar(years=years)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        covered = covered_years()
        self.stdout.write(self.style.SUCCESS(f"Calendar loaded: {report}"))
        if years is None:
            self.stdout.write(f"chinesecalendar covers {covered[0]}..{covered[-1]}; later years fall back to "
                              "Monday-Friday until they are published.")
        return None
