#!/usr/bin/env bash
# The app in the background against the local stack (for make demo): log and pid in .local/app.
# Usage: app.sh start|stop|status
SERVICE=app
source "$(dirname "$0")/lib.sh"

DIR=$LOCAL_DIR/app
PIDFILE=$DIR/app.pid
LOG=$DIR/app.log
: "${SERVER_PORT:=8080}"

healthy() { curl -fsS --max-time 3 "http://127.0.0.1:$SERVER_PORT/actuator/health" | grep -q '"status":"UP"'; }

start() {
  mkdir -p "$DIR"
  if pid_alive "$PIDFILE"; then
    status_line "$PIDFILE" "http://localhost:$SERVER_PORT"; return 0
  fi
  fail_if_port_taken "$SERVER_PORT"
  # The extracted jar and its AOT cache or class archive start in a third to half the time
  # (scripts/local/cds.sh, which also picks the java and gives the heap).
  "$ROOT_DIR/scripts/local/cds.sh" prepare
  local words launch
  words=$("$ROOT_DIR/scripts/local/cds.sh" launch)
  mapfile -t launch <<<"$words"
  nohup "${launch[@]}" >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  wait_until 120 "$LOG" "the app on port $SERVER_PORT" healthy
  say "ready on http://localhost:$SERVER_PORT (pid $(cat "$PIDFILE")), log $LOG"
}

case "${1:-}" in
  start) start ;;
  stop) stop_by_pidfile "$PIDFILE" 90 ;;
  status) status_line "$PIDFILE" "http://localhost:$SERVER_PORT, log $LOG" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
