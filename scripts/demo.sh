#!/usr/bin/env bash
# make demo: the whole pipeline on this machine in one command. Starts the local stack and the app
# (installing what is missing), sends sample traffic, waits until ClickHouse agrees with MySQL, and
# prints where to look. Everything keeps running until `make local-down`.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DEMO_RATE:=50}"
: "${DEMO_SECONDS:=30}"
start=$SECONDS

echo "== 1/5 local stack (MariaDB, ClickHouse, Kafka)"
scripts/local/stack.sh up

echo "== 2/5 build"
if [ -z "$(ls target/order-analytics-pipeline-*.jar 2>/dev/null)" ] || [ -n "$(find src routes pom.xml -newer "$(ls target/order-analytics-pipeline-*.jar | head -n 1)" -type f 2>/dev/null | head -n 1)" ]; then
  ./mvnw -q -B -DskipTests package
fi
echo "jar: $(ls target/order-analytics-pipeline-*.jar | head -n 1)"

echo "== 3/5 app"
scripts/local/app.sh start

echo "== 4/5 sample traffic: $DEMO_RATE requests/s for $DEMO_SECONDS s (new orders and status changes)"
make -s load RATE="$DEMO_RATE" DURATION="$DEMO_SECONDS" LOAD_ARGS=--json=target/demo-load.json

echo "== 5/5 reconciliation: MySQL beside ClickHouse"
deadline=$((SECONDS + 60))
until make -s reconcile >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || { make -s reconcile || true; echo "ClickHouse did not catch up within 60 s: see .local/app/app.log"; exit 1; }
  sleep 1
done
make -s reconcile 2>/dev/null

source scripts/local/env.sh
sent=$(python3 -c 'import json; d=json.load(open("target/demo-load.json")); print(d["ordersCreated"])')
in_mysql=$(echo "SELECT COUNT(*) FROM orders" | scripts/db-shell.sh mysql)
in_clickhouse=$(echo "SELECT sum(order_count) FROM daily_sales_mv" | scripts/db-shell.sh clickhouse)
freshness=$(curl -fsS localhost:8080/api/analytics/summary | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["freshnessMs"])')
cat <<TXT

Demo ready in $((SECONDS - start)) s.
  orders created by this run: $sent
  orders in MySQL:            $in_mysql
  orders in ClickHouse:       $in_clickhouse
  freshness:                  ${freshness} ms since the newest event in ClickHouse (traffic ended a few seconds ago)

Where to look:
  dashboard page  http://localhost:8080/
  order API       http://localhost:8080/api/orders?limit=20
  analytics API   http://localhost:8080/api/analytics/summary  (daily-sales, hourly-orders, status-distribution)
  API document    http://localhost:8080/api/openapi.json
  health          http://localhost:8080/actuator/health
  metrics         http://localhost:8080/actuator/prometheus
More traffic: make load RATE=100 DURATION=60.  Everything keeps running until: make local-down
TXT
