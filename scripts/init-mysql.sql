-- MySQL schema for docker-compose's MySQL (mounted into /docker-entrypoint-initdb.d, which runs it
-- in the MYSQL_DATABASE database) and for `make init-db`.
--
-- The app's Flyway migrations (src/main/resources/db/migration) are the source of truth; this file
-- is their concatenation, written by `make init-mysql-sql`. MysqlSchemaIT builds one database from
-- each and fails when they differ. The app's Flyway takes a database made from this file as its
-- baseline (spring.flyway.baseline-version) and applies only later migrations.

-- ---- V1__orders_and_outbox.sql ----
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
    created_at       DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    -- A user's history, newest first, paged by (created_at, id).
    KEY idx_orders_user_created (user_id, created_at, id),
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
    created_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    processed_at   DATETIME(6)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_outbox_event_id (event_id),
    -- Pending rows in id order without touching the millions already processed.
    KEY idx_outbox_pending (processed, id),
    -- Retention: processed rows older than a cut-off, oldest first.
    KEY idx_outbox_processed_at (processed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
