package io.orderpipeline.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Message;

/**
 * One claimed batch of outbox rows, planned: the records to send (events to order.events, dead
 * letters to order.events.dlq, in claim order), the rows to mark published, the rows to mark failed
 * and the orders they hold. Rows of an order held earlier in the batch, and rows past the batch's
 * byte budget, are in none of these lists: they stay pending.
 *
 * @param claimed   rows the claim returned
 * @param full      the claim was full or the byte budget cut the batch: more may be waiting
 * @param firstId   the oldest claimed row: where a stalled relay notes why
 * @param lastId    the newest row the batch sends
 */
public record OutboxBatch(int claimed, boolean full, long firstId, long lastId, List<Message> records, List<Long> published,
                          List<Map<String, Object>> deadLetters, List<Row> rows) {

    /** An exchange property holding the batch being relayed. */
    public static final String PROPERTY = "outboxBatch";

    /** A claimed row, and the record made of it (null when the row stays pending). */
    public record Row(long id, String eventId, String aggregateType, String aggregateId, String eventType,
                      Message record, boolean deadLetter) {
    }

    static OutboxBatch empty() {
        return new OutboxBatch(0, false, 0, 0, List.of(), List.of(), List.of(), List.of());
    }

    /**
     * A batch is one claim, not a value: equal to itself only. The route's simple expressions read
     * it (${exchangeProperty.outboxBatch.published}, ...), and Camel's bean cache hashes every object
     * such an expression reads (BeanInfoCacheKey, camel-bean 4.17): a record's own hash walked all
     * of its rows and records, four times a batch, 7% of the relay thread's CPU (JFR, make bench).
     */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    public boolean hasDeadLetters() {
        return !deadLetters.isEmpty();
    }

    static final class Builder {
        private final List<Message> records = new ArrayList<>();
        private final List<Long> published = new ArrayList<>();
        private final List<Map<String, Object>> deadLetters = new ArrayList<>();
        private final List<Row> rows = new ArrayList<>();

        void publish(Row row) {
            rows.add(row);
            records.add(row.record());
            published.add(row.id());
        }

        void deadLetter(Row row, int attempts, String reason) {
            rows.add(row);
            records.add(row.record());
            deadLetters.add(Map.of("id", row.id(), "attempts", attempts, "reason", reason,
                    "aggregateType", row.aggregateType(), "aggregateId", row.aggregateId()));
        }

        void holdBack(Row row) {
            rows.add(row);
        }

        boolean isEmpty() {
            return records.isEmpty();
        }

        OutboxBatch build(int claimed, boolean full, long firstId) {
            long lastId = rows.stream().filter(r -> r.record() != null).mapToLong(Row::id).max().orElse(firstId);
            return new OutboxBatch(claimed, full, firstId, lastId, records, published, deadLetters, rows);
        }
    }
}
