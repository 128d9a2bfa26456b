-- The backlog gauges, in one round trip (each part through an index).
SELECT (SELECT COUNT(*) FROM outbox WHERE processed = 0) AS pending,
       (SELECT created_at FROM outbox WHERE processed = 0 ORDER BY id LIMIT 1) AS oldest_pending,
       (SELECT COUNT(*) FROM outbox_held_orders) AS held_orders,
       (SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL AND discarded_at IS NULL) AS dead_letters
