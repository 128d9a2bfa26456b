#!/usr/bin/env bash
# A private ClickHouse server (Debian's package): config, data and logs in .local/clickhouse.
# Usage: clickhouse.sh start|stop|kill|status   (kill: SIGKILL, as a crash; make chaos uses it)
SERVICE=clickhouse
source "$(dirname "$0")/lib.sh"

DIR=$LOCAL_DIR/clickhouse
PIDFILE=$DIR/clickhouse-server.pid
LOG=$DIR/log/clickhouse-server.log
ERRLOG=$DIR/log/clickhouse-server.err.log

http_ping() { [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/ping")" = "Ok." ]; }

write_config() {
  mkdir -p "$DIR"/{data,tmp,user_files,format_schemas,log}
  # Written on every start so a changed port or password in the environment takes effect.
  sed -e "s#@DIR@#$DIR#g" -e "s#@HTTP_PORT@#$CLICKHOUSE_HTTP_PORT#g" -e "s#@TCP_PORT@#$CLICKHOUSE_TCP_PORT#g" \
    "$ROOT_DIR/scripts/clickhouse/config.xml" >"$DIR/config.xml"
  sed -e "s#@ADMIN_USER@#$CLICKHOUSE_USER#g" -e "s#@ADMIN_PASSWORD@#$CLICKHOUSE_PASSWORD#g" \
    -e "s#@APP_USER@#$CLICKHOUSE_APP_USER#g" -e "s#@APP_PASSWORD@#$CLICKHOUSE_APP_PASSWORD#g" \
    "$ROOT_DIR/scripts/clickhouse/users.xml" >"$DIR/users.xml"
  chmod 600 "$DIR/users.xml"
}

start() {
  ensure_packages clickhouse-server clickhouse-client curl
  if pid_alive "$PIDFILE"; then
    status_line "$PIDFILE" "ports $CLICKHOUSE_HTTP_PORT/$CLICKHOUSE_TCP_PORT"; return 0
  fi
  fail_if_port_taken "$CLICKHOUSE_HTTP_PORT"
  fail_if_port_taken "$CLICKHOUSE_TCP_PORT"
  write_config
  pushd "$DIR" >/dev/null
  TZ=UTC nohup /usr/sbin/clickhouse-server --config-file="$DIR/config.xml" >>"$DIR/log/stdout.log" 2>&1 &
  echo $! >"$PIDFILE"
  popd >/dev/null
  wait_until "$START_TIMEOUT_SECONDS" "$ERRLOG" "ClickHouse on port $CLICKHOUSE_HTTP_PORT" http_ping
  say "ready on 127.0.0.1:$CLICKHOUSE_HTTP_PORT (HTTP) and :$CLICKHOUSE_TCP_PORT (native), user $CLICKHOUSE_USER, log $LOG"
}

case "${1:-}" in
  start) start ;;
  stop) stop_by_pidfile "$PIDFILE" 60 ;;
  kill) kill_by_pidfile "$PIDFILE" ;;
  status) status_line "$PIDFILE" "ports $CLICKHOUSE_HTTP_PORT/$CLICKHOUSE_TCP_PORT, log $LOG" ;;
  *) echo "usage: $0 start|stop|kill|status" >&2; exit 2 ;;
esac
