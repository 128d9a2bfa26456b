#!/usr/bin/env bash
# Class data sharing for the packaged app, the way Spring Boot documents it for Java 17: the jar
# extracted into target/app (one jar per library: the JVM can map classes from those, not from the
# jars nested in the fat jar), and an archive of the classes a start loads, written by one training
# start that exits as soon as the context has refreshed (-Dspring.context.exit=onRefresh). Started
# with the archive, the JVM maps those classes instead of reading, parsing and verifying them again:
# a restart takes about 11 s instead of 16-20 s here (make bench BENCH=restart measures both).
#
# The training start needs the services (Flyway migrates MySQL, the ClickHouse schema is checked),
# so the scripts that start the app run it once the stack is up, and again only after a new build.
# The archive is only an accelerator: one that does not match the jars (a rebuild not prepared yet,
# another JDK) is refused by the JVM with a warning line and the app starts as without it.
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
  # Port 0: the training start never collides with an app that already runs. Its relay, transformer
  # and sink stay off: the archive needs their classes, not their work.
  if SERVER_PORT=0 OUTBOX_RELAY_ENABLED=false TRANSFORMER_ENABLED=false SINK_MODE=off \
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
