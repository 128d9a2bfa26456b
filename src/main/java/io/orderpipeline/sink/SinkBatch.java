package io.orderpipeline.sink;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A polled batch of analytics.orders records, checked and then de-duplicated: what is left to
 * insert, and what can never be inserted (with the reason).
 */
public final class SinkBatch {

    private static final DateTimeFormatter CLICKHOUSE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    private final List<SinkRow> rows = new ArrayList<>();
    private final List<RefusedRow> refused = new ArrayList<>();
    private int duplicates;

    private SinkBatch() {
    }

    /** Parses each record; one that is no usable row is refused now, before ClickHouse sees it. */
    public static SinkBatch of(List<ConsumerRecord<String, String>> records, ObjectMapper json) {
        // Amounts pass through exactly as written: 10.00 must not come out as 1E+1.
        ObjectReader reader = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .with(JsonNodeFactory.withExactBigDecimals(true));
        SinkBatch batch = new SinkBatch();
        for (ConsumerRecord<String, String> r : records) {
            try {
                JsonNode node = r.value() == null ? null : reader.readTree(r.value());
                if (node == null || !node.isObject()) {
                    batch.refuse(r, "value is not a JSON object");
                    continue;
                }
                String eventId = node.path("event_id").asText("");
                if (!eventId.matches(UUID)) {
                    batch.refuse(r, "event_id missing or not a UUID");
                    continue;
                }
                String eventTime = normalise(node.path("event_time").asText(""));
                if (eventTime == null) {
                    batch.refuse(r, "event_time missing or not a time");
                    continue;
                }
                ObjectNode row = (ObjectNode) node;
                row.put("kafka_partition", r.partition());
                row.put("kafka_offset", r.offset());
                batch.rows.add(new SinkRow(r.partition(), r.offset(), r.key(), eventId.toLowerCase(), eventTime, row));
            } catch (java.io.IOException e) {
                batch.refuse(r, "value is not valid JSON");
            }
        }
        return batch;
    }

    /** Drops rows whose event is stored already, or came earlier in this batch (at-least-once upstream). */
    public void dropStored(StoredEvents stored) {
        if (rows.isEmpty()) {
            return;
        }
        String min = rows.stream().map(SinkRow::eventTime).min(String::compareTo).orElseThrow();
        String max = rows.stream().map(SinkRow::eventTime).max(String::compareTo).orElseThrow();
        Set<String> seen = new HashSet<>(stored.existing(rows.stream().map(SinkRow::eventId).distinct().toList(), min, max));
        List<SinkRow> fresh = new ArrayList<>(rows.size());
        for (SinkRow row : rows) {
            if (seen.add(row.eventId())) {
                fresh.add(row);
            } else {
                duplicates++;
            }
        }
        rows.clear();
        rows.addAll(fresh);
    }

    public List<SinkRow> rows() {
        return rows;
    }

    public List<RefusedRow> refused() {
        return refused;
    }

    public int duplicates() {
        return duplicates;
    }

    private void refuse(ConsumerRecord<String, String> r, String reason) {
        refused.add(new RefusedRow(r.partition(), r.offset(), r.key(), r.value(), reason));
    }

    /** "yyyy-MM-dd HH:mm:ss" as written by the transformer, or an ISO-8601 instant, as UTC seconds. */
    static String normalise(String time) {
        try {
            return CLICKHOUSE_TIME.format(LocalDateTime.parse(time, CLICKHOUSE_TIME));
        } catch (DateTimeParseException notPlain) {
            try {
                return CLICKHOUSE_TIME.format(LocalDateTime.ofInstant(Instant.parse(time), ZoneOffset.UTC));
            } catch (DateTimeParseException notIso) {
                return null;
            }
        }
    }
}
