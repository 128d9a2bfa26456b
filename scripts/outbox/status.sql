-- `make outbox-status`: outbox rows by state, then the orders held back by a dead letter.
SELECT CASE WHEN discarded_at IS NOT NULL THEN 'discarded'
            WHEN failed_at IS NOT NULL THEN 'dead-lettered'
            WHEN processed THEN 'published'
            ELSE 'pending' END AS state,
       COUNT(*) AS events, MIN(created_at) AS oldest
FROM outbox GROUP BY state;
SELECT h.aggregate_type, h.aggregate_id, h.outbox_id AS dead_letter, h.held_at,
       (SELECT COUNT(*) FROM outbox o WHERE o.processed = 0 AND o.aggregate_type = h.aggregate_type
                                       AND o.aggregate_id = h.aggregate_id) AS waiting_events,
       LEFT(h.reason, 120) AS reason
FROM outbox_held_orders h ORDER BY h.held_at;
