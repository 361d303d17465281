#!/bin/sh
# docker-compose's db service runs this once, on an empty data volume (docker-entrypoint-initdb.d): the owner
# role (migrations), the app role (the portal) and the database, by deploy/postgres/roles.sql.
set -eu
psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v dbname="$PORTAL_DB" \
    -v owner=portal_owner -v owner_password="$PORTAL_OWNER_PASSWORD" \
    -v app=portal -v app_password="$PORTAL_APP_PASSWORD" \
    -f /portal-postgres/roles.sql
