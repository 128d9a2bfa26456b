#!/usr/bin/env bash
# Runs Prometheus's promtool with the given arguments, e.g.
#   scripts/prometheus/promtool.sh check rules prometheus/rules/*.yml
#   scripts/prometheus/promtool.sh test rules prometheus/rules/tests/*.yml
#
# promtool comes from Debian's prometheus package, downloaded (not installed: no service, no
# root needed when apt's package lists are present) and unpacked into .local/prometheus/ on first
# use. PROMTOOL=/path/to/promtool uses another one instead.
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEST=${LOCAL_DIR:-$ROOT_DIR/.local}/prometheus
PROMTOOL=${PROMTOOL:-$DEST/usr/bin/promtool}

die() { printf '[promtool] ERROR: %s\n' "$*" >&2; exit 1; }

if [ ! -x "$PROMTOOL" ]; then
  [ "$PROMTOOL" = "$DEST/usr/bin/promtool" ] || die "PROMTOOL=$PROMTOOL is not an executable"
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
    || die "needs apt-get and dpkg-deb (Debian/Ubuntu); elsewhere install promtool and set PROMTOOL"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  log="$tmp/apt.log"
  printf '[promtool] downloading Debian package prometheus into %s\n' "$DEST"
  # apt-get download writes into the current directory; apt warns that its _apt user cannot
  # write there and downloads as the caller instead, which is what is wanted here.
  if ! (cd "$tmp" && apt-get download -q prometheus) >"$log" 2>&1; then
    # No package lists yet (fresh container): fetch them once, as install would.
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >>"$log" 2>&1 || true
    (cd "$tmp" && apt-get download -q prometheus) >>"$log" 2>&1 || { cat "$log" >&2; die "apt-get download prometheus failed"; }
  fi
  mkdir -p "$DEST"
  # Only the promtool binary: the server binary beside it in the package is not needed.
  dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$DEST" ./usr/bin/promtool
  "$PROMTOOL" --version 2>&1 | head -n 1 | sed 's/^/[promtool] /'
fi

exec "$PROMTOOL" "$@"
