-- The portal's two PostgreSQL roles (docs/security.md, "Audit"). Run once, as a superuser:
--
--   psql -v ON_ERROR_STOP=1 -v dbname=portal -v owner=portal_owner -v owner_password='…' \
--        -v app=portal -v app_password='…' -f deploy/postgres/roles.sql postgres
--
--   owner  owns the database, its schema and every table; `manage.py migrate` connects as it
--          (MIGRATION_DATABASE_URL). Not a superuser.
--   app    what the portal connects as (DATABASE_URL): neither superuser nor owner. SELECT, INSERT, UPDATE and
--          DELETE on the tables, but only INSERT and SELECT on the audit log, so it cannot UPDATE, DELETE,
--          TRUNCATE, ALTER or DROP it, drop or disable its append-only trigger, or set session_replication_role.
--
-- Re-running it is harmless (passwords are reset to the given ones). After `migrate` on an existing database,
-- deploy/postgres/grants.sql (run by the owner) grants the app role its rights on tables that already exist;
-- tables created later get them from the default privileges set here.

SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner')
\gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app')
\gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';

SELECT format('CREATE DATABASE %I OWNER %I', :'dbname', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname')
\gexec
ALTER DATABASE :"dbname" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO :"app";

\connect :"dbname"
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- Tables and sequences the owner creates later (migrations): the app's normal rights. The audit table's
-- UPDATE, DELETE and TRUNCATE are taken away again by the migration that created its hash chain
-- (portal/migrations/0006_audit_hash_chain.py) and by grants.sql.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";

\ir grants.sql
