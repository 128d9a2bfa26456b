-- The relay's claim: the next pending events in id order (for one order, commit order), locked
-- until the batch's transaction ends. Orders held back by a dead letter are left out.
-- Parameter: limit (the batch size). The relay reads these nine columns by name (outbox/OutboxRows):
-- a claim of one's own (app.outbox.relay.sql.claim) must return each of them.
SELECT o.id, o.event_id, o.aggregate_type, o.aggregate_id, o.event_type, o.payload, o.attempts,
       o.last_error, o.created_at
FROM outbox o
WHERE o.processed = 0
  AND NOT EXISTS (SELECT 1 FROM outbox_held_orders h
                  WHERE h.aggregate_type = o.aggregate_type AND h.aggregate_id = o.aggregate_id)
ORDER BY o.id
LIMIT :#limit
FOR UPDATE
