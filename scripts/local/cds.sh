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
# It runs once per build and JVM (target/app/stamp says which jar and java it was made for), one
# preparation at a time (a lock), and a training that fails is not tried again for the same jar.
# Without an archive the app starts from the packaged jar, as before.
#
# Usage: cds.sh prepare                  extract and train unless target/app was made from this jar and java
#        cds.sh args [--jar-alone]       the java arguments that start the app, one per line: the extracted
#                                        jar with its archive when prepared for this jar and java, else the jar
SERVICE=cds
source "$(dirname "$0")/lib.sh"

DIR=$ROOT_DIR/target/app
ARCHIVE=$DIR/app.jsa
STAMP=$DIR/stamp

# The newest packaged jar (after a version change without a clean, the old one may still be there).
packaged() {
  local jar; jar=$(ls -t "$ROOT_DIR"/target/order-analytics-pipeline-*.jar 2>/dev/null | head -n 1)
  [ -n "$jar" ] || die "no jar in target/: run make build"
  echo "$jar"
}

# What an archive is good for: this jar (size, time to the nanosecond) and this java (path, time).
made_for() {
  local java; java=$(readlink -f "$(command -v java)")
  printf '%s %s %s\n' "$(stat -c '%s %.9Y' "$1")" "$java" "$(stat -c '%.9Y' "$java")"
}

prepare() {
  local jar app target started
  jar=$(packaged)
  mkdir -p "$ROOT_DIR/target"
  # One preparation at a time (make build beside make bench): the second waits, then finds it done.
  exec 9>"$ROOT_DIR/target/app.lock"
  flock 9
  target=$(made_for "$jar")
  if [ -f "$STAMP" ] && [ "$(cut -d' ' -f1-4 "$STAMP")" = "$target" ]; then
    return 0
  fi
  app=$DIR/$(basename "$jar")
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if ! java -Djarmode=tools -jar "$jar" extract --force --destination "$DIR" >"$DIR/extract.log" 2>&1; then
    echo "$target failed" >"$STAMP"
    say "no class archive (could not extract $jar; read $DIR/extract.log): the app starts from the jar"
    return 0
  fi
  say "training start for the class archive (once per build; log $DIR/training.log)"
  started=$SECONDS
  # Port 0: the training start never collides with an app that already runs. Port 1 is closed: it
  # reaches no service, so it changes nothing anywhere. -k: a JVM stuck on its way out is killed.
  if SERVER_PORT=0 OUTBOX_RELAY_ENABLED=false TRANSFORMER_ENABLED=false SINK_MODE=off \
      SPRING_FLYWAY_ENABLED=false CLICKHOUSE_INIT_SCHEMA=false MYSQL_HOST=127.0.0.1 MYSQL_PORT=1 \
      CLICKHOUSE_HOST=127.0.0.1 CLICKHOUSE_HTTP_PORT=1 KAFKA_BROKERS=127.0.0.1:1 \
      timeout --foreground -k 15 180 java -Xmx768m -XX:ArchiveClassesAtExit="$ARCHIVE" \
      -Dspring.context.exit=onRefresh -jar "$app" >"$DIR/training.log" 2>&1 && [ -s "$ARCHIVE" ]; then
    echo "$target ok" >"$STAMP"
    say "class archive ready in $((SECONDS - started)) s: $ARCHIVE"
  else
    rm -f "$ARCHIVE"
    echo "$target failed" >"$STAMP"
    say "no class archive (the training start failed; read $DIR/training.log): the app starts from the jar"
  fi
}

args() {
  local jar; jar=$(packaged)
  if [ "${1:-}" != --jar-alone ] && [ -s "$ARCHIVE" ] && [ -f "$STAMP" ] \
      && [ "$(cat "$STAMP")" = "$(made_for "$jar") ok" ]; then
    printf '%s\n' "-XX:SharedArchiveFile=$ARCHIVE" -jar "$DIR/$(basename "$jar")"
  else
    printf '%s\n' -jar "$jar"
  fi
}

case "${1:-}" in
  prepare) prepare ;;
  args) args "${2:-}" ;;
  *) echo "usage: $0 prepare | args [--jar-alone]" >&2; exit 2 ;;
esac
