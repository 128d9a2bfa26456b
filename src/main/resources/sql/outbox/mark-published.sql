-- The batch's events are in its Kafka transaction: mark them (committed together with it).
-- Parameter: published (the ids).
UPDATE outbox SET processed = 1, processed_at = NOW(6), next_attempt_at = NULL
WHERE id IN (:#in:published)
