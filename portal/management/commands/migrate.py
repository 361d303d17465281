"""`migrate` as the database's owner: with MIGRATION_DATABASE_URL set, the default connection is reopened with
those credentials for the run, so the app's own role (DATABASE_URL) needs no right to change the schema."""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

OWNER_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Connects with MIGRATION_DATABASE_URL (the owner's role) when it is set."

    def handle(self, *args, **options):
        owner = getattr(settings, "MIGRATION_DATABASE", None)
        if owner and options["database"] == "default":
            connection = connections["default"]
            if owner["ENGINE"] != connection.settings_dict["ENGINE"]:
                from django.core.management.base import CommandError

                raise CommandError("MIGRATION_DATABASE_URL must name the same kind of database as DATABASE_URL.")
            connection.close()
            if hasattr(connection, "close_pool"):
                connection.close_pool()
            connection.settings_dict.update({key: owner[key] for key in OWNER_KEYS if key in owner})
            if options["verbosity"] >= 1:
                self.stdout.write(f"Migrating as {owner.get('USER') or 'the default user'} (MIGRATION_DATABASE_URL)")
        return super().handle(*args, **options)
