# Shared helpers for the local stack scripts: paths, logging, pid files, ports, waiting.
# shellcheck shell=bash
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=env.sh
source "$ROOT_DIR/scripts/local/env.sh"
LOCAL_DIR=${LOCAL_DIR:-$ROOT_DIR/.local}

say()  { printf '%-11s %s\n' "[$SERVICE]" "$*"; }
die()  { printf '%-11s ERROR: %s\n' "[$SERVICE]" "$*" >&2; exit 1; }

# Debian packages are installed on first use, so a fresh machine needs no manual step.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (Debian packages)"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | grep -q .; then
    $sudo apt-get update -qq
  fi
  local log; log=$(mktemp)
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    # A stale package list is the usual cause: refresh it once and try again.
    $sudo apt-get update -qq >>"$log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 \
      || die "could not install ${missing[*]} with apt-get; read $log"
  fi
  rm -f "$log"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid file holds the pid of the process this project started; nothing else is ever signalled.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

fail_if_port_taken() {
  local port=$1
  if port_open "$port"; then
    die "port $port is already taken by another process (not started by this project). Stop it, or set the port variable in scripts/local/env.sh."
  fi
}

# wait_until SECONDS LOGFILE DESCRIPTION COMMAND...: polls COMMAND until it succeeds or time runs out.
wait_until() {
  local timeout=$1 log=$2 what=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ -n "${PIDFILE:-}" ] && ! pid_alive "$PIDFILE"; then
      die "$what: the process exited during start-up; read $log"
    fi
    [ $SECONDS -lt $deadline ] || die "$what: not ready after ${timeout}s; read $log"
    sleep 0.25
  done
}

stop_by_pidfile() {
  local pidfile=$1 grace=${2:-30}
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"; say "not running"; return 0
  fi
  local pid; pid=$(cat "$pidfile")
  kill "$pid"
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then say "did not stop in ${grace}s, sending SIGKILL"; kill -9 "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$pidfile"
  say "stopped (pid $pid)"
}

# SIGKILL, as a crash would: no shutdown, whatever the process was doing is cut off.
kill_by_pidfile() {
  local pidfile=$1
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"; say "not running"; return 0
  fi
  local pid; pid=$(cat "$pidfile")
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$pidfile"
  say "killed (pid $pid)"
}

status_line() {
  local pidfile=$1 detail=$2
  if pid_alive "$pidfile"; then
    local rss; rss=$(awk '/VmRSS/ {printf "%d MiB", $2/1024}' "/proc/$(cat "$pidfile")/status" 2>/dev/null || echo "?")
    say "running, pid $(cat "$pidfile"), RSS $rss, $detail"
  else
    say "stopped"; return 1
  fi
}
