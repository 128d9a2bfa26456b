#!/usr/bin/env bash
# Class data sharing for the packaged app, the way Spring Boot documents it for Java 17: the jar
# extracted into target/app (one jar per library: the JVM can map classes from those, not from the
# jars nested in the fat jar), and an archive of the classes a start loads, written by one training
# start that exits as soon as the context has refreshed (-Dspring.context.exit=onRefresh). Started
# with the archive, the JVM maps those classes instead of reading, parsing and verifying them again:
# a killed app is healthy again in about 8 s instead of 16 (make bench BENCH=restart measures both).
#
# The training start needs no service: its database, Kafka and ClickHouse addresses point at a
# closed port, Flyway and the ClickHouse schema check are off, and so are the relay, transformer
# and sink; what it loads is the context itself (the Dockerfile trains the same way, at image build).
# It runs once per build. The archive is only an accelerator: one that does not match the jars (a
# rebuild not prepared yet, another JDK) is refused by the JVM with a warning line, and the app
# starts as it would without one.
#
# Usage: cds.sh prepare   extract and train when the jar is newer than what target/app holds
#        cds.sh args      the java arguments that start the app, one per line (with the archive when there is one)
SERVICE=cds
source "$(dirname "$0")/lib.sh"

DIR=$ROOT_DIR/target/app
ARCHIVE=$DIR/app.jsa

packaged() {
  local jar; jar=$(ls "$ROOT_DIR"/target/order-analytics-pipeline-*.jar 2>/dev/null | head -n 1)
  [ -n "$jar" ] || die "no jar in target/: run make build"
  echo "$jar"
}

prepare() {
  local jar app started
  jar=$(packaged)
  app=$DIR/$(basename "$jar")
  if [ ! -f "$app" ] || [ "$jar" -nt "$app" ]; then
    rm -rf "$DIR"
    java -Djarmode=tools -jar "$jar" extract --destination "$DIR" >/dev/null || die "could not extract $jar"
  fi
  if [ -f "$ARCHIVE" ] && [ "$ARCHIVE" -nt "$app" ]; then
    return 0
  fi
  say "training start for the class archive (once per build; log $DIR/training.log)"
  started=$SECONDS
  rm -f "$ARCHIVE" "$ARCHIVE.tmp"
  # Port 0: the training start never collides with an app that already runs. Port 1 is closed: it
  # reaches no service, so it changes nothing anywhere.
  if SERVER_PORT=0 OUTBOX_RELAY_ENABLED=false TRANSFORMER_ENABLED=false SINK_MODE=off \
      SPRING_FLYWAY_ENABLED=false CLICKHOUSE_INIT_SCHEMA=false MYSQL_HOST=127.0.0.1 MYSQL_PORT=1 \
      CLICKHOUSE_HOST=127.0.0.1 CLICKHOUSE_HTTP_PORT=1 KAFKA_BROKERS=127.0.0.1:1 \
      timeout 180 java -Xmx768m -XX:ArchiveClassesAtExit="$ARCHIVE.tmp" -Dspring.context.exit=onRefresh \
      -jar "$app" >"$DIR/training.log" 2>&1 && [ -s "$ARCHIVE.tmp" ]; then
    mv "$ARCHIVE.tmp" "$ARCHIVE"
    say "class archive ready in $((SECONDS - started)) s: $ARCHIVE"
  else
    rm -f "$ARCHIVE.tmp"
    say "no class archive (the training start failed; read $DIR/training.log): the app starts without one"
  fi
}

args() {
  local jar app
  jar=$(packaged)
  app=$DIR/$(basename "$jar")
  if [ -f "$ARCHIVE" ] && [ -f "$app" ] && [ ! "$jar" -nt "$app" ]; then
    printf '%s\n' "-XX:SharedArchiveFile=$ARCHIVE" -jar "$app"
  else
    printf '%s\n' -jar "$jar"
  fi
}

case "${1:-}" in
  prepare) prepare ;;
  args) args ;;
  *) echo "usage: $0 prepare|args" >&2; exit 2 ;;
esac
