#!/usr/bin/env bash
# The local stack as one: up | down | status | clean.  `up` is idempotent; `down` stops only what
# `up` started (by pid file); `clean` also deletes the data in .local/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SERVICES=(mariadb clickhouse kafka)

case "${1:-}" in
  up)
    start=$SECONDS
    for s in "${SERVICES[@]}"; do "$HERE/$s.sh" start; done
    echo "local stack up in $((SECONDS - start))s"
    ;;
  down)
    # The app too, when make demo started it (by its pid file, like the services).
    for s in app kafka clickhouse mariadb; do "$HERE/$s.sh" stop; done
    ;;
  status)
    rc=0
    for s in "${SERVICES[@]}"; do "$HERE/$s.sh" status || rc=1; done
    exit $rc
    ;;
  clean)
    "$0" down
    source "$HERE/lib.sh"
    rm -rf "$LOCAL_DIR/mariadb" "$LOCAL_DIR/clickhouse" "$LOCAL_DIR/kafka/data" "$LOCAL_DIR/kafka/server.properties" "$LOCAL_DIR/app"
    echo "local data deleted (downloaded Kafka jars kept in $LOCAL_DIR/kafka)"
    ;;
  *) echo "usage: $0 up|down|status|clean" >&2; exit 2 ;;
esac
