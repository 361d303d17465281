"""`manage.py check --deploy --database default`: on PostgreSQL the portal must not connect as a superuser or as
the owner of the audit log (docs/security.md, "Audit"), or the log's protection rests on the application alone."""

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database, deploy=True)
def app_role_is_restricted(app_configs=None, databases=None, **kwargs):
    problems = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, pg_has_role(current_user, c.relowner, 'MEMBER') FROM pg_roles, pg_class c "
                           "WHERE rolname = current_user AND c.oid = to_regclass('portal_auditentry')")
            row = cursor.fetchone()
        if row is None:
            continue
        superuser, owner = row
        if superuser or owner:
            problems.append(checks.Warning(
                f"The portal connects to database '{alias}' as {'a superuser' if superuser else 'the owner of the audit log'}: "
                "it could change or empty the audit log.",
                hint="Connect as the app role of deploy/postgres/roles.sql (DATABASE_URL) and run the migrations "
                     "as the owner (MIGRATION_DATABASE_URL).",
                id="portal.W010"))
    return problems
