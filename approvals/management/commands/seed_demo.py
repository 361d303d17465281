"""Load the demo district: catalog, packages, departments, enterprises and an account for every role.

Idempotent: running it again updates the same rows and keeps every TOTP secret. The demo password and the
TOTP secrets are printed on purpose (for testers); never load demo data into a production database.
"""

import json
import os
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from approvals.demo import extra_loaders
from approvals.demo.loading import load_demo


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the demo district (catalog, packages, departments, enterprises, one account per role) and "
        "print each demo account with its TOTP secret. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--accounts-json", metavar="PATH",
                            help="Write every demo account (username, password, role, enterprise, department, "
                                 "totp_secret) to PATH as JSON, for test tooling.")
        parser.add_argument("--quiet", action="store_true", help="Do not print the account table.")
        parser.add_argument("--skip-calendar", action="store_true",
                            help="Do not load the working-day calendar (load_calendar).")
        parser.add_argument("--allow-production", action="store_true",
                            help="Load demo accounts even under production settings (they have public "
                                 "passwords and TOTP secrets).")

    def handle(self, *args, **options):
        settings_module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if settings_module.endswith(".production") and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo accounts with public passwords and TOTP secrets under production "
                "settings. Pass --allow-production if this really is a demo installation."
            )

        result = load_demo()
        counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo district loaded: {counts}."))

        if not options["skip_calendar"]:
            self._load_calendar()
        call_command("seals", "init", stdout=self.stdout, stderr=self.stderr)  # the departments' seals (idempotent)

        if not options["quiet"]:
            self._print_accounts(result.accounts)

        if options["accounts_json"]:
            path = Path(options["accounts_json"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps([a.as_json() for a in result.accounts], ensure_ascii=False, indent=2)
                            + "\n", encoding="utf-8")
            self.stdout.write(f"Accounts written to {path}.")

        for label, loader in extra_loaders():  # demo rows of the packages built on approvals (e.g. agents)
            counts = loader()
            self.stdout.write(f"{label}: {', '.join(f'{n} {what}' for what, n in counts.items())}.")

    def _load_calendar(self):
        if "load_calendar" not in get_commands():
            self.stdout.write(self.style.WARNING(
                "The load_calendar command is not available yet: the working-day calendar was not loaded."
            ))
            return
        call_command("load_calendar", stdout=self.stdout, stderr=self.stderr)

    def _print_accounts(self, accounts):
        headers = ("role", "username", "password", "TOTP secret (base32)", "name")
        rows = [(a.role, a.username, a.password, a.totp_secret or "-", a.full_name) for a in accounts]
        widths = [max(_width(r[i]) for r in (headers, *rows)) for i in range(len(headers))]

        def line(cells):
            return "  ".join(_pad(c, w) for c, w in zip(cells, widths)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts (one password for all; staff roles need "
                                                     "the TOTP code as second factor):"))
        self.stdout.write(line(headers))
        self.stdout.write(line(["-" * w for w in widths]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Authenticator URIs (paste or render as QR code):"))
        for a in accounts:
            if a.otpauth_uri:
                self.stdout.write(f"{a.username}: {a.otpauth_uri}")
