package io.orderpipeline.sink;

import java.util.List;

/**
 * One record of analytics.orders on its way into orders_analytics: where it came from, its event id
 * and time (for de-duplication), its record timestamp (the event time in milliseconds, for the
 * freshness timer), the token of its block, and the row itself: the record's JSON object as it
 * came, without its closing brace ({@code head}), to which {@link #json} appends the fields the
 * sink sets.
 */
public record SinkRow(int partition, long offset, String key, String eventId, String eventTime, long timestampMs,
                      String block, String head) {

    /** The columns the sink fills in itself; a record's own fields of these names are dropped. */
    static final List<String> OWN_FIELDS = List.of("kafka_partition", "kafka_offset", "sink_block", "ingested_ms");

    /**
     * The row as ClickHouse takes it (one line of JSONEachRow). The block's token is a topic name
     * (letters, digits, '.', '_', '-'), numbers and ':', so it needs no escaping.
     */
    public String json(long ingestedMs) {
        return head + ",\"kafka_partition\":" + partition + ",\"kafka_offset\":" + offset + ",\"sink_block\":\"" + block
                + "\",\"ingested_ms\":" + ingestedMs + "}";
    }
}
