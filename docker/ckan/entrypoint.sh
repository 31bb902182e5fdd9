#!/bin/bash
# Entrypoint of every container built from docker/ckan/Dockerfile (web, harvest consumers, jobs worker, scheduler).
#
# ckan.ini is baked into the image; the per-deployment values that CKAN cannot take from the environment by itself
# are written into it here, before any `ckan` command runs:
#   - ckan.plugins from the image's copy of config/plugins.ini, the one home of the plugin list (the Dockerfile puts
#     it in $APP_DIR), with ckanext-envvars last; it is exported as CKAN__PLUGINS too, which the official image's
#     prerun.py writes into ckan.ini again in the web container (with nothing in it, it would load no plugin);
#   - SECRET_KEY from CKAN___SECRET_KEY: ckan.ini derives WTF_CSRF_SECRET_KEY and the API-token JWT secrets from it
#     by interpolation, so it must be in the file (ckanext-envvars sets it too late for that), identical in every
#     container and stable across container re-creation. A set SECRET_KEY also stops start_ckan.sh from generating a
#     random one per container, which would invalidate every API token at each re-deploy.
# Connection settings (CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL, CKAN_REDIS_URL, CKAN_SITE_URL, CKAN_DATASTORE_*_URL,
# CKAN_STORAGE_PATH, ...) are read from the environment by CKAN core and need nothing here.
set -euo pipefail

CKAN_INI="${CKAN_INI:-/srv/app/ckan.ini}"

fail() {
    echo "[tangerang-entrypoint] $*" >&2
    exit 64
}

secret="${CKAN___SECRET_KEY:-}"
[[ ${#secret} -ge 32 ]] || fail "CKAN___SECRET_KEY must be at least 32 characters: set CKAN_SECRET_KEY in .env"
[[ "$secret" != *change-me* ]] || fail "CKAN_SECRET_KEY still holds the .env.example placeholder"
# configparser would read '%' as the start of an interpolation
[[ "$secret" != *%* ]] || fail "CKAN_SECRET_KEY must not contain '%' (generate it with: openssl rand -hex 32)"
for url in "${CKAN_SQLALCHEMY_URL:-}" "${CKAN_DATASTORE_WRITE_URL:-}" "${CKAN_DATASTORE_READ_URL:-}" "${CKAN_REDIS_URL:-}"; do
    [[ "$url" != *change-me* ]] || fail "a password in .env still holds its .env.example placeholder"
done

# One indented plugin name a line (config/plugins.ini says so); ckanext-envvars must be the last plugin so that the
# CKAN__*/CKANEXT__* variables override every other plugin.
plugins_ini="${APP_DIR:-/srv/app}/plugins.ini"
[[ -r "$plugins_ini" ]] || fail "$plugins_ini is missing: the image carries config/plugins.ini there (Dockerfile)"
plugins=$(sed -n 's/^[[:space:]]\{1,\}\([A-Za-z0-9_-]\{1,\}\)[[:space:]]*$/\1/p' "$plugins_ini" | paste -sd ' ')
[[ -n "$plugins" ]] || fail "no plugin in $plugins_ini (the image's copy of config/plugins.ini)"
export CKAN__PLUGINS="${plugins} envvars"

ckan config-tool "$CKAN_INI" "ckan.plugins = ${CKAN__PLUGINS}" "SECRET_KEY = ${secret}" >/dev/null

exec "$@"
