# Defaults for the local stack and the app. Every value can be overridden from the environment;
# docker-compose reads the same names from .env, and application.yml the same names again.
# shellcheck shell=bash

: "${MYSQL_HOST:=127.0.0.1}"
: "${MYSQL_PORT:=3306}"
: "${MYSQL_DATABASE:=ecommerce}"
: "${MYSQL_ROOT_PASSWORD:=password}"    # the seed guide's root password
: "${MYSQL_USER:=app}"
: "${MYSQL_PASSWORD:=app123}"

: "${CLICKHOUSE_HOST:=127.0.0.1}"
: "${CLICKHOUSE_HTTP_PORT:=8123}"
: "${CLICKHOUSE_TCP_PORT:=9000}"
: "${CLICKHOUSE_USER:=admin}"            # the seed guide's ClickHouse login
: "${CLICKHOUSE_PASSWORD:=test123}"
: "${CLICKHOUSE_APP_USER:=pipeline}"     # the app's login: the analytics database only
: "${CLICKHOUSE_APP_PASSWORD:=pipeline123}"

: "${KAFKA_PORT:=9092}"
: "${KAFKA_CONTROLLER_PORT:=9093}"
: "${KAFKA_VERSION:=4.1.1}"
: "${KAFKA_HEAP:=-Xms256m -Xmx1g}"

# Partition counts: the relay keys by order id, so more partitions mean more parallel consumers
# downstream while each order stays in order. Dead-letter topics are low volume.
: "${ORDER_EVENTS_PARTITIONS:=6}"
: "${ANALYTICS_ORDERS_PARTITIONS:=6}"
: "${DLQ_PARTITIONS:=1}"

# How long each service may take to answer before start-up is declared failed.
: "${START_TIMEOUT_SECONDS:=60}"

export MYSQL_HOST MYSQL_PORT MYSQL_DATABASE MYSQL_ROOT_PASSWORD MYSQL_USER MYSQL_PASSWORD \
  CLICKHOUSE_HOST CLICKHOUSE_HTTP_PORT CLICKHOUSE_TCP_PORT CLICKHOUSE_USER CLICKHOUSE_PASSWORD CLICKHOUSE_APP_USER CLICKHOUSE_APP_PASSWORD \
  KAFKA_PORT KAFKA_CONTROLLER_PORT ORDER_EVENTS_PARTITIONS ANALYTICS_ORDERS_PARTITIONS DLQ_PARTITIONS
