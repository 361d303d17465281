"""`manage.py migrate` connects with MIGRATION_DATABASE_URL when it is set (portal/management/commands/migrate.py);
the whole path, as PostgreSQL roles, runs in .ci/run's step "PostgreSQL roles"."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.mark.django_db
def test_without_a_migration_url_migrate_uses_the_default_connection(settings):
    assert not getattr(settings, "MIGRATION_DATABASE", None)
    out = io.StringIO()
    call_command("migrate", "--check", stdout=out)  # nothing unapplied, and no switch of credentials
    assert "MIGRATION_DATABASE_URL" not in out.getvalue()


@pytest.mark.django_db
def test_a_migration_url_for_another_kind_of_database_is_refused_before_anything_changes(settings):
    other = "django.db.backends.sqlite3" if connection.vendor == "postgresql" else "django.db.backends.postgresql"
    before = dict(connection.settings_dict)
    settings.MIGRATION_DATABASE = {"ENGINE": other, "NAME": "x", "USER": "owner"}
    with pytest.raises(CommandError, match="same kind of database"):
        call_command("migrate", "--check", stdout=io.StringIO())
    assert dict(connection.settings_dict) == before
