#!/usr/bin/env bash
# What the relay adds to an event's journey: inserts up to 1,000 outbox rows/s straight into MySQL
# (20 every 20 ms: finer than the relay's 100 ms tick, so the rows meet it at every phase) for N
# seconds while the app runs, then prints percentiles of
# processed_at - created_at (processed_at is written after Kafka acknowledged the event).
# Usage: scripts/bench/relay-latency.sh [SECONDS]   (make relay-latency)
# The probe rows are minimal seed-style OrderCreated events for made-up orders: run it on a
# scratch stack, not on one whose numbers you reconcile.
set -euo pipefail
source "$(dirname "$0")/../local/env.sh"
N=${1:-20}
TAG=lat-$(date +%s)
end=$((SECONDS + N))
while [ $SECONDS -lt $end ]; do
  echo "INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) SELECT CONCAT('$TAG-', seq), 'Order', 'OrderCreated', JSON_OBJECT('orderId', CONCAT('$TAG-', seq), 'userId', 'u', 'totalAmount', 1.00, 'status', 'PENDING') FROM seq_1_to_20;"
  sleep 0.02
done | MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mariadb --no-defaults -h "$MYSQL_HOST" -P "$MYSQL_PORT" -uroot "$MYSQL_DATABASE"
sleep 2
MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mariadb --no-defaults -h "$MYSQL_HOST" -P "$MYSQL_PORT" -uroot "$MYSQL_DATABASE" -e "
SELECT COUNT(*) AS events, ROUND(COUNT(*)/$N) AS per_s,
  MAX(p50) AS p50_ms, MAX(p99) AS p99_ms, MAX(mx) AS max_ms FROM (
  SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ms) OVER () AS p50,
         PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY ms) OVER () AS p99,
         MAX(ms) OVER () AS mx
  FROM (SELECT TIMESTAMPDIFF(MICROSECOND, created_at, processed_at)/1000 AS ms FROM outbox WHERE aggregate_id LIKE '$TAG-%' AND processed = 1) d) x;
SELECT COUNT(*) AS not_processed FROM outbox WHERE aggregate_id LIKE '$TAG-%' AND processed = 0;"
