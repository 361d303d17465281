"""PostgreSQL: the role the portal connects as cannot change, empty or unprotect the audit log
(deploy/postgres/roles.sql, grants.sql, portal/migrations/0006_audit_hash_chain.py)."""

import os
import shutil
import subprocess
import uuid
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from portal.models import AuditEntry
from portal.services import audit
from tests.factories.portal import UserFactory

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and privileges of PostgreSQL")]
DEPLOY = Path(settings.BASE_DIR) / "deploy" / "postgres"

FORBIDDEN = {
    "UPDATE": "UPDATE portal_auditentry SET summary = 'rewritten' WHERE id = {id}",
    "DELETE": "DELETE FROM portal_auditentry WHERE id = {id}",
    "TRUNCATE": "TRUNCATE portal_auditentry",
    "ALTER": "ALTER TABLE portal_auditentry ADD COLUMN note text",
    "DISABLE TRIGGER": "ALTER TABLE portal_auditentry DISABLE TRIGGER portal_auditentry_append_only",
    "DISABLE TRIGGER ALL": "ALTER TABLE portal_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER": "DROP TRIGGER portal_auditentry_append_only ON portal_auditentry",
    "DROP TABLE": "DROP TABLE portal_auditentry",
    "session_replication_role": "SET session_replication_role = replica",
    "REPLACE FUNCTION": "CREATE OR REPLACE FUNCTION portal_audit_append_only() RETURNS trigger AS $$ BEGIN "
                        "RETURN NEW; END; $$ LANGUAGE plpgsql",
}


def run_script(cursor, path: Path, variables: dict) -> None:
    """psql's subset used by grants.sql: :"name" and :'name' variables, `;` and `\\gexec`."""
    statement = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("--"):
            continue
        for name, value in variables.items():
            line = line.replace(f':"{name}"', '"' + value.replace('"', '""') + '"')
            line = line.replace(f":'{name}'", "'" + value.replace("'", "''") + "'")
        if line.strip() == r"\gexec":
            cursor.execute(" ".join(statement))
            for (generated,) in cursor.fetchall():
                cursor.execute(generated)
            statement = []
            continue
        statement.append(line)
        if line.rstrip().endswith(";"):
            cursor.execute(" ".join(statement))
            statement = []
    assert not statement, "grants.sql ends with an unterminated statement"


@pytest.fixture
def app_role():
    """A role like the portal's (created inside the test's transaction, so it disappears with it), given its
    rights by deploy/postgres/grants.sql."""
    name = f"portal_test_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS')
        run_script(cursor, DEPLOY / "grants.sql", {"app": name})
    return name


def privileges(role: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT p, has_table_privilege(%s, 'portal_auditentry', p) FROM unnest(ARRAY['SELECT', "
                       "'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p", [role])
        return dict(cursor.fetchall())


def test_the_app_role_may_only_insert_and_select_audit_entries(app_role):
    assert privileges(app_role) == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False,
                                    "TRUNCATE": False, "REFERENCES": False, "TRIGGER": False}
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        assert cursor.fetchone() == (False,)
        cursor.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'portal_auditentry'::regclass")
        assert cursor.fetchone()[0] != app_role


def test_the_app_role_cannot_change_empty_or_unprotect_the_audit_log(app_role):
    user = UserFactory()
    entry = audit.record("before", summary="kept")
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role}"')
        try:
            # What the portal does: append (advisory lock, sequence, INSERT) and read; normal rights elsewhere.
            appended = audit.record("as_app_role", actor=user, summary="appended")
            assert AuditEntry.objects.filter(pk=appended.pk).exists()
            cursor.execute("UPDATE portal_user SET full_name = 'renamed' WHERE id = %s", [user.pk])
            refused = []
            for what, sql in FORBIDDEN.items():
                try:
                    with transaction.atomic():
                        cursor.execute(sql.format(id=entry.pk))
                except DatabaseError:
                    refused.append(what)
            assert refused == list(FORBIDDEN)
        finally:
            cursor.execute("RESET ROLE")
    assert AuditEntry.objects.get(pk=entry.pk).summary == "kept"


def test_the_migration_takes_back_whatever_default_privileges_granted(app_role):
    """A role that got every right on the audit table (e.g. by `GRANT ALL ON ALL TABLES`) loses all but
    INSERT and SELECT when the hash-chain migration runs."""
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT ALL ON portal_auditentry TO "{app_role}", PUBLIC')
    # Every right, exactly: the migration below has something to take back (a GRANT that failed would leave
    # the rights as they were and the last assertion would pass without the migration doing anything).
    assert privileges(app_role) == dict.fromkeys(
        ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"], True)
    migration = import_module("portal.migrations.0006_audit_hash_chain")
    migration.restrict_privileges(None, type("Editor", (), {"connection": connection,
                                                            "execute": lambda self, sql, params=None:
                                                            connection.cursor().execute(sql)})())
    assert privileges(app_role) == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False,
                                    "TRUNCATE": False, "REFERENCES": False, "TRIGGER": False}


@pytest.mark.skipif(shutil.which("psql") is None, reason="needs PostgreSQL's psql client")
def test_roles_sql_creates_an_owner_and_an_app_role_that_is_neither_superuser_nor_owner():
    suffix = uuid.uuid4().hex[:8]
    names = {"dbname": f"portal_roles_{suffix}", "owner": f"portal_owner_{suffix}", "app": f"portal_app_{suffix}"}
    params = connection.settings_dict
    env = {**os.environ, "PGHOST": params["HOST"] or "", "PGPORT": str(params["PORT"] or 5432),
           "PGUSER": params["USER"] or "", "PGPASSWORD": params["PASSWORD"] or ""}
    variables = [f"{key}={value}" for key, value in names.items()] + ["owner_password=o-secret", "app_password=a-secret"]
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *sum((["-v", v] for v in variables), []),
               "-f", str(DEPLOY / "roles.sql"), "-d", "postgres"]

    def psql(sql, database="postgres"):
        return subprocess.run(["psql", "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql], env=env,
                              check=True, capture_output=True, text=True).stdout.strip()

    try:
        for _ in range(2):  # running it twice is harmless
            subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        assert psql(f"SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname "
                    f"IN ('{names['owner']}', '{names['app']}') ORDER BY rolname") == \
            f"{names['app']}|f|f|f|t\n{names['owner']}|f|f|f|t"
        assert psql(f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{names['dbname']}'") == \
            names["owner"]
        # A table the owner creates later (a migration) gives the app its normal rights by default.
        psql(f"SET ROLE {names['owner']}; CREATE TABLE later (id int)", names["dbname"])
        assert psql(f"SELECT has_table_privilege('{names['app']}', 'later', 'UPDATE'), "
                    f"has_table_privilege('{names['app']}', 'later', 'TRUNCATE')", names["dbname"]) == "t|f"
    finally:
        psql(f"DROP DATABASE IF EXISTS {names['dbname']}")
        psql(f"DROP ROLE IF EXISTS {names['app']}")
        psql(f"DROP ROLE IF EXISTS {names['owner']}")


def test_the_deploy_check_warns_when_the_portal_connects_as_superuser_or_owner(app_role):
    from portal.db_checks import app_role_is_restricted

    assert [w.id for w in app_role_is_restricted(databases=["default"])] == ["portal.W010"]  # the tests' superuser
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role}"')
        try:
            assert app_role_is_restricted(databases=["default"]) == []
        finally:
            cursor.execute("RESET ROLE")
