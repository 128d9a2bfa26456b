-- A dead letter holds its order back until it is requeued or discarded (batch mode).
INSERT INTO outbox_held_orders (aggregate_type, aggregate_id, outbox_id, reason)
VALUES (:#aggregateType, :#aggregateId, :#id, :#reason)
ON DUPLICATE KEY UPDATE outbox_id = outbox_id
