-- A failed attempt, noted after the batch rolled back: why, on the row it concerns. refused = 1
-- when Kafka refused this row's record for a reason of its own (it then counts towards
-- max-attempts, after which the next batch sends it to the dead-letter topic); 0 when the batch
-- failed as a whole (Kafka away, MySQL refusing the mark), noted on its oldest row.
UPDATE outbox SET attempts = attempts + :#refused, last_error = :#error WHERE id = :#id AND processed = 0
