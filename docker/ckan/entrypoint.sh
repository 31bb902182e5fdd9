#!/bin/bash
# Entrypoint of every container built from docker/ckan/Dockerfile (web, harvest consumers, jobs worker, scheduler).
#
# ckan.ini is baked into the image; the per-deployment values that CKAN cannot take from the environment by itself
# are written into it here, before any `ckan` command runs:
#   - ckan.plugins from CKAN__PLUGINS: the official image's prerun.py only does this in the web container, but the
#     harvest consumers and the workers need the same plugins loaded;
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

[[ -n "${CKAN__PLUGINS:-}" ]] || fail "CKAN__PLUGINS is empty: set it in .env (see .env.example)"
secret="${CKAN___SECRET_KEY:-}"
[[ ${#secret} -ge 32 ]] || fail "CKAN___SECRET_KEY must be at least 32 characters: set CKAN_SECRET_KEY in .env"
[[ "$secret" != *change-me* ]] || fail "CKAN_SECRET_KEY still holds the .env.example placeholder"
# configparser would read '%' as the start of an interpolation
[[ "$secret" != *%* ]] || fail "CKAN_SECRET_KEY must not contain '%' (generate it with: openssl rand -hex 32)"
for url in "${CKAN_SQLALCHEMY_URL:-}" "${CKAN_DATASTORE_WRITE_URL:-}" "${CKAN_DATASTORE_READ_URL:-}" "${CKAN_REDIS_URL:-}"; do
    [[ "$url" != *change-me* ]] || fail "a password in .env still holds its .env.example placeholder"
done

# ckanext-envvars must be the last plugin so that the CKAN__*/CKANEXT__* variables override every other plugin
plugins=""
for plugin in ${CKAN__PLUGINS}; do
    [[ "$plugin" == "envvars" ]] || plugins+="${plugin} "
done
plugins+="envvars"

ckan config-tool "$CKAN_INI" "ckan.plugins = ${plugins}" "SECRET_KEY = ${secret}" >/dev/null

exec "$@"
