#!/usr/bin/env bash
# A quick start for the packaged app: the jar extracted into target/app (one jar per library: the
# JVM can map classes from those, not from the jars nested in the fat jar), and a cache of what a
# start loads, written by one training start that exits as soon as the context has refreshed
# (-Dspring.context.exit=onRefresh). Started with it, the JVM maps those classes instead of reading,
# parsing and verifying them again.
# - On Java 25 or later: the JDK's AOT cache (JEP 483, 514, 515: classes loaded and linked, and the
#   method profiles of the training), -XX:AOTCacheOutput / -XX:AOTCache. A killed app is healthy
#   again in about 5 s.
# - On Java 17 to 24: a dynamic class-data-sharing archive, as Spring Boot documents it for Java 17
#   (-XX:ArchiveClassesAtExit / -XX:SharedArchiveFile): about 8 s.
# - Without either (no archive could be made): the packaged jar, about 15 s.
# The app runs on APP_JAVA when set; else on the java on the PATH, unless that is older than 25 and
# a Java 25 or later is installed under /usr/lib/jvm (Debian's and Temurin's place), which it then
# prefers for the AOT cache. make build, make bench, make chaos and make demo all start it this way.
#
# The training start needs no service: its database, Kafka and ClickHouse addresses point at a
# closed port, Flyway and the ClickHouse schema check are off, and so are the relay, transformer
# and sink; what it loads is the context itself (the Dockerfile trains the same way, at image build).
# It runs once per build and JVM (target/app/stamp says which jar and java it was made for), one
# preparation at a time (a lock), and a training that fails is not tried again for the same jar.
#
# Usage: cds.sh prepare                  extract and train unless target/app was made from this jar and java
#        cds.sh launch [--jar-alone]     the command that starts the app, one word per line: the java,
#                                        its heap, then the extracted jar with its cache when
#                                        prepared for this jar and java, else the packaged jar
#                                        (always, on the PATH's java, with --jar-alone)
SERVICE=cds
source "$(dirname "$0")/lib.sh"

DIR=$ROOT_DIR/target/app
STAMP=$DIR/stamp

# The newest packaged jar (after a version change without a clean, the old one may still be there).
packaged() {
  local jar; jar=$(ls -t "$ROOT_DIR"/target/order-analytics-pipeline-*.jar 2>/dev/null | head -n 1)
  [ -n "$jar" ] || die "no jar in target/: run make build"
  echo "$jar"
}

# The major version of a java ("1.8.0_412" reads 1, "17.0.15" 17, "25" 25): from the JDK's release
# file (no JVM started, so asking costs nothing at each start), else from java -version.
feature() {
  local release; release=$(dirname "$(dirname "$1")")/release
  { [ -f "$release" ] && sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"; } | grep . \
    || "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1 || true
}

path_java() { readlink -f "$(command -v java)"; }

# The java the app runs on (see the top of this file), as a real path.
app_java() {
  local java candidate best="" best_feature=0 f
  if [ -n "${APP_JAVA:-}" ]; then
    java=$(command -v "$APP_JAVA") || die "APP_JAVA=$APP_JAVA is not a command"
    readlink -f "$java"; return
  fi
  java=$(path_java) || die "java is not installed"
  f=$(feature "$java")
  if [ "${f:-0}" -ge 25 ]; then
    echo "$java"; return
  fi
  for candidate in /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    f=$(feature "$candidate")
    if [ "${f:-0}" -ge 25 ] && [ "$f" -gt "$best_feature" ]; then
      best=$(readlink -f "$candidate"); best_feature=$f
    fi
  done
  echo "${best:-$java}"
}

# The cache a java makes: an AOT cache from 25 on, a class-data-sharing archive before.
cache_file() {
  if [ "$(feature "$1")" -ge 25 ] 2>/dev/null; then echo "$DIR/app.aot"; else echo "$DIR/app.jsa"; fi
}

# What a cache is good for: this jar (size, time to the nanosecond) and this java (path, time).
made_for() {
  printf '%s %s %s\n' "$(stat -c '%s %.9Y' "$1")" "$2" "$(stat -c '%.9Y' "$2")"
}

# The app's heap, at every start and at the training: fixed. G1 keeps a heap that may grow as small
# as its GC-time goal (about 8% of the time in GC) allows, and on two cores that share was the
# stages' (README, Benchmarks: "A fixed heap").
HEAP_FLAGS=(-Xms768m -Xmx768m)
# The flags that write a cache (train) or use it (start). -XX:AOTCacheOutput makes the JVM assemble
# the cache in a second process once the training exits. jdk.jfr is in the cache's module graph:
# -XX:StartFlightRecording adds it, and a start whose modules differ from the training's cannot use
# the cache at all.
cache_flags() {
  case "$1:${2##*.}" in
    train:aot) printf '%s\n' "-XX:AOTCacheOutput=$2" --add-modules=jdk.jfr ;;
    start:aot) printf '%s\n' "-XX:AOTCache=$2" --add-modules=jdk.jfr ;;
    train:jsa) printf '%s\n' "-XX:ArchiveClassesAtExit=$2" ;;
    start:jsa) printf '%s\n' "-XX:SharedArchiveFile=$2" ;;
  esac
}

