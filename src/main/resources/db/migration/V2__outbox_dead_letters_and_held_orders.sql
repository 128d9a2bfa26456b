-- Dead letters that hold their order back. When an event goes to order.events.dlq, the later
-- events of its order must not overtake it: the order is held (a row here) and the relay skips its
-- pending events until an operator requeues the dead letter (`make outbox-requeue`: it goes out
-- again, first) or discards it (`make outbox-discard`: the order's later events flow without it).

-- Set when an operator gave a dead-lettered row up; such rows are then removed by retention.
-- (Written so that running it twice is harmless, as `make init-db` may: MySQL 8 has no
-- ADD COLUMN IF NOT EXISTS.)
SET @add_discarded_at = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
        AND table_name = 'outbox' AND column_name = 'discarded_at'), 'DO 0',
    'ALTER TABLE outbox ADD COLUMN discarded_at DATETIME(6) NULL AFTER failed_at');
PREPARE add_discarded_at FROM @add_discarded_at;
EXECUTE add_discarded_at;
DEALLOCATE PREPARE add_discarded_at;

-- One row per held order: which dead letter holds it, since when and why.
CREATE TABLE IF NOT EXISTS outbox_held_orders (
    aggregate_type VARCHAR(64)     NOT NULL,
    aggregate_id   VARCHAR(64)     NOT NULL,
    outbox_id      BIGINT UNSIGNED NOT NULL,
    reason         VARCHAR(2000)   NOT NULL,
    held_at        DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (aggregate_type, aggregate_id),
    KEY idx_outbox_held_outbox_id (outbox_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
