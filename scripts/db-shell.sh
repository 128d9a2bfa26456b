#!/usr/bin/env bash
# SQL shells for the local stack or docker-compose: interactive on a terminal; with SQL on standard
# input, runs it and prints tab-separated rows without headers, so scripts can use them.
# Usage: db-shell.sh mysql|clickhouse   (STACK=local|compose, default local; SHELL_DATABASE=other
# database for the ClickHouse shell, which starts in analytics)
set -euo pipefail
ROOT_DIR=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT_DIR/scripts/local/env.sh"
STACK=${STACK:-local}
COMPOSE=${COMPOSE:-docker compose}
tty=no; [ -t 0 ] && tty=yes

case "$1:$STACK" in
  mysql:local)
    opts=(); [ $tty = no ] && opts=(--batch --skip-column-names)
    MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mariadb --no-defaults --protocol=tcp -h "$MYSQL_HOST" -P "$MYSQL_PORT" \
      -u root "${opts[@]}" "$MYSQL_DATABASE" ;;
  mysql:compose)
    opts=""; [ $tty = no ] && opts="--batch --skip-column-names"
    exec $COMPOSE exec $([ $tty = no ] && echo -T) mysql \
      sh -c "MYSQL_PWD=\"\$MYSQL_ROOT_PASSWORD\" mysql -uroot $opts \"\$MYSQL_DATABASE\"" ;;
  clickhouse:local)
    opts=(); [ $tty = no ] && opts=(--multiquery --format TabSeparated)
    exec clickhouse-client --host "$CLICKHOUSE_HOST" --port "$CLICKHOUSE_TCP_PORT" --user "$CLICKHOUSE_USER" \
      --password "$CLICKHOUSE_PASSWORD" --database "${SHELL_DATABASE:-analytics}" "${opts[@]}" ;;
  clickhouse:compose)
    opts=""; [ $tty = no ] && opts="--multiquery --format TabSeparated"
    exec $COMPOSE exec $([ $tty = no ] && echo -T) clickhouse \
      sh -c "clickhouse-client --user \"\$CLICKHOUSE_USER\" --password \"\$CLICKHOUSE_PASSWORD\" --database ${SHELL_DATABASE:-analytics} $opts" ;;
  *) echo "usage: STACK=local|compose $0 mysql|clickhouse" >&2; exit 2 ;;
esac
