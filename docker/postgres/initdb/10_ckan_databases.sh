#!/bin/sh
# Runs once, when the postgres image initialises an empty data volume (files in /docker-entrypoint-initdb.d), as the
# superuser POSTGRES_USER. Creates:
#   - CKAN_DB_USER, owner of the CKAN database CKAN_DB and of the DataStore database DATASTORE_DB (it is also the
#     DataStore write user);
#   - DATASTORE_READONLY_USER, which may connect to DATASTORE_DB only; its SELECT rights on DataStore tables are
#     granted by `ckan datastore set-permissions`, which the web container runs at every start.
# Nothing here runs again on an existing volume: change passwords with ALTER ROLE (see docs/deployment.md).
set -e

: "${CKAN_DB_USER:?}" "${CKAN_DB_PASSWORD:?}" "${CKAN_DB:?}"
: "${DATASTORE_DB:?}" "${DATASTORE_READONLY_USER:?}" "${DATASTORE_READONLY_PASSWORD:?}"

# Values are passed as psql variables and quoted by psql (:'var' literal, :"var" identifier), never spliced into SQL.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v ckan_user="$CKAN_DB_USER" -v ckan_password="$CKAN_DB_PASSWORD" -v ckan_db="$CKAN_DB" \
    -v ds_db="$DATASTORE_DB" -v ro_user="$DATASTORE_READONLY_USER" -v ro_password="$DATASTORE_READONLY_PASSWORD" \
    <<'SQL'
CREATE ROLE :"ckan_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'ckan_password';
CREATE ROLE :"ro_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'ro_password';

CREATE DATABASE :"ckan_db" OWNER :"ckan_user" ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE :"ds_db" OWNER :"ckan_user" ENCODING 'UTF8' TEMPLATE template0;

-- Only the roles that need a database may connect to it
REVOKE ALL ON DATABASE :"ckan_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"ds_db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"ckan_db" TO :"ckan_user";
GRANT CONNECT, TEMPORARY ON DATABASE :"ds_db" TO :"ckan_user";
GRANT CONNECT ON DATABASE :"ds_db" TO :"ro_user";
SQL

# The read-only role must never write, whatever the grants on a table say
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v ro_user="$DATASTORE_READONLY_USER" <<'SQL'
ALTER ROLE :"ro_user" SET default_transaction_read_only = on;
SQL
