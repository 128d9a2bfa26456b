-- ClickHouse schema of the analytics side. Idempotent (IF NOT EXISTS throughout) and written for the
-- common ground of Debian's ClickHouse 18.16 and a current ClickHouse: no DateTime64, TTL,
-- LowCardinality or JSONExtract. Applied by `make init-db`, by docker-compose's ClickHouse on first
-- start, and by the app at start. Every object is qualified with its database on purpose.

CREATE DATABASE IF NOT EXISTS analytics;

-- One row per order event (OrderCreated, OrderStatusChanged). The order's own fields are a snapshot
-- taken when the event happened; created_at is always the order's creation time, so that every
-- aggregate below counts an order on the day and hour it was placed.
-- event_time_ms / ingested_ms: when the change was committed and when its row reached ClickHouse,
-- in milliseconds (18.16 has no DateTime64): the pipeline's freshness and end-to-end latency.
-- kafka_partition/kafka_offset: which record of analytics.orders a row came from (the Camel sink
-- sets them; other writers such as Kafka Connect leave -1). ClickHouse 18.16 does not apply DEFAULT
-- expressions to fields a JSONEachRow insert omits (it writes 0 or ''), so the sink sends every column.
CREATE TABLE IF NOT EXISTS analytics.orders_analytics
(
    event_id         UUID,
    event_type       String,
    order_id         String,
    user_id          String,
    total_amount     Decimal(18, 2),
    currency         String DEFAULT 'USD',
    status           String,
    previous_status  String DEFAULT '',
    created_at       DateTime,
    event_time       DateTime,
    event_time_ms    UInt64 DEFAULT toUInt64(event_time) * 1000,
    ingested_ms      UInt64 DEFAULT toUInt64(now()) * 1000,
    kafka_partition  Int32 DEFAULT -1,
    kafka_offset     Int64 DEFAULT -1
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(event_time)
ORDER BY (event_time, order_id, event_id);

-- Orders and gross revenue per day of creation. Only OrderCreated counts, so a later status change
-- (a cancellation included) neither adds nor removes an order here. SummingMergeTree merges rows
-- in the background: read it with sum() ... GROUP BY, never the raw rows.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.daily_sales_mv
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(order_date)
ORDER BY order_date
AS SELECT
    toDate(created_at)  AS order_date,
    count()             AS order_count,
    sum(total_amount)   AS total_revenue
FROM analytics.orders_analytics
WHERE event_type = 'OrderCreated'
GROUP BY order_date;

-- The same per hour of creation.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.hourly_sales_mv
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(order_hour)
ORDER BY order_hour
AS SELECT
    toStartOfHour(created_at) AS order_hour,
    count()                   AS order_count,
    sum(total_amount)         AS total_revenue
FROM analytics.orders_analytics
WHERE event_type = 'OrderCreated'
GROUP BY order_hour;

-- Current status distribution by day of creation. Every event adds +1 to its new status and a
-- status change adds -1 to the previous one, so sum(order_count) per status equals the number of
-- orders in that status right now. arrayJoin turns one event into one row per status it touches;
-- the element equal to previous_status is the one that left. (orders_analytics.status names the
-- column, not the alias of the same name; 18.16 accepts no other spelling of this view.)
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.order_status_mv
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(order_date)
ORDER BY (order_date, status)
AS SELECT
    toDate(created_at) AS order_date,
    arrayJoin(arrayFilter(s -> s != '', [orders_analytics.status, previous_status])) AS status,
    sum(if(status = previous_status, -1, 1)) AS order_count
FROM analytics.orders_analytics
GROUP BY order_date, status;
