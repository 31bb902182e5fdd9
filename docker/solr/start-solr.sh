#!/bin/bash
# Command of the solr service (official solr image, user solr). Installs the project's configset as the conf/ of
# the core SOLR_CORE under /var/solr/data (the solr_data volume), creating the core on first start, then runs Solr
# in the foreground.
#
# conf/ is replaced from the read-only mount at every start, so a schema or analysis change in
# solr/configsets/ckan/conf/ takes effect with `docker compose restart solr`; rebuild the index afterwards if the
# change affects indexing (`ckan search-index rebuild`, see docs/deployment.md). The index data is kept.
set -euo pipefail

core="${SOLR_CORE:-ckan}"
source_conf="${SOLR_CONFIGSET_DIR:-/opt/tangerang/solr/conf}"
core_dir="/var/solr/data/${core}"

if [[ ! -f "${source_conf}/solrconfig.xml" ]] || [[ ! -f "${source_conf}/schema.xml" && ! -f "${source_conf}/managed-schema.xml" ]]; then
    echo "[start-solr] ${source_conf} lacks solrconfig.xml or the schema: is solr/configsets/ckan/conf mounted?" >&2
    exit 1
fi

# Creates /var/solr/data and logs if the volume is empty (part of the official image's scripts)
init-var-solr

mkdir -p "${core_dir}"
rm -rf "${core_dir}/conf.new"
cp -R "${source_conf}" "${core_dir}/conf.new"
rm -rf "${core_dir}/conf"
mv "${core_dir}/conf.new" "${core_dir}/conf"
if [[ ! -f "${core_dir}/core.properties" ]]; then
    printf 'name=%s\n' "${core}" > "${core_dir}/core.properties"
    echo "[start-solr] created core ${core}"
fi

exec solr-fg
