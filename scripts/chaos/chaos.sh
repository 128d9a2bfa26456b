#!/usr/bin/env bash
# make chaos: the reliability suite (io.orderpipeline.chaos.Chaos) on a stack of its own: own ports,
# own data under .local/chaos, created empty for each run and stopped afterwards. Services are
# stopped and started during the run with the same scripts as make local-up.
# Usage: scripts/chaos/chaos.sh [--short] [scenario ...]
#   scenarios: hostile poison kafka clickhouse mariadb app-kill two-instances (all by default)
#   --short: shorter traffic and outages, one kill (what make test runs)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

export LOCAL_DIR=$ROOT/.local/chaos
export MYSQL_PORT=${CHAOS_MYSQL_PORT:-3326}
export CLICKHOUSE_HTTP_PORT=${CHAOS_CLICKHOUSE_HTTP_PORT:-8143}
export CLICKHOUSE_TCP_PORT=${CHAOS_CLICKHOUSE_TCP_PORT:-9020}
export KAFKA_PORT=${CHAOS_KAFKA_PORT:-9202}
export KAFKA_CONTROLLER_PORT=${CHAOS_KAFKA_CONTROLLER_PORT:-9203}
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export SERVER_PORT=${CHAOS_SERVER_PORT:-8095}

echo "building the app and the suite"
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/chaos/classpath.txt >/dev/null

scripts/local/stack.sh clean >/dev/null
trap 'scripts/local/stack.sh down' EXIT
scripts/local/stack.sh up

java -Xmx512m -Dlogback.configurationFile=scripts/bench/logback.xml \
  -cp "target/test-classes:target/classes:$(cat target/chaos/classpath.txt)" io.orderpipeline.chaos.Chaos "$@"
