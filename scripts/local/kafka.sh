#!/usr/bin/env bash
# A single-node KRaft Kafka broker built from Maven Central jars: lib, config, data and log in .local/kafka.
# Usage: kafka.sh start|stop|status|topics|tool CLASS ARGS...
SERVICE=kafka
source "$(dirname "$0")/lib.sh"

DIR=$LOCAL_DIR/kafka
# The lib folder is named after the pom and version, so a change to either gathers the jars anew.
LIB=$DIR/lib-$KAFKA_VERSION-$(cat "$ROOT_DIR/scripts/kafka/pom.xml" | md5sum | cut -c1-8)
PIDFILE=$DIR/kafka.pid
LOG=$DIR/server.log
BOOTSTRAP=127.0.0.1:$KAFKA_PORT

ensure_jars() {
  [ -f "$LIB/.complete" ] && return 0
  say "gathering Kafka $KAFKA_VERSION jars from Maven Central into $LIB"
  local mvn=mvn; [ -x "$ROOT_DIR/mvnw" ] && mvn="$ROOT_DIR/mvnw"
  "$mvn" -q -B -f "$ROOT_DIR/scripts/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$LIB" >"$DIR/fetch.log" 2>&1 \
    || die "could not fetch the Kafka jars; read $DIR/fetch.log"
  touch "$LIB/.complete"
}

# Runs one of Kafka's command-line tools (TopicCommand, ConsumerGroupCommand, ...) from the same jars.
tool() {
  local cls=$1; shift
  java -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$ROOT_DIR/scripts/kafka/log4j2.xml" \
    -Dkafka.root.level=WARN -cp "$LIB/*" "$cls" "$@"
}

broker_answers() { tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list; }

create_topics() {
  local topic partitions
  while read -r topic partitions; do
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
      --topic "$topic" --partitions "$partitions" --replication-factor 1 >/dev/null \
      || die "could not create topic $topic; read $LOG"
  done <<TOPICS
order.events $ORDER_EVENTS_PARTITIONS
analytics.orders $ANALYTICS_ORDERS_PARTITIONS
order.events.dlq $DLQ_PARTITIONS
analytics.orders.dlq $DLQ_PARTITIONS
TOPICS
  say "topics: order.events ($ORDER_EVENTS_PARTITIONS partitions), analytics.orders ($ANALYTICS_ORDERS_PARTITIONS), order.events.dlq and analytics.orders.dlq ($DLQ_PARTITIONS)"
}

start() {
  command -v java >/dev/null || die "java is not installed"
  mkdir -p "$DIR"
  ensure_jars
  if pid_alive "$PIDFILE"; then
    status_line "$PIDFILE" "port $KAFKA_PORT"; return 0
  fi
  fail_if_port_taken "$KAFKA_PORT"
  fail_if_port_taken "$KAFKA_CONTROLLER_PORT"
  sed -e "s#@DIR@#$DIR#g" -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
    "$ROOT_DIR/scripts/kafka/server.properties" >"$DIR/server.properties"
  if [ ! -f "$DIR/data/meta.properties" ]; then
    local cluster_id; cluster_id=$(tool kafka.tools.StorageTool random-uuid)
    tool kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" --standalone \
      >"$DIR/format.log" 2>&1 || die "formatting the KRaft storage failed; read $DIR/format.log"
    say "formatted KRaft storage (cluster $cluster_id)"
  fi
  # shellcheck disable=SC2086
  nohup java $KAFKA_HEAP -XX:+UseG1GC -Dlog4j2.configurationFile="$ROOT_DIR/scripts/kafka/log4j2.xml" \
    -cp "$LIB/*" kafka.Kafka "$DIR/server.properties" >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  wait_until "$START_TIMEOUT_SECONDS" "$LOG" "Kafka on port $KAFKA_PORT" port_open "$KAFKA_PORT"
  wait_until "$START_TIMEOUT_SECONDS" "$LOG" "Kafka on port $KAFKA_PORT" broker_answers
  create_topics
  say "ready on $BOOTSTRAP, log $LOG"
}

case "${1:-}" in
  start) start ;;
  stop) stop_by_pidfile "$PIDFILE" 60 ;;
  status) status_line "$PIDFILE" "port $KAFKA_PORT, log $LOG" ;;
  topics) ensure_jars; tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --describe ;;
  tool) shift; ensure_jars; tool "$@" ;;
  *) echo "usage: $0 start|stop|status|topics|tool CLASS ARGS..." >&2; exit 2 ;;
esac
