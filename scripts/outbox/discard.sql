-- Gives dead-lettered outbox rows up: the one whose id is @id, or all when @id is NULL
-- (`make outbox-discard [ID=n]`). The event is never published; its order's later events flow
-- without it. The row stays (marked discarded) until retention removes it.
START TRANSACTION;
UPDATE outbox
SET discarded_at = NOW(6), last_error = LEFT(CONCAT('discarded; was: ', COALESCE(last_error, '')), 2000)
WHERE failed_at IS NOT NULL AND discarded_at IS NULL AND (@id IS NULL OR id = @id);
SELECT CONCAT(ROW_COUNT(), ' dead letter(s) discarded') AS result;
DELETE FROM outbox_held_orders WHERE @id IS NULL OR outbox_id = @id;
COMMIT;
