-- Publishes dead-lettered outbox rows again: the one whose id is @id, or all when @id is NULL
-- (`make outbox-requeue [ID=n]`). A requeued row keeps its place in id order and its order is no
-- longer held, so it goes out first and the order's waiting events follow it, in order. Both
-- changes commit together, so the relay never sees one without the other.
START TRANSACTION;
UPDATE outbox
SET processed = 0, processed_at = DEFAULT, failed_at = NULL, attempts = 0, next_attempt_at = NULL,
    last_error = LEFT(CONCAT('requeued; was: ', COALESCE(last_error, '')), 2000)
WHERE failed_at IS NOT NULL AND discarded_at IS NULL AND (@id IS NULL OR id = @id);
SELECT CONCAT(ROW_COUNT(), ' dead letter(s) requeued') AS result;
DELETE FROM outbox_held_orders WHERE @id IS NULL OR outbox_id = @id;
COMMIT;
