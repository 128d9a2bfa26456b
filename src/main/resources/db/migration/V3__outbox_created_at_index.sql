-- Reconciliation compares MySQL with ClickHouse as of a moment both have passed; for an order
-- changed after that moment, its status then is the previousStatus of its first outbox event from
-- that moment on. This index finds those few recent events without reading the table.
SET @add_created_at_index = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
        AND table_name = 'outbox' AND index_name = 'idx_outbox_created_at'), 'DO 0',
    'CREATE INDEX idx_outbox_created_at ON outbox (created_at)');
PREPARE add_created_at_index FROM @add_created_at_index;
EXECUTE add_created_at_index;
DEALLOCATE PREPARE add_created_at_index;
