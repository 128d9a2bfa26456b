#!/bin/bash
# docker-compose's ClickHouse entrypoint: writes the app's and Grafana's logins to users.d, then runs
# the image's own entrypoint. A users.xml element name cannot come from the environment, so the
# names (CLICKHOUSE_APP_USER, CLICKHOUSE_GRAFANA_USER) are put into the templates here, at every
# start, as the image's entrypoint does for CLICKHOUSE_USER; passwords stay from_env.
set -euo pipefail

names=("${CLICKHOUSE_USER:-default}")
render() { # template, variable holding the user name
    local template=$1 var=$2 name=${!2:-} n
    if [[ ! $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
        echo "$0: $var='$name' is not a valid user name (letters, digits, _)" >&2; exit 1
    fi
    # Two logins of one name would be merged into one user with both sets of rights.
    for n in "${names[@]}" default; do
        if [ "$name" = "$n" ]; then echo "$0: $var='$name' is already a user here" >&2; exit 1; fi
    done
    names+=("$name")
    sed "s/@USER@/$name/g" "$template" > "/etc/clickhouse-server/users.d/$(basename "$template")"
}
render /opt/compose/app-user.xml CLICKHOUSE_APP_USER
render /opt/compose/grafana-user.xml CLICKHOUSE_GRAFANA_USER

exec /entrypoint.sh "$@"
