#!/usr/bin/env bash
# make bench: the four stage benchmarks and the restart (io.orderpipeline.bench.Bench) on a stack of their own
# (scripts/local/own-stack.sh), so benchmark rows never reach the stack you demo or reconcile.
# Usage: scripts/bench/bench.sh [intake] [relay] [e2e] [sink] [restart]      (all five when none is named)
# Knobs (environment): BENCH_REPS, BENCH_CONCURRENCY, BENCH_INTAKE_SECONDS, BENCH_RELAY_EVENTS,
# BENCH_E2E_RATE, BENCH_E2E_SECONDS, BENCH_E2E_REPS, BENCH_OVERLOAD_RATE (2 x the e2e rate), BENCH_OVERLOAD_SECONDS
# (30; 0: no overload stage), BENCH_SINK_ROWS, BENCH_JFR=1 (profile each app run).
set -euo pipefail
cd "$(dirname "$0")/../.."

export MYSQL_PORT=${BENCH_MYSQL_PORT:-3316}
export CLICKHOUSE_HTTP_PORT=${BENCH_CLICKHOUSE_HTTP_PORT:-8133}
export CLICKHOUSE_TCP_PORT=${BENCH_CLICKHOUSE_TCP_PORT:-9010}
export KAFKA_PORT=${BENCH_KAFKA_PORT:-9192}
export KAFKA_CONTROLLER_PORT=${BENCH_KAFKA_CONTROLLER_PORT:-9193}
export SERVER_PORT=${BENCH_SERVER_PORT:-8090}

# Nothing from an earlier run may pass for this one's.
rm -f target/bench/results.* target/bench/*.png target/bench/*.jfr target/bench/*.log
exec scripts/local/own-stack.sh bench io.orderpipeline.bench.Bench -Xmx1500m "$@"
