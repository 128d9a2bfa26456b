-- Orders and the transactional outbox. scripts/init-mysql.sql holds the same schema for
-- docker-compose's MySQL; MysqlSchemaIT fails when the two drift apart.
-- Times are DATETIME(6) in UTC (the server and every session run in UTC): no 2038 limit, no
-- conversion by a session's time zone.

CREATE TABLE IF NOT EXISTS orders (
    id               CHAR(36)      NOT NULL,
    user_id          VARCHAR(64)   NOT NULL,
    total_amount     DECIMAL(12,2) NOT NULL,
    currency         CHAR(3)       NOT NULL DEFAULT 'USD',
    status           VARCHAR(16)   NOT NULL DEFAULT 'PENDING',
    shipping_address VARCHAR(500)  NULL,
    -- A client's Idempotency-Key and a hash of the request it came with: a retry with the same
    -- key finds the first order; the same key with another body is refused.
    idempotency_key  VARCHAR(128)  NULL,
    request_hash     CHAR(64)      NULL,
    created_at       DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uk_orders_idempotency_key (idempotency_key),
    -- A user's history, newest first, paged by (created_at, id).
    KEY idx_orders_user_created (user_id, created_at, id),
    -- All orders, newest first, when no user is given.
    KEY idx_orders_created (created_at, id),
    KEY idx_orders_status_created (status, created_at),
    CONSTRAINT chk_orders_status CHECK (status IN ('PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
    CONSTRAINT chk_orders_amount CHECK (total_amount > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per event to publish. The columns a Debezium outbox event router reads are all here
-- (event_id, aggregate_type, aggregate_id, event_type, payload, created_at), so moving the relay to
-- CDC is configuration only. A legacy writer may insert just aggregate_id, aggregate_type,
-- event_type and payload: every other column has a default.
CREATE TABLE IF NOT EXISTS outbox (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    event_id       CHAR(36)        NOT NULL DEFAULT (UUID()),
    aggregate_type VARCHAR(64)     NOT NULL,
    aggregate_id   VARCHAR(64)     NOT NULL,
    event_type     VARCHAR(64)     NOT NULL,
    payload        JSON            NOT NULL,
    processed      BOOLEAN         NOT NULL DEFAULT FALSE,
    attempts       INT             NOT NULL DEFAULT 0,
    last_error     VARCHAR(2000)   NULL,
    -- A row whose publication failed waits until then (exponential backoff with jitter).
    next_attempt_at DATETIME(6)    NULL,
    -- Set when the row went to the dead-letter topic after its attempts; processed is then TRUE
    -- as well and last_error says why. `make outbox-requeue` publishes such rows again.
    failed_at      DATETIME(6)     NULL,
    created_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    processed_at   DATETIME(6)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_outbox_event_id (event_id),
    -- Pending rows in id order without touching the millions already processed.
    KEY idx_outbox_pending (processed, id),
    -- Retention: processed rows older than a cut-off, oldest first.
    KEY idx_outbox_processed_at (processed_at),
    KEY idx_outbox_failed (failed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
