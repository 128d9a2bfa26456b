-- Retention: published (or discarded) rows older than the cut-off, oldest first, a batch at a time.
-- Dead letters nobody has dealt with stay. Parameters: cutoff, limit. A row is published after it
-- is written, so created_at's index bounds the search to rows old enough, without the index on
-- processed_at, which V6 dropped (it slowed the relay's mark).
DELETE FROM outbox
WHERE created_at < :#cutoff AND processed = 1 AND processed_at < :#cutoff
  AND (failed_at IS NULL OR discarded_at IS NOT NULL)
ORDER BY created_at
LIMIT :#limit
