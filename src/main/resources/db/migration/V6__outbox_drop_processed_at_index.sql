-- The relay's mark writes processed_at on every row it publishes, and each write also moved the
-- row's entry in idx_outbox_processed_at: 35 against 26 ms per 5,000 rows without the index,
-- measured with the relay's own statements. Nothing reads through it since V5: retention reaches
-- old rows through created_at (sql/outbox/purge.sql), the claim through idx_outbox_pending.
--
-- Dropping an index is in place in MariaDB and MySQL (no rebuild, no lock on writes). An instance
-- of a version before V5 sorts its retention by this index: upgrade through the V5 version, or
-- expect such an instance's retention to scan the outbox until it is replaced. Written to run
-- twice (scripts/init-mysql.sql may be run again): MySQL has no DROP INDEX IF EXISTS.
SET @drop_processed_at_index = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
        AND table_name = 'outbox' AND index_name = 'idx_outbox_processed_at'),
    'ALTER TABLE outbox DROP INDEX idx_outbox_processed_at', 'DO 0');
PREPARE drop_processed_at_index FROM @drop_processed_at_index;
EXECUTE drop_processed_at_index;
DEALLOCATE PREPARE drop_processed_at_index;
