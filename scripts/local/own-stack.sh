#!/usr/bin/env bash
# Runs a test-scope harness (make bench, make chaos) against a stack of its own: data under
# .local/NAME, created empty for each run and stopped afterwards, on the ports the caller exported
# (MYSQL_PORT, CLICKHOUSE_HTTP_PORT, CLICKHOUSE_TCP_PORT, KAFKA_PORT, KAFKA_CONTROLLER_PORT, SERVER_PORT).
# Usage: own-stack.sh NAME MAIN-CLASS HEAP [ARGS...]
set -euo pipefail
NAME=$1 MAIN=$2 HEAP=$3; shift 3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

if scripts/local/stack.sh status >/dev/null 2>&1; then
  echo "note: the local stack (make local-up) is running too and shares the cores." >&2
fi

export LOCAL_DIR=$ROOT/.local/$NAME
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT

echo "building the app and the $NAME harness"
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="target/$NAME/classpath.txt" >/dev/null
# The harness starts the app as make demo does: from the extracted jar with its class archive.
scripts/local/cds.sh prepare

scripts/local/stack.sh clean >/dev/null
trap 'scripts/local/stack.sh down' EXIT
scripts/local/stack.sh up

java "$HEAP" -Djava.awt.headless=true -Dlogback.configurationFile=scripts/bench/logback.xml \
  -cp "target/test-classes:target/classes:$(cat "target/$NAME/classpath.txt")" "$MAIN" "$@"
