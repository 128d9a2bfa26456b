#!/usr/bin/env bash
# Installs the named Debian packages when missing. Usage: ensure-packages.sh PKG...
SERVICE=packages
source "$(dirname "$0")/lib.sh"
ensure_packages "$@"
