#!/usr/bin/env bash
# make bench: the four stage benchmarks (io.orderpipeline.bench.Bench) on a stack of their own:
# its own ports and data under .local/bench, created empty for each run and stopped afterwards, so
# benchmark rows never reach the stack you demo or reconcile.
# Usage: scripts/bench/bench.sh [intake] [relay] [e2e] [sink]      (all four when none is named)
# Knobs (environment): BENCH_REPS, BENCH_CONCURRENCY, BENCH_INTAKE_SECONDS, BENCH_RELAY_EVENTS,
# BENCH_E2E_RATE, BENCH_E2E_SECONDS, BENCH_E2E_REPS, BENCH_SINK_ROWS, BENCH_JFR=1 (profile each app run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

if scripts/local/stack.sh status >/dev/null 2>&1; then
  echo "note: the local stack (make local-up) is running too and shares the 2 cores: figures will be lower." >&2
fi

export LOCAL_DIR=$ROOT/.local/bench
export MYSQL_PORT=${BENCH_MYSQL_PORT:-3316}
export CLICKHOUSE_HTTP_PORT=${BENCH_CLICKHOUSE_HTTP_PORT:-8133}
export CLICKHOUSE_TCP_PORT=${BENCH_CLICKHOUSE_TCP_PORT:-9010}
export KAFKA_PORT=${BENCH_KAFKA_PORT:-9192}
export KAFKA_CONTROLLER_PORT=${BENCH_KAFKA_CONTROLLER_PORT:-9193}
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export SERVER_PORT=${BENCH_SERVER_PORT:-8090}

echo "building the app and the benchmark"
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt >/dev/null

# Nothing from an earlier run may pass for this one's.
rm -f target/bench/results.* target/bench/*.png target/bench/*.jfr target/bench/*.log
scripts/local/stack.sh clean >/dev/null
trap 'scripts/local/stack.sh down' EXIT
scripts/local/stack.sh up

java -Xmx1500m -Djava.awt.headless=true -Dlogback.configurationFile=scripts/bench/logback.xml -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.orderpipeline.bench.Bench "$@"
