-- requires: 22.2
-- Retried inserts recognised in the table and in every view (a current ClickHouse; 18.16 has no
-- such thing, and there the view keeper repairs what a partial or doubled insert leaves).
-- The sink inserts each block under an insert_deduplication_token made of its topic, partition and
-- offset range, with deduplicate_blocks_in_dependent_materialized_views=1. A plain MergeTree keeps
-- no memory of blocks unless given a window: with one on the table and on each view's own table, a
-- block tried again is dropped where it arrived before and added where it did not (a view that
-- failed while the table took it). 10,000 blocks is about 1,600 sink batches: far more than a retry
-- or a restart can be behind. The windows cost a few kilobytes of hashes per table.
ALTER TABLE analytics.orders_analytics MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE {inner:analytics.daily_sales_mv} MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE {inner:analytics.hourly_sales_mv} MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE {inner:analytics.order_status_mv} MODIFY SETTING non_replicated_deduplication_window = 10000;
