-- The app role's rights on the tables that exist now (docs/security.md, "Audit"). Run by the owner (or a
-- superuser) after `migrate`, e.g. when moving an existing database to the two roles:
--
--   psql -v ON_ERROR_STOP=1 -v app=portal -f deploy/postgres/grants.sql "$MIGRATION_DATABASE_URL"
--
-- Idempotent. On a fresh database (no tables yet) it only sets the schema's rights.

GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
-- The audit log: INSERT and SELECT, nothing else.
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON portal_auditentry FROM %I, PUBLIC', :'app')
WHERE to_regclass('public.portal_auditentry') IS NOT NULL
\gexec
