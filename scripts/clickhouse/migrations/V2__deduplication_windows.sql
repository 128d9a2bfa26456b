-- requires: 22.2
-- Retried inserts recognised in the table and in every view (a current ClickHouse; 18.16 has no
-- such thing, and there the view keeper repairs what a partial or doubled insert leaves).
-- The sink inserts each block under an insert_deduplication_token made of its topic, partition,
-- plan nonce and offset range, with deduplicate_blocks_in_dependent_materialized_views=1. A plain MergeTree keeps
-- no memory of blocks unless given a window: with one on the table and on each view's own table, a
-- block tried again is dropped where it arrived before and added where it did not (a view that
-- failed while the table took it). The window counts blocks per table: the sink writes one per
-- partition per batch, so at full speed (6 partitions, 10 batches a second) 100,000 blocks are
-- about half an hour, far more than a retry, a restart or an instance that lost its partitions can
-- be behind. The windows cost a few megabytes of hashes per table.
ALTER TABLE analytics.orders_analytics MODIFY SETTING non_replicated_deduplication_window = 100000;
ALTER TABLE {inner:analytics.daily_sales_mv} MODIFY SETTING non_replicated_deduplication_window = 100000;
ALTER TABLE {inner:analytics.hourly_sales_mv} MODIFY SETTING non_replicated_deduplication_window = 100000;
ALTER TABLE {inner:analytics.order_status_mv} MODIFY SETTING non_replicated_deduplication_window = 100000;
