-- A dead letter of the batch (batch mode: one parameter set per row): failed, with the reason.
UPDATE outbox SET processed = 1, processed_at = NOW(6), failed_at = NOW(6), attempts = :#attempts,
       last_error = :#reason, next_attempt_at = NULL
WHERE id = :#id
