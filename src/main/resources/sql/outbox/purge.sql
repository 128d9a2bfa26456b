-- Retention: published (or discarded) rows older than the cut-off, oldest first, a batch at a time.
-- Dead letters nobody has dealt with stay. Parameters: cutoff, limit.
DELETE FROM outbox
WHERE processed = 1 AND processed_at < :#cutoff AND (failed_at IS NULL OR discarded_at IS NOT NULL)
ORDER BY processed_at
LIMIT :#limit