prepare() {
  local jar java cache app target started
  jar=$(packaged)
  java=$(app_java)
  cache=$(cache_file "$java")
  mkdir -p "$ROOT_DIR/target"
  # One preparation at a time (make build beside make bench): the second waits, then finds it done.
  exec 9>"$ROOT_DIR/target/app.lock"
  flock 9
  target=$(made_for "$jar" "$java")
  if [ -f "$STAMP" ] && [ "$(cut -d' ' -f1-4 "$STAMP")" = "$target" ]; then
    return 0
  fi
  app=$DIR/$(basename "$jar")
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if ! "$java" -Djarmode=tools -jar "$jar" extract --force --destination "$DIR" >"$DIR/extract.log" 2>&1; then
    echo "$target failed" >"$STAMP"
    say "no cache (could not extract $jar; read $DIR/extract.log): the app starts from the jar"
    return 0
  fi
  say "training start for $(basename "$cache") on $java (once per build; log $DIR/training.log)"
  started=$SECONDS
  # Port 0: the training start never collides with an app that already runs. Port 1 is closed: it
  # reaches no service, so it changes nothing anywhere. -k: a JVM stuck on its way out is killed.
  if SERVER_PORT=0 OUTBOX_RELAY_ENABLED=false TRANSFORMER_ENABLED=false SINK_MODE=off \
      SPRING_FLYWAY_ENABLED=false CLICKHOUSE_INIT_SCHEMA=false MYSQL_HOST=127.0.0.1 MYSQL_PORT=1 \
      CLICKHOUSE_HOST=127.0.0.1 CLICKHOUSE_HTTP_PORT=1 KAFKA_BROKERS=127.0.0.1:1 \
      timeout --foreground -k 15 180 "$java" "${HEAP_FLAGS[@]}" $(cache_flags train "$cache") \
      -Dspring.context.exit=onRefresh -jar "$app" >"$DIR/training.log" 2>&1 && [ -s "$cache" ]; then
    echo "$target ok" >"$STAMP"
    say "ready in $((SECONDS - started)) s: $cache"
  else
    rm -f "$cache"
    echo "$target failed" >"$STAMP"
    say "no cache (the training start failed; read $DIR/training.log): the app starts from the jar"
  fi
}

launch() {
  local jar java cache
  jar=$(packaged)
  if [ "${1:-}" = --jar-alone ]; then
    path_java
    printf '%s\n' "${HEAP_FLAGS[@]}" -jar "$jar"
    return
  fi
  java=$(app_java)
  cache=$(cache_file "$java")
  echo "$java"
  printf '%s\n' "${HEAP_FLAGS[@]}"
  if [ -s "$cache" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(made_for "$jar" "$java") ok" ]; then
    cache_flags start "$cache"
    printf '%s\n' -jar "$DIR/$(basename "$jar")"
  else
    printf '%s\n' -jar "$jar"
  fi
}

case "${1:-}" in
  prepare) prepare ;;
  launch) launch "${2:-}" ;;
  *) echo "usage: $0 prepare | launch [--jar-alone]" >&2; exit 2 ;;
esac
