#!/usr/bin/env bash
# make chaos: the reliability suite (io.orderpipeline.chaos.Chaos) on a stack of its own
# (scripts/local/own-stack.sh). Services are stopped and started during the run with the same
# scripts as make local-up.
# Usage: scripts/chaos/chaos.sh [--short] [scenario ...]
#   scenarios: hostile poison kafka clickhouse clickhouse-kill mariadb app-kill two-instances (all by default)
#   --short: shorter traffic and outages, one kill (what make test runs)
set -euo pipefail
cd "$(dirname "$0")/../.."

export MYSQL_PORT=${CHAOS_MYSQL_PORT:-3326}
export CLICKHOUSE_HTTP_PORT=${CHAOS_CLICKHOUSE_HTTP_PORT:-8143}
export CLICKHOUSE_TCP_PORT=${CHAOS_CLICKHOUSE_TCP_PORT:-9020}
export KAFKA_PORT=${CHAOS_KAFKA_PORT:-9202}
export KAFKA_CONTROLLER_PORT=${CHAOS_KAFKA_CONTROLLER_PORT:-9203}
export SERVER_PORT=${CHAOS_SERVER_PORT:-8095}

exec scripts/local/own-stack.sh chaos io.orderpipeline.chaos.Chaos -Xmx512m "$@"
