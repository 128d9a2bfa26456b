-- What an operator decided about a record on a dead-letter topic (the dead-letter console):
-- requeued (sent again to the topic it came from) or discarded. Kafka cannot delete one record, so
-- the console lists the records that have no row here; the primary key lets one decision win when
-- two operators act on the same record at once. (Dead-lettered outbox rows keep their state in the
-- outbox itself.)
CREATE TABLE IF NOT EXISTS dead_letter_decisions (
    topic        VARCHAR(249) NOT NULL,
    partition_no INT          NOT NULL,
    offset_no    BIGINT       NOT NULL,
    action       VARCHAR(16)  NOT NULL,
    decided_by   VARCHAR(128) NOT NULL,
    decided_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (topic, partition_no, offset_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
